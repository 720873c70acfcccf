import { JWTAuthProvider } from '../auth/jwt-auth-provider';
import {
  connectClient,
  connectV2Client,
  createTestServerFactory,
  modernEnvelope,
  modernRequest,
  rawRequest,
  signTestToken,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TEST_JWT_SECRET,
  type RawResponse,
  type TestServerFactory,
} from '../../testing';
import type { TransportConfig } from './config';
import { wrapServer, type AuthenticatedServerWrapper } from './wrap-server';

/*
 * One /mcp URL, two protocol eras: 2026-07-28 through the SDK's createMcpHandler, 2025 through our
 * transports — with the real SDK clients of both lines (v2 `@modelcontextprotocol/client`, 1.x
 * `@modelcontextprotocol/sdk`) and raw HTTP for what a client would never send.
 */

const token = (sub: string) => signTestToken({ sub, scope: 'mcp' });

describe('two protocol eras on one endpoint', () => {
  let fixture: TestServerFactory;
  let wrapped: AuthenticatedServerWrapper;
  let url: string;
  const closers: Array<() => Promise<void>> = [];

  async function start(transport: Partial<TransportConfig> = {}, sdk: 'v1' | 'v2' = 'v2'): Promise<void> {
    fixture = createTestServerFactory({ sdk });
    wrapped = wrapServer({
      serverFactory: fixture.factory,
      authProvider: new JWTAuthProvider({ jwtSecret: TEST_JWT_SECRET, audience: TEST_AUDIENCE, issuer: TEST_ISSUER, requiredScopes: ['mcp'] }),
      resourceType: 'eras',
      transport: { type: 'http', port: 0, ...transport },
      rateLimit: false,
    });
    url = (await wrapped.start()).url;
  }

  async function post(method: string, params: Record<string, unknown>, options: Parameters<typeof modernRequest>[2] = {}, sub = 'alice'): Promise<RawResponse> {
    const { body, headers } = modernRequest(method, params, options);
    return rawRequest(`${url}/mcp`, { method: 'POST', headers: { ...headers, Authorization: `Bearer ${await token(sub)}` }, body });
  }

  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close().catch(() => undefined)));
    await wrapped.stop();
  });

  it('serves a 2026-07-28 client, a 2025 Streamable HTTP client and a legacy SSE client side by side, each on its own server', async () => {
    await start();
    const modern = await connectV2Client({ baseUrl: url, token: await token('alice') });
    const legacy = await connectClient({ baseUrl: url, token: await token('bob'), transport: 'streamable-http' });
    const sse = await connectClient({ baseUrl: url, token: await token('carol'), transport: 'sse' });
    closers.push(() => modern.close(), () => legacy.close(), () => sse.close());
    expect(modern.era).toBe('modern');
    expect([await modern.callText('whoami'), await legacy.callText('whoami'), await sse.callText('whoami')]).toEqual(['alice', 'bob', 'carol']);
    // The verified identity reaches the tool as the SDK's authInfo, in both eras.
    expect(JSON.parse(await modern.callText('auth_info'))).toEqual({ clientId: 'alice', userId: 'alice', scopes: ['mcp'] });
    expect(JSON.parse(await legacy.callText('auth_info'))).toEqual({ clientId: 'bob', userId: 'bob', scopes: ['mcp'] });
    await modern.callText('remember', { note: 'alice only' });
    expect(await legacy.callText('recall')).toBe('[]');
    expect(fixture.eras).toContain('modern');
    expect(fixture.eras).toContain('legacy');
    // 2026-07-28 holds no session: only the two 2025-era clients do.
    expect(wrapped.sessions.size).toBe(2);
  });

  it('a v2 client in auto mode lands on 2026-07-28, in legacy mode on a 2025 session, at the same URL', async () => {
    await start();
    const auto = await connectV2Client({ baseUrl: url, token: await token('alice'), era: 'auto' });
    const old = await connectV2Client({ baseUrl: url, token: await token('alice'), era: 'legacy' });
    closers.push(() => auto.close(), () => old.close());
    expect([auto.era, old.era]).toEqual(['modern', 'legacy']);
    expect([await auto.callText('echo', { text: 'a' }), await old.callText('echo', { text: 'b' })]).toEqual(['a', 'b']);
    expect(wrapped.sessions.countForUser('alice')).toBe(1);
  });

  it('answers malformed 2026-07-28 requests with the SDK ladder, each error carrying its request id; removed methods get 404', async () => {
    await start();
    const echo = { name: 'echo', arguments: { text: 'hi' } };
    const initialize = { protocolVersion: '2026-07-28', capabilities: {}, clientInfo: { name: 'x', version: '1' } };
    const unserved = modernEnvelope({ 'io.modelcontextprotocol/protocolVersion': '2099-01-01' });
    const cases: Array<[string, () => Promise<RawResponse>, number, number]> = [
      ['Mcp-Name disagrees with the body', () => post('tools/call', echo, { id: 11, headers: { 'Mcp-Name': 'whoami' } }), 400, -32020],
      ['Mcp-Method disagrees with the body', () => post('tools/call', echo, { id: 12, headers: { 'Mcp-Method': 'tools/list' } }), 400, -32020],
      ['envelope without clientCapabilities', () => post('tools/call', echo, { id: 13, envelope: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } }), 400, -32602],
      ['a revision the endpoint does not serve', () => post('tools/call', echo, { id: 14, headers: { 'MCP-Protocol-Version': '2099-01-01' }, envelope: unserved }), 400, -32022],
      ['removed method ping', () => post('ping', {}, { id: 15 }), 404, -32601],
      ['removed method initialize', () => post('initialize', initialize, { id: 16 }), 404, -32601],
      ['removed method logging/setLevel', () => post('logging/setLevel', { level: 'info' }, { id: 17 }), 404, -32601],
    ];
    for (const [index, [name, send, status, code]] of cases.entries()) {
      const res = await send();
      const answer = res.json as { id?: unknown; error?: { code?: number } };
      expect({ name, status: res.status, code: answer.error?.code, id: answer.id }).toEqual({ name, status, code, id: 11 + index });
    }
    // Only the removed methods reach a server (the SDK's era gate answers them); the header and envelope rungs answer first.
    expect(fixture.calls).toBe(3);
  });

  it('a 2026-07-28 header on a body without the envelope, or a body that is not JSON-RPC, is answered by the SDK ladder', async () => {
    await start();
    const auth = { Authorization: `Bearer ${await token('alice')}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
    const noEnvelope = await rawRequest(`${url}/mcp`, { method: 'POST', headers: { ...auth, 'MCP-Protocol-Version': '2026-07-28' }, body: '{"jsonrpc":"2.0","id":"x","method":"tools/list"}' });
    expect([noEnvelope.status, noEnvelope.json]).toMatchObject([400, { id: 'x', error: { code: -32602 } }]);
    const notJsonRpc = await rawRequest(`${url}/mcp`, { method: 'POST', headers: auth, body: '{"jsonrpc":"1.0","id":5,"method":"ping"}' });
    expect([notJsonRpc.status, notJsonRpc.json]).toMatchObject([400, { error: { code: -32600 } }]);
    expect(fixture.calls).toBe(0);
  });

  it('authentication and the Host and Origin checks stay in front of the 2026-07-28 path', async () => {
    await start();
    const { body, headers } = modernRequest('tools/call', { name: 'whoami', arguments: {} });
    const anonymous = await rawRequest(`${url}/mcp`, { method: 'POST', headers, body });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer realm="eras", resource_metadata=/);
    const rebound = await rawRequest(`${url}/mcp`, { method: 'POST', headers: { ...headers, Host: 'evil.example', Authorization: `Bearer ${await token('alice')}` }, body });
    expect([rebound.status, (rebound.json as { error: { data: { code: string } } }).error.data.code]).toEqual([403, 'ERR_HOST_NOT_ALLOWED']);
    const foreignOrigin = await rawRequest(`${url}/mcp`, { method: 'POST', headers: { ...headers, Origin: 'https://evil.example', Authorization: `Bearer ${await token('alice')}` }, body });
    expect([foreignOrigin.status, (foreignOrigin.json as { error: { data: { code: string } } }).error.data.code]).toEqual([403, 'ERR_ORIGIN_NOT_ALLOWED']);
    const unscoped = await rawRequest(`${url}/mcp`, { method: 'POST', headers: { ...headers, Authorization: `Bearer ${await signTestToken({ sub: 'alice' })}` }, body });
    expect(unscoped.status).toBe(403);
    expect(fixture.calls).toBe(0);
  });

  it('stateless: a 2025 POST and a 2026-07-28 request each get a fresh server, and GET stays 405', async () => {
    await start({ stateless: true });
    const modern = await post('tools/call', { name: 'whoami', arguments: {} }, { id: 'm' });
    expect([modern.status, modern.json]).toMatchObject([200, { id: 'm', result: { content: [{ type: 'text', text: 'alice' }] } }]);
    const legacy = await connectClient({ baseUrl: url, token: await token('bob'), transport: 'streamable-http' });
    closers.push(() => legacy.close());
    expect(await legacy.callText('whoami')).toBe('bob');
    expect(new Set(fixture.eras)).toEqual(new Set(['modern', 'legacy']));
    const get = await rawRequest(`${url}/mcp`, { headers: { Authorization: `Bearer ${await token('bob')}`, Accept: 'text/event-stream' } });
    expect([get.status, get.headers['allow']]).toEqual([405, 'POST']);
  });

  it('a 1.x factory keeps serving 2025-era clients (Streamable HTTP and SSE); a 2026-07-28 request to it gets a 500 with its id', async () => {
    await start({}, 'v1');
    const legacy = await connectClient({ baseUrl: url, token: await token('alice'), transport: 'streamable-http' });
    const sse = await connectClient({ baseUrl: url, token: await token('bob'), transport: 'sse' });
    closers.push(() => legacy.close(), () => sse.close());
    expect([await legacy.callText('whoami'), await sse.callText('whoami')]).toEqual(['alice', 'bob']);
    expect(JSON.parse(await sse.callText('auth_info'))).toEqual({ clientId: 'bob', userId: 'bob', scopes: ['mcp'] });
    const modern = await post('tools/call', { name: 'whoami', arguments: {} }, { id: 42 });
    expect([modern.status, modern.json]).toMatchObject([500, { id: 42, error: { code: -32603 } }]);
    expect(await wrapped.metrics.registry.getSingleMetricAsString('mcp_http_errors_total')).toContain('code="ERR_SERVER_FACTORY"} 1');
  });
});
