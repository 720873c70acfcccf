import { connectClient, connectV2Client, createTestServerFactory, rawRequest, signTestToken, TEST_AUDIENCE, TEST_ISSUER, TEST_JWT_SECRET, type TestServerFactory } from '../testing';
import { MCP_HEADERS, startWrapped, type StartedServer } from './battery-helpers';

/*
 * Tenancy battery (issue 14): with more than one allowed issuer, a `sub` names a user only together
 * with its issuer — two identity providers may hand the same `sub` to two different people.
 */

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('battery: several issuers (one secret)', () => {
  const OTHER_ISSUER = 'https://other-issuer.test';
  let server: StartedServer;
  let fixture: TestServerFactory;
  beforeAll(async () => {
    fixture = createTestServerFactory();
    server = await startWrapped(fixture, {}, { jwtSecret: TEST_JWT_SECRET, audience: TEST_AUDIENCE, issuer: [TEST_ISSUER, OTHER_ISSUER], requiredScopes: ['mcp'] });
  });
  afterAll(async () => {
    await server?.wrapped.stop();
  });

  it("keys tenants by issuer and subject: one issuer's alice never sees the other's", async () => {
    const as = async (issuer: string) =>
      connectClient({ baseUrl: server.url, token: await signTestToken({ sub: 'alice', scope: 'mcp' }, TEST_JWT_SECRET, { issuer }), transport: 'streamable-http' });
    const first = await as(TEST_ISSUER);
    const second = await as(OTHER_ISSUER);
    try {
      expect(await first.callText('whoami')).toBe(`${TEST_ISSUER}|alice`);
      expect(await second.callText('whoami')).toBe(`${OTHER_ISSUER}|alice`);
      await first.callText('remember', { note: 'mine' });
      expect(await second.callText('recall')).toBe('[]');
      // The session is bound to the issuer-qualified user: the other issuer's alice cannot use it.
      const res = await rawRequest(`${server.url}/mcp`, {
        method: 'POST',
        headers: { ...MCP_HEADERS, ...bearer(await signTestToken({ sub: 'alice', scope: 'mcp' }, TEST_JWT_SECRET, { issuer: OTHER_ISSUER })), 'Mcp-Session-Id': first.sessionId as string },
        body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
        timeoutMs: 3000,
      });
      expect(res.status).toBe(404);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('keys 2026-07-28 requests the same way: each issuer-qualified alice gets her own per-request server and notes', async () => {
    const as = async (issuer: string) => connectV2Client({ baseUrl: server.url, token: await signTestToken({ sub: 'alice', scope: 'mcp' }, TEST_JWT_SECRET, { issuer }) });
    const first = await as(TEST_ISSUER);
    const second = await as(OTHER_ISSUER);
    try {
      expect([first.era, second.era]).toEqual(['modern', 'modern']);
      expect(await first.callText('whoami')).toBe(`${TEST_ISSUER}|alice`);
      expect(await second.callText('whoami')).toBe(`${OTHER_ISSUER}|alice`);
      await second.callText('remember', { note: 'theirs' });
      expect(await first.callText('recall')).not.toContain('theirs');
    } finally {
      await first.close();
      await second.close();
    }
  });
});
