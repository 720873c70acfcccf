import type { AddressInfo } from 'node:net';
import { JWTAuthProvider } from '../lib/auth/jwt-auth-provider';
import type { ServerWrapperConfig } from '../lib/server/config';
import { wrapServer, type AuthenticatedServerWrapper } from '../lib/server/wrap-server';
import { connectClient, createTestServerFactory, rawRequest, signTestToken, TEST_AUDIENCE, TEST_ISSUER, TEST_JWT_SECRET, type ConnectedClient } from '../testing';
import { errorCode, startWrapped, type StartedServer } from './battery-helpers';

/*
 * Guardrails battery (issue 14): what a public deployment exposes besides the MCP endpoints — the
 * RFC 9728 document (named authorization servers, no URL or cache entry a forged Host can decide)
 * and /metrics (not public by default, label values only from registered tool names).
 */

const METADATA = '/.well-known/oauth-protected-resource';
const METRICS_TOKEN = 'metrics-token-0123456789';

/**
 * A wrapper configured for a public interface (`0.0.0.0`) but listening on 127.0.0.1 only: the
 * public-bind policy is what is under test, and the test never opens a port beyond loopback.
 */
async function startAsIfPublic(overrides: Partial<ServerWrapperConfig> = {}): Promise<{ wrapped: AuthenticatedServerWrapper; url: string }> {
  const wrapped = wrapServer({
    serverFactory: createTestServerFactory().factory,
    authProvider: new JWTAuthProvider({ jwtSecret: TEST_JWT_SECRET, audience: TEST_AUDIENCE, issuer: TEST_ISSUER }),
    resourceType: 'battery',
    ...overrides,
    transport: { type: 'http', host: '0.0.0.0', port: 0, ...overrides.transport },
  });
  await new Promise<void>((resolve) => wrapped.httpServer.listen(0, '127.0.0.1', resolve));
  return { wrapped, url: `http://127.0.0.1:${(wrapped.httpServer.address() as AddressInfo).port}` };
}

async function closeAsIfPublic(wrapped: AuthenticatedServerWrapper): Promise<void> {
  wrapped.httpServer.closeAllConnections();
  await new Promise((resolve) => wrapped.httpServer.close(resolve));
}

describe('battery: guardrails', () => {
  let server: StartedServer | undefined;
  afterEach(async () => {
    await server?.wrapped.stop();
    server = undefined;
  });

  describe('RFC 9728 protected-resource metadata', () => {
    it('names the configured issuers as authorization servers by default', async () => {
      server = await startWrapped(createTestServerFactory());
      const res = await rawRequest(`${server.url}${METADATA}`);
      expect(res.status).toBe(200);
      expect((res.json as { authorization_servers: string[] }).authorization_servers).toEqual([TEST_ISSUER]);
    });

    it('with publicUrl: every URL comes from it, whatever the Host, and the document may be cached', async () => {
      server = await startWrapped(createTestServerFactory(), { publicUrl: 'https://mcp.example.com/' });
      const res = await rawRequest(`${server.url}${METADATA}`, { headers: { Host: 'localhost:1' } });
      expect(res.json).toMatchObject({ resource: 'https://mcp.example.com/mcp' });
      expect(res.headers['cache-control']).toBe('public, max-age=3600');
      const challenge = await rawRequest(`${server.url}/mcp`, { method: 'POST', headers: { Host: 'localhost:1' } });
      expect(challenge.headers['www-authenticate']).toContain(`resource_metadata="https://mcp.example.com${METADATA}"`);
    });

    it('without publicUrl: a document built from the Host header is never cacheable', async () => {
      server = await startWrapped(createTestServerFactory());
      const res = await rawRequest(`${server.url}${METADATA}`);
      expect(res.json).toMatchObject({ resource: `${server.url}/mcp` });
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('refuses a Host outside the allow-list (403), as the MCP endpoints do', async () => {
      server = await startWrapped(createTestServerFactory());
      const res = await rawRequest(`${server.url}${METADATA}`, { headers: { Host: 'evil.example' } });
      expect(res.status).toBe(403);
      expect(errorCode(res)).toBe('ERR_HOST_NOT_ALLOWED');
    });

    it('on a public interface without an allow-list, a forged Host never reaches the document', async () => {
      const { wrapped, url } = await startAsIfPublic();
      try {
        const res = await rawRequest(`${url}${METADATA}`, { headers: { Host: 'evil.example' } });
        expect(res.status).toBe(200);
        expect(res.body).not.toContain('evil.example');
        expect(res.headers['cache-control']).toBe('no-store');
      } finally {
        await closeAsIfPublic(wrapped);
      }
    });
  });

  describe('/metrics', () => {
    it('is not served on a public interface without a token or a port of its own', async () => {
      const { wrapped, url } = await startAsIfPublic();
      try {
        expect((await rawRequest(`${url}/metrics`)).status).toBe(404);
      } finally {
        await closeAsIfPublic(wrapped);
      }
    });

    it('behind metrics.token: 401 without or with a wrong token, 200 with it', async () => {
      const { wrapped, url } = await startAsIfPublic({ metrics: { token: METRICS_TOKEN } });
      try {
        const none = await rawRequest(`${url}/metrics`);
        expect(none.status).toBe(401);
        expect(errorCode(none)).toBe('ERR_AUTH_TOKEN_MISSING');
        const wrong = await rawRequest(`${url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}x` } });
        expect(wrong.status).toBe(401);
        expect(errorCode(wrong)).toBe('ERR_AUTH_TOKEN_INVALID');
        const right = await rawRequest(`${url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
        expect(right.status).toBe(200);
        expect(right.body).toContain('mcp_sessions_active');
      } finally {
        await closeAsIfPublic(wrapped);
      }
    });

    it('on metrics.port: served there (loopback), and no longer on the main listener', async () => {
      server = await startWrapped(createTestServerFactory(), { metrics: { port: 0 } });
      const metricsUrl = server.wrapped.metricsAddress?.url as string;
      expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect(new URL(metricsUrl).port).not.toBe(new URL(server.url).port);
      expect((await rawRequest(metricsUrl)).status).toBe(200);
      expect((await rawRequest(`${server.url}/metrics`)).status).toBe(404);
    });

    it('labels tool calls only with registered tool names; 100 made-up names all count as unknown', async () => {
      server = await startWrapped(createTestServerFactory(), { metrics: { toolNames: ['whoami', 'remember', 'recall', 'slow'] } });
      const client: ConnectedClient = await connectClient({ baseUrl: server.url, token: await signTestToken({ sub: 'alice', scope: 'mcp' }), transport: 'streamable-http' });
      try {
        expect(await client.callText('whoami')).toBe('alice');
        for (let i = 0; i < 100; i++) await client.client.callTool({ name: `junk-${i}` }).catch(() => undefined);
      } finally {
        await client.close();
      }
      const text = (await rawRequest(`${server.url}/metrics`)).body;
      const tools = new Set([...text.matchAll(/mcp_tool_call_duration_seconds_count\{tool="([^"]*)"/g)].map((m) => m[1]));
      expect([...tools].sort()).toEqual(['unknown', 'whoami']);
      expect(text).toMatch(/mcp_tool_call_duration_seconds_count\{tool="unknown",outcome="error"\} 100/);
    });
  });
});
