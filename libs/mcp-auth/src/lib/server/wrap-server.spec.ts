import { createMemoryLogger } from '@mcp-factory/shared-util';
import { JWTAuthProvider } from '../auth/jwt-auth-provider';
import type { ServerWrapperConfig } from './config';
import { wrapServer, type AuthenticatedServerWrapper } from './wrap-server';
import {
  connectClient,
  createTestServerFactory,
  rawRequest,
  signTestToken,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TEST_JWT_SECRET,
  type ConnectedClient,
  type TestServerFactory,
} from '../../testing';

const INIT_BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});
const MCP_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

describe('wrapServer over real HTTP', () => {
  let wrapped: AuthenticatedServerWrapper | undefined;
  let clients: ConnectedClient[] = [];

  async function start(fixture: TestServerFactory, overrides: Partial<ServerWrapperConfig> = {}): Promise<string> {
    wrapped = wrapServer({
      serverFactory: fixture.factory,
      authProvider: new JWTAuthProvider({ jwtSecret: TEST_JWT_SECRET, audience: TEST_AUDIENCE, issuer: TEST_ISSUER, requiredScopes: ['mcp'] }),
      resourceType: 'test',
      ...overrides,
      transport: { type: 'http', port: 0, host: '127.0.0.1', ...overrides.transport },
    });
    const { url } = await wrapped.start();
    return url;
  }

  const token = (sub: string, scope = 'mcp') => signTestToken({ sub, scope });

  async function connect(baseUrl: string, sub: string, transport: 'streamable-http' | 'sse'): Promise<ConnectedClient> {
    const client = await connectClient({ baseUrl, token: await token(sub), transport });
    clients.push(client);
    return client;
  }

  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    clients = [];
    await wrapped?.stop();
    wrapped = undefined;
  });

  describe.each(['streamable-http', 'sse'] as const)('%s', (transport) => {
    it('gives two users their own server and only their own data', async () => {
      const store = new Map<string, string[]>();
      const fixture = createTestServerFactory({ store });
      const url = await start(fixture);
      const alice = await connect(url, 'alice', transport);
      const bob = await connect(url, 'bob', transport);

      expect(await alice.callText('whoami')).toBe('alice');
      expect(await bob.callText('whoami')).toBe('bob');
      await alice.callText('remember', { note: 'alice-secret' });
      await bob.callText('remember', { note: 'bob-note' });
      expect(JSON.parse(await alice.callText('recall'))).toEqual(['alice-secret']);
      expect(JSON.parse(await bob.callText('recall'))).toEqual(['bob-note']);
      expect(fixture.calls).toBe(2);
      expect(fixture.userIds.sort()).toEqual(['alice', 'bob']);
      expect(wrapped?.sessions.size).toBe(2);
      // The default access token is the bearer token itself.
      expect(fixture.accessTokens[0].split('.')).toHaveLength(3);
    });
  });

  it('stateless mode builds a fresh server per request and keeps users apart', async () => {
    const store = new Map<string, string[]>();
    const fixture = createTestServerFactory({ store });
    const url = await start(fixture, { transport: { type: 'http', stateless: true } });
    const alice = await connect(url, 'alice', 'streamable-http');
    const bob = await connect(url, 'bob', 'streamable-http');
    expect(alice.sessionId).toBeUndefined();
    expect(await alice.callText('whoami')).toBe('alice');
    await bob.callText('remember', { note: 'b' });
    expect(JSON.parse(await alice.callText('recall'))).toEqual([]);
    expect(JSON.parse(await bob.callText('recall'))).toEqual(['b']);
    // initialize + initialized notification + 2 calls each side, one server per POST
    expect(fixture.calls).toBeGreaterThanOrEqual(6);
    expect(wrapped?.sessions.size).toBe(0);
  });

  it('passes the token resolver result to the factory', async () => {
    const fixture = createTestServerFactory();
    const url = await start(fixture, {
      tokenResolver: { resolveToken: async (userId, resourceType) => (userId === 'alice' ? `${resourceType}-token-of-${userId}` : null) },
    });
    await connect(url, 'alice', 'streamable-http');
    expect(fixture.accessTokens).toEqual(['test-token-of-alice']);
    const res = await rawRequest(`${url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, Authorization: `Bearer ${await token('bob')}` }, body: INIT_BODY });
    expect(res.status).toBe(401);
    expect((res.json as { error: { data: { code: string } } }).error.data.code).toBe('ERR_AUTH_TOKEN_RESOLUTION');
  });

  describe('authentication failures', () => {
    const cases: Array<[string, () => Promise<Record<string, string>>, string]> = [
      ['missing token', async () => ({}), 'ERR_AUTH_TOKEN_MISSING'],
      ['non-bearer scheme', async () => ({ Authorization: 'Basic YWxpY2U6cHc=' }), 'ERR_AUTH_TOKEN_MISSING'],
      ['bad signature', async () => ({ Authorization: `Bearer ${await signTestToken({ sub: 'alice', scope: 'mcp' }, 'another-secret-that-is-long-enough-000')}` }), 'ERR_AUTH_TOKEN_INVALID'],
      ['expired', async () => ({ Authorization: `Bearer ${await signTestToken({ sub: 'alice', scope: 'mcp' }, TEST_JWT_SECRET, { expiresIn: Math.floor(Date.now() / 1000) - 120 })}` }), 'ERR_AUTH_TOKEN_EXPIRED'],
      ['wrong audience', async () => ({ Authorization: `Bearer ${await signTestToken({ sub: 'alice', scope: 'mcp' }, TEST_JWT_SECRET, { audience: 'someone-else' })}` }), 'ERR_AUTH_TOKEN_INVALID'],
      ['alg none', async () => ({ Authorization: `Bearer ${await signTestToken({ sub: 'alice', scope: 'mcp' }, TEST_JWT_SECRET, { alg: 'none' })}` }), 'ERR_AUTH_TOKEN_INVALID'],
      ['garbage', async () => ({ Authorization: 'Bearer not.a.jwt' }), 'ERR_AUTH_TOKEN_INVALID'],
    ];

    it.each(cases)('%s → 401 with WWW-Authenticate and no server built', async (_name, headers, code) => {
      const fixture = createTestServerFactory();
      const url = await start(fixture);
      for (const [path, method, body] of [
        ['/mcp', 'POST', INIT_BODY],
        ['/sse', 'GET', undefined],
        ['/messages?sessionId=x', 'POST', '{}'],
      ] as const) {
        const res = await rawRequest(url + path, { method, headers: { ...MCP_HEADERS, ...(await headers()) }, body });
        expect(res.status).toBe(401);
        const challenge = String(res.headers['www-authenticate']);
        // RFC 6750 §3.1: no error code when no token was sent.
        expect(challenge).toMatch(code === 'ERR_AUTH_TOKEN_MISSING' ? /^Bearer realm="test", resource_metadata=/ : /^Bearer realm="test", error="invalid_token"/);
        expect(challenge).toContain(`resource_metadata="${url}/.well-known/oauth-protected-resource"`);
        expect((res.json as { error: { data: { code: string } } }).error.data.code).toBe(code);
      }
      expect(fixture.calls).toBe(0);
      expect(await wrapped?.metrics.registry.getSingleMetricAsString('mcp_auth_failures_total')).toContain(`code="${code}"} 3`);
    });

    it('insufficient scope → 403 insufficient_scope', async () => {
      const fixture = createTestServerFactory();
      const url = await start(fixture);
      const res = await rawRequest(`${url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, Authorization: `Bearer ${await token('alice', 'read')}` }, body: INIT_BODY });
      expect(res.status).toBe(403);
      expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
      expect(res.headers['www-authenticate']).toContain('scope="mcp"');
      expect(fixture.calls).toBe(0);
    });

    it('accepts ?access_token= on the SSE endpoints only when enabled, and never on /mcp', async () => {
      const fixture = createTestServerFactory();
      const url = await start(fixture, { transport: { type: 'sse', allowQueryToken: true } });
      const t = await token('alice');
      const mcp = await rawRequest(`${url}/mcp?access_token=${t}`, { method: 'POST', headers: MCP_HEADERS, body: INIT_BODY });
      expect(mcp.status).toBe(401);
      const ac = new AbortController();
      const sse = await fetch(`${url}/sse?access_token=${t}`, { signal: ac.signal });
      expect(sse.status).toBe(200);
      ac.abort();
      expect(fixture.calls).toBe(1);
    });

    it('refuses ?access_token= by default', async () => {
      const url = await start(createTestServerFactory());
      const res = await rawRequest(`${url}/sse?access_token=${await token('alice')}`);
      expect(res.status).toBe(401);
    });
  });

  it.each(['streamable-http', 'sse'] as const)('%s: a session used by another user gets the same 404 as an unknown id', async (transport) => {
    const fixture = createTestServerFactory();
    const url = await start(fixture);
    const alice = await connect(url, 'alice', transport);
    const aliceSession = transport === 'sse' ? [...(wrapped?.sessions['sessions'] as Map<string, unknown>).keys()][0] : alice.sessionId;
    expect(aliceSession).toBeDefined();
    const call = JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'whoami', arguments: {} } });
    const bobToken = await token('bob');
    const ask = (sessionId: string) =>
      transport === 'sse'
        ? rawRequest(`${url}/messages?sessionId=${sessionId}`, { method: 'POST', headers: { ...MCP_HEADERS, Authorization: `Bearer ${bobToken}` }, body: call })
        : rawRequest(`${url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, Authorization: `Bearer ${bobToken}`, 'Mcp-Session-Id': sessionId }, body: call });
    const stolen = await ask(aliceSession as string);
    const unknown = await ask('00000000-0000-4000-8000-000000000000');
    expect(stolen.status).toBe(404);
    expect(stolen.body).toBe(unknown.body);
    expect(stolen.headers['content-type']).toBe(unknown.headers['content-type']);
    expect((stolen.json as { error: { data: { code: string } } }).error.data.code).toBe('ERR_SESSION_NOT_FOUND');
    expect(await alice.callText('whoami')).toBe('alice');
    expect(fixture.calls).toBe(1);
  });

  describe('limits', () => {
    it('rate limits per user with 429 and Retry-After', async () => {
      const url = await start(createTestServerFactory(), { rateLimit: { maxRequests: 2, windowMs: 60_000 } });
      const headers = { ...MCP_HEADERS, Authorization: `Bearer ${await token('alice')}` };
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 3; i++) {
        last = await rawRequest(`${url}/mcp`, { method: 'GET', headers });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([400, 400, 429]);
      expect(Number(last?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Another user has their own bucket.
      const bob = await rawRequest(`${url}/mcp`, { method: 'GET', headers: { ...headers, Authorization: `Bearer ${await token('bob')}` } });
      expect(bob.status).toBe(400);
    });

    it('refuses a body over the limit with 413', async () => {
      const fixture = createTestServerFactory();
      const url = await start(fixture, { maxBodyBytes: 1024 });
      const res = await rawRequest(`${url}/mcp`, {
        method: 'POST',
        headers: { ...MCP_HEADERS, Authorization: `Bearer ${await token('alice')}` },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { pad: 'x'.repeat(2000) } }),
      });
      expect(res.status).toBe(413);
      expect((res.json as { error: { data: { code: string } } }).error.data.code).toBe('ERR_BODY_TOO_LARGE');
      expect(fixture.calls).toBe(0);
    });

    it('answers a slow body with 408', async () => {
      const url = await start(createTestServerFactory(), { requestTimeoutMs: 150 });
      async function* slow() {
        yield '{"jsonrpc":"2.0",';
        await new Promise((r) => setTimeout(r, 600));
        yield '"id":1}';
      }
      const res = await rawRequest(`${url}/mcp`, {
        method: 'POST',
        headers: { ...MCP_HEADERS, Authorization: `Bearer ${await token('alice')}`, 'Transfer-Encoding': 'chunked' },
        body: slow(),
      });
      expect(res.status).toBe(408);
      expect((res.json as { error: { data: { code: string } } }).error.data.code).toBe('ERR_REQUEST_TIMEOUT');
    });

    it('caps sessions per user (429) and in total (503)', async () => {
      const url = await start(createTestServerFactory(), { maxSessionsPerUser: 1, maxSessions: 2 });
      await connect(url, 'alice', 'streamable-http');
      const init = async (sub: string) =>
        rawRequest(`${url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, Authorization: `Bearer ${await token(sub)}` }, body: INIT_BODY });
      const again = await init('alice');
      expect(again.status).toBe(429);
      expect((again.json as { error: { data: { code: string } } }).error.data.code).toBe('ERR_SESSION_LIMIT_USER');
      await connect(url, 'bob', 'sse');
      const third = await init('carol');
      expect(third.status).toBe(503);
      expect((third.json as { error: { data: { code: string } } }).error.data.code).toBe('ERR_SESSION_LIMIT_TOTAL');
    });

    it('evicts idle sessions, closing transport and server', async () => {
      const fixture = createTestServerFactory();
      const url = await start(fixture, { sessionIdleTimeoutMs: 100, sessionSweepIntervalMs: 25 });
      const alice = await connect(url, 'alice', 'streamable-http');
      const bob = await connect(url, 'bob', 'sse');
      expect(await alice.callText('whoami')).toBe('alice');
      expect(await bob.callText('whoami')).toBe('bob');
      expect(wrapped?.sessions.size).toBe(2);
      await waitFor(() => wrapped?.sessions.size === 0, 2000);
      await waitFor(() => fixture.closed >= 2, 1000);
      const metrics = await wrapped?.metrics.registry.metrics();
      expect(metrics).toMatch(/mcp_sessions_evicted_total\{transport="streamable-http"\} 1/);
      expect(metrics).toMatch(/mcp_sessions_active\{transport="sse"\} 0/);
      // The evicted session id is now unknown.
      const res = await rawRequest(`${url}/mcp`, {
        method: 'POST',
        headers: { ...MCP_HEADERS, Authorization: `Bearer ${await token('alice')}`, 'Mcp-Session-Id': alice.sessionId as string },
        body: JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/list' }),
      });
      expect(res.status).toBe(404);
    });
  });

  it('graceful shutdown finishes an in-flight call, closes sessions, runs hooks', async () => {
    const fixture = createTestServerFactory();
    const order: string[] = [];
    const { logger, entries } = createMemoryLogger();
    const url = await start(fixture, { onShutdown: [() => void order.push('hook1'), async () => void order.push('hook2')], logger });
    const alice = await connect(url, 'alice', 'streamable-http');
    const inFlight = alice.callText('slow', { ms: 300 });
    await waitFor(() => (wrapped?.inFlight.size ?? 0) > 0, 1000);
    const stopping = wrapped?.stop();
    // New work is refused while draining.
    const late = await rawRequest(`${url}/ready`).catch(() => undefined);
    if (late) expect(late.status).toBe(503);
    expect(await inFlight).toBe('done');
    await stopping;
    expect(order).toEqual(['hook1', 'hook2']);
    expect(wrapped?.sessions.size).toBe(0);
    expect(fixture.closed).toBe(1);
    const lines = JSON.stringify(entries);
    expect(lines).toContain('"userId":"alice"');
    expect(lines).toContain('sessionId');
    // No token ever reaches the logs.
    expect(lines).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
    wrapped = undefined;
    await alice.close().catch(() => undefined);
    clients = [];
  });

  describe('operational endpoints', () => {
    it('/health is always 200; /ready follows readinessCheck', async () => {
      let ready = false;
      const url = await start(createTestServerFactory(), {
        readinessCheck: async () => {
          if (!ready) throw new Error('database down');
        },
      });
      expect((await rawRequest(`${url}/health`)).status).toBe(200);
      const notReady = await rawRequest(`${url}/ready`);
      expect(notReady.status).toBe(503);
      expect((notReady.json as { error: { data: { code: string } } }).error.data.code).toBe('ERR_NOT_READY');
      ready = true;
      expect((await rawRequest(`${url}/ready`)).status).toBe(200);
    });

    it('/metrics serves Prometheus text from its own registry, with tool latency', async () => {
      const url = await start(createTestServerFactory());
      const alice = await connect(url, 'alice', 'streamable-http');
      await alice.client.listTools(); // the server's own list names the tools the label may take
      await alice.callText('whoami');
      const res = await rawRequest(`${url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('text/plain');
      expect(res.body).toMatch(/mcp_sessions_active\{transport="streamable-http"\} 1/);
      expect(res.body).toMatch(/mcp_tool_call_duration_seconds_count\{tool="whoami",outcome="ok"\} 1/);
      expect(res.body).toMatch(/mcp_http_requests_total\{route="mcp",method="POST"\} \d+/);
      const { register } = await import('prom-client');
      expect(await register.getSingleMetric('mcp_sessions_active')).toBeUndefined();
    });

    it('serves RFC 9728 protected-resource metadata', async () => {
      const url = await start(createTestServerFactory(), {
        protectedResource: { authorizationServers: [TEST_ISSUER], scopesSupported: ['mcp'] },
      });
      const res = await rawRequest(`${url}/.well-known/oauth-protected-resource`);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        resource: `${url}/mcp`,
        authorization_servers: [TEST_ISSUER],
        bearer_methods_supported: ['header'],
        resource_name: 'test',
        scopes_supported: ['mcp'],
      });
      expect((await rawRequest(`${url}/.well-known/oauth-protected-resource/mcp`)).status).toBe(200);
    });

    it('rejects foreign Host and Origin headers (DNS rebinding) before authenticating', async () => {
      const fixture = createTestServerFactory();
      const url = await start(fixture);
      const headers = { ...MCP_HEADERS, Authorization: `Bearer ${await token('alice')}` };
      const host = await rawRequest(`${url}/mcp`, { method: 'POST', headers: { ...headers, Host: 'evil.example' }, body: INIT_BODY });
      expect(host.status).toBe(403);
      expect((host.json as { error: { data: { code: string } } }).error.data.code).toBe('ERR_HOST_NOT_ALLOWED');
      const origin = await rawRequest(`${url}/mcp`, { method: 'POST', headers: { ...headers, Origin: 'https://evil.example' }, body: INIT_BODY });
      expect(origin.status).toBe(403);
      expect((origin.json as { error: { data: { code: string } } }).error.data.code).toBe('ERR_ORIGIN_NOT_ALLOWED');
      expect(fixture.calls).toBe(0);
    });

    it('answers CORS preflights for the configured origin only', async () => {
      const url = await start(createTestServerFactory(), { transport: { type: 'http', cors: true, corsOrigin: 'https://app.example' } });
      const ok = await rawRequest(`${url}/mcp`, { method: 'OPTIONS', headers: { Origin: 'https://app.example' } });
      expect(ok.status).toBe(204);
      expect(ok.headers['access-control-allow-origin']).toBe('https://app.example');
      expect(ok.headers['access-control-allow-headers']).toContain('Mcp-Session-Id');
      // A 2026-07-28 browser client: the standard headers, and the Mcp-Param-* ones it asks for (nothing else it asks for).
      const modern = await rawRequest(`${url}/mcp`, { method: 'OPTIONS', headers: { Origin: 'https://app.example', 'Access-Control-Request-Headers': 'mcp-method, mcp-name, mcp-param-region, x-evil' } });
      expect(String(modern.headers['access-control-allow-headers']).split(', ')).toEqual(expect.arrayContaining(['Mcp-Method', 'Mcp-Name', 'mcp-param-region']));
      expect(modern.headers['access-control-allow-headers']).not.toContain('x-evil');
      const other = await rawRequest(`${url}/mcp`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  it('refuses invalid configuration with ERR_CONFIGURATION', () => {
    const base = { serverFactory: createTestServerFactory().factory, authProvider: new JWTAuthProvider({ jwtSecret: TEST_JWT_SECRET }), resourceType: 'x' };
    expect(() => wrapServer({ ...base, transport: { type: 'stdio' } })).toThrow(expect.objectContaining({ code: 'ERR_CONFIGURATION' }));
    expect(() => wrapServer({ ...base, transport: { type: 'http', cors: true } })).toThrow('transport.corsOrigin is required when transport.cors is true');
    expect(() => wrapServer({ ...base, transport: { type: 'http' }, maxBodyBytes: -1 })).toThrow('maxBodyBytes must be a positive number');
  });
});

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('waitFor timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
