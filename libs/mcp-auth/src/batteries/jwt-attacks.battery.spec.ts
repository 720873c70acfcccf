import { createHmac } from 'node:crypto';
import { base64url, exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { createTestServerFactory, modernRequest, rawRequest, signTestToken, TEST_AUDIENCE, TEST_ISSUER, TEST_JWT_SECRET, type TestServerFactory } from '../testing';
import {
  errorCode,
  healthy,
  INIT_BODY,
  MCP_HEADERS,
  openStream,
  parseBearerChallenge,
  rawExchange,
  sleep,
  startJwksServer,
  startWrapped,
  type JwksServer,
  type StartedServer,
} from './battery-helpers';

/*
 * JWT attack battery (issue 9, part 1; issue 15). Every attack is sent to each entry point that
 * creates a server — `POST /mcp` with a 2025 initialize, `GET /sse`, and `POST /mcp` with a
 * 2026-07-28 tools/call — and must be answered before the server factory runs: the fixture's call
 * counter stays 0. BATTERIES.md tabulates what is asserted here.
 */

type Endpoint = '/mcp' | '/sse' | '/mcp 2026-07-28';
const ENDPOINTS: Endpoint[] = ['/mcp', '/sse', '/mcp 2026-07-28'];
const MODERN = modernRequest('tools/call', { name: 'whoami', arguments: {} });

interface Expected {
  status: number;
  /** RFC 6750 error code in `WWW-Authenticate`; `null` = a Bearer challenge without one (§3.1). */
  challengeError: 'invalid_token' | 'insufficient_scope' | null;
  code: string;
}

interface AttackCase {
  name: string;
  /** Request headers (besides the MCP ones) carrying the attack. */
  headers: () => Promise<Record<string, string>>;
  /** Query string appended to the path, e.g. `?access_token=…`. */
  query?: () => Promise<string>;
  expected: Expected;
}

const now = () => Math.floor(Date.now() / 1000);
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const valid = (claims: Record<string, unknown> = {}) => signTestToken({ sub: 'alice', scope: 'mcp', ...claims });
const INVALID: Expected = { status: 401, challengeError: 'invalid_token', code: 'ERR_AUTH_TOKEN_INVALID' };
const MISSING: Expected = { status: 401, challengeError: null, code: 'ERR_AUTH_TOKEN_MISSING' };

/** Sends one request to an endpoint; `/sse` is a GET that would stream if (wrongly) accepted. */
async function attack(url: string, endpoint: Endpoint, headers: Record<string, string>, query = '') {
  if (endpoint === '/mcp 2026-07-28') return rawRequest(`${url}/mcp${query}`, { method: 'POST', headers: { ...MODERN.headers, ...headers }, body: MODERN.body, timeoutMs: 3000 });
  return endpoint === '/mcp'
    ? rawRequest(`${url}/mcp${query}`, { method: 'POST', headers: { ...MCP_HEADERS, ...headers }, body: INIT_BODY, timeoutMs: 3000 })
    : rawRequest(`${url}/sse${query}`, { headers: { Accept: 'text/event-stream', ...headers }, timeoutMs: 3000 });
}

function expectAnswer(res: Awaited<ReturnType<typeof attack>>, expected: Expected, url: string): void {
  expect(res.status).toBe(expected.status);
  expect(errorCode(res)).toBe(expected.code);
  const challenge = parseBearerChallenge(res.headers['www-authenticate']);
  expect(challenge).toBeDefined();
  expect(challenge?.['realm']).toBe('battery');
  expect(challenge?.['resource_metadata']).toBe(`${url}/.well-known/oauth-protected-resource`);
  expect(challenge?.['error']).toBe(expected.challengeError ?? undefined);
  // §3.1: no error information at all when the request carried no usable token.
  if (expected.challengeError === null) expect(challenge?.['error_description']).toBeUndefined();
  // The token never comes back in any header or body.
  const auth = String(res.headers['www-authenticate']);
  expect(auth).not.toMatch(/eyJ[\w-]{20,}/);
  expect(res.body).not.toMatch(/eyJ[\w-]{20,}/);
}

describe('battery: JWT attacks (HS256 secret, requiredScopes mcp)', () => {
  let server: StartedServer;
  let fixture: TestServerFactory;

  beforeAll(async () => {
    fixture = createTestServerFactory();
    server = await startWrapped(fixture);
  });
  afterAll(async () => {
    await server?.wrapped.stop();
  });
  afterEach(() => {
    // The factory is never reached by any attack in this describe.
    expect(fixture.calls).toBe(0);
  });

  const cases: AttackCase[] = [
    { name: 'no Authorization header', headers: async () => ({}), expected: MISSING },
    { name: 'non-Bearer scheme (Basic)', headers: async () => ({ Authorization: 'Basic YWxpY2U6cHc=' }), expected: MISSING },
    { name: 'Bearer with an empty token', headers: async () => ({ Authorization: 'Bearer ' }), expected: MISSING },
    { name: 'Bearer token followed by junk after a space', headers: async () => ({ Authorization: `Bearer ${await valid()} junk` }), expected: MISSING },
    { name: 'Bearer and token separated by a tab', headers: async () => ({ Authorization: `Bearer\t${await valid()}` }), expected: MISSING },
    {
      name: 'valid token in ?access_token= (query fallback off)',
      headers: async () => ({}),
      query: async () => `?access_token=${await valid()}`,
      expected: MISSING,
    },
    { name: 'alg: none (unsecured JWT)', headers: async () => bearer(await signTestToken({ sub: 'alice', scope: 'mcp' }, TEST_JWT_SECRET, { alg: 'none' })), expected: INVALID },
    {
      name: 'alg: none with the HS256 signature kept',
      headers: async () => {
        const [, payload, signature] = (await valid()).split('.');
        return bearer(`${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${payload}.${signature}`);
      },
      expected: INVALID,
    },
    { name: 'HS512 (algorithm not allowed)', headers: async () => bearer(await signTestToken({ sub: 'alice', scope: 'mcp' }, TEST_JWT_SECRET, { alg: 'HS512' })), expected: INVALID },
    { name: 'signed with another secret', headers: async () => bearer(await signTestToken({ sub: 'alice', scope: 'mcp' }, 'x'.repeat(40))), expected: INVALID },
    {
      name: 'expired (exp 2 min ago)',
      headers: async () => bearer(await signTestToken({ sub: 'alice', scope: 'mcp' }, TEST_JWT_SECRET, { expiresIn: now() - 120 })),
      expected: { status: 401, challengeError: 'invalid_token', code: 'ERR_AUTH_TOKEN_EXPIRED' },
    },
    { name: 'nbf in the future (+1 h)', headers: async () => bearer(await valid({ nbf: now() + 3600 })), expected: INVALID },
    { name: 'no exp (a token that would never expire)', headers: async () => bearer(await signTestToken({ sub: 'alice', scope: 'mcp' }, TEST_JWT_SECRET, { expiresIn: null })), expected: INVALID },
    { name: 'iat a year in the future', headers: async () => bearer(await valid({ iat: now() + 365 * 86_400 })), expected: INVALID },
    { name: 'sub missing, the user id only in a userId claim', headers: async () => bearer(await signTestToken({ userId: 'alice', scope: 'mcp' })), expected: INVALID },
    { name: 'wrong iss', headers: async () => bearer(await signTestToken({ sub: 'alice', scope: 'mcp' }, TEST_JWT_SECRET, { issuer: 'https://evil.test' })), expected: INVALID },
    { name: 'no iss', headers: async () => bearer(await signTestToken({ sub: 'alice', scope: 'mcp' }, TEST_JWT_SECRET, { issuer: null })), expected: INVALID },
    { name: 'wrong aud', headers: async () => bearer(await signTestToken({ sub: 'alice', scope: 'mcp' }, TEST_JWT_SECRET, { audience: 'another-api' })), expected: INVALID },
    {
      name: 'tampered payload (sub changed, signature kept)',
      headers: async () => {
        const [header, payload, signature] = (await valid()).split('.');
        const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload)));
        return bearer(`${header}.${base64url.encode(JSON.stringify({ ...claims, sub: 'admin' }))}.${signature}`);
      },
      expected: INVALID,
    },
    { name: 'missing sub', headers: async () => bearer(await signTestToken({ scope: 'mcp' })), expected: INVALID },
    { name: 'empty sub', headers: async () => bearer(await signTestToken({ sub: '', scope: 'mcp' })), expected: INVALID },
    { name: 'non-string sub', headers: async () => bearer(await signTestToken({ sub: 42 as unknown as string, scope: 'mcp' })), expected: INVALID },
    {
      // jose refuses to sign an unknown `crit`, so this one is HMAC-signed by hand.
      name: 'correctly signed, unknown crit header',
      headers: async () => {
        const [, payload] = (await valid()).split('.');
        const header = base64url.encode(JSON.stringify({ alg: 'HS256', typ: 'JWT', crit: ['x-battery'], 'x-battery': 1 }));
        const signature = createHmac('sha256', TEST_JWT_SECRET).update(`${header}.${payload}`).digest('base64url');
        return bearer(`${header}.${payload}.${signature}`);
      },
      expected: INVALID,
    },
    { name: 'malformed base64 segments', headers: async () => bearer('eyJ!!!.@@@@.####'), expected: INVALID },
    { name: 'not a JWT (two segments)', headers: async () => bearer('abc.def'), expected: INVALID },
    { name: 'header segment is not JSON', headers: async () => bearer(`${base64url.encode('not json')}.${base64url.encode('{}')}.sig`), expected: INVALID },
    { name: '8 KB token (under the header limit)', headers: async () => bearer(await signTestToken({ sub: 'alice', scope: 'mcp', pad: 'p'.repeat(6000) }, 'y'.repeat(40))), expected: INVALID },
    {
      name: 'valid token without the required scope',
      headers: async () => bearer(await valid({ scope: 'read' })),
      expected: { status: 403, challengeError: 'insufficient_scope', code: 'ERR_AUTH_INSUFFICIENT_SCOPE' },
    },
  ];

  describe.each(ENDPOINTS)('%s', (endpoint) => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const res = await attack(server.url, endpoint, await c.headers(), c.query ? await c.query() : '');
      expectAnswer(res, c.expected, server.url);
      if (c.expected.challengeError === 'insufficient_scope') expect(parseBearerChallenge(res.headers['www-authenticate'])?.['scope']).toBe('mcp');
    });

    it('16 KB token: node refuses the header block with 431 before any auth, and stays up', async () => {
      const token = await signTestToken({ sub: 'alice', scope: 'mcp', pad: 'p'.repeat(12_500) }, 'y'.repeat(40));
      expect(token.length).toBeGreaterThanOrEqual(16 * 1024);
      const body = endpoint === '/sse' ? '' : endpoint === '/mcp' ? INIT_BODY : MODERN.body;
      const head =
        endpoint === '/sse'
          ? 'GET /sse HTTP/1.1\r\nHost: 127.0.0.1\r\n'
          : `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
      const { port } = new URL(server.url);
      const reply = await rawExchange(Number(port), `${head}Authorization: Bearer ${token}\r\nConnection: close\r\n\r\n${body}`);
      expect(reply.text).toMatch(/^HTTP\/1\.1 431 /);
      expect(await healthy(server.url)).toBe(true);
    });
  });

  it('a valid token with the required scope is accepted on every endpoint (control)', async () => {
    // Separate fixture: the describe-level one must stay at 0 calls.
    const control = createTestServerFactory();
    const other = await startWrapped(control);
    try {
      const res = await attack(other.url, '/mcp', bearer(await valid()));
      expect(res.status).toBe(200);
      expect((await openStream(`${other.url}/sse`, bearer(await valid()))).status).toBe(200);
      const modern = await attack(other.url, '/mcp 2026-07-28', bearer(await valid()));
      expect([modern.status, modern.json]).toMatchObject([200, { result: { content: [{ text: 'alice' }] } }]);
      expect(control.calls).toBe(3);
    } finally {
      await other.wrapped.stop();
    }
  });
});

describe('battery: Authorization header spelling (decided: RFC 7235 case-insensitive scheme, RFC 6750 1*SP)', () => {
  let server: StartedServer;
  let fixture: TestServerFactory;
  beforeAll(async () => {
    fixture = createTestServerFactory();
    server = await startWrapped(fixture, { maxSessionsPerUser: 100 });
  });
  afterAll(async () => {
    await server?.wrapped.stop();
  });

  it.each([
    ['lowercase scheme', (t: string) => `bearer ${t}`],
    ['uppercase scheme', (t: string) => `BEARER ${t}`],
    ['several spaces before the token', (t: string) => `Bearer    ${t}`],
    ['trailing spaces', (t: string) => `Bearer ${t}   `],
  ])('%s is accepted', async (_name, spell) => {
    const before = fixture.calls;
    const token = await valid();
    const res = await attack(server.url, '/mcp', { Authorization: spell(token) });
    expect(res.status).toBe(200);
    expect((await openStream(`${server.url}/sse`, { Authorization: spell(token) })).status).toBe(200);
    expect(fixture.calls).toBe(before + 2);
  });
});

describe('battery: JWT attacks against a JWKS (RS256)', () => {
  let jwks: JwksServer;
  let server: StartedServer;
  let fixture: TestServerFactory;
  let privateKey: CryptoKey;
  let publicPem: string;
  let publicJwk: Record<string, unknown>;
  const COOLDOWN_MS = 400;

  const rs256 = (key: CryptoKey, kid: string, audience = TEST_AUDIENCE) =>
    new SignJWT({ sub: 'alice', scope: 'mcp' })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
      .setIssuedAt()
      .setIssuer(TEST_ISSUER)
      .setAudience(audience)
      .setExpirationTime('5m')
      .sign(key);
  const hs256WithKey = (secret: string, kid = 'k1') =>
    new SignJWT({ sub: 'alice', scope: 'mcp' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid })
      .setIssuedAt()
      .setIssuer(TEST_ISSUER)
      .setAudience(TEST_AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret));

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    publicPem = await exportSPKI(pair.publicKey);
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = await startJwksServer([publicJwk]);
    fixture = createTestServerFactory();
    server = await startWrapped(
      fixture,
      { maxSessionsPerUser: 100 },
      { jwksUrl: jwks.url, issuer: TEST_ISSUER, audience: TEST_AUDIENCE, requiredScopes: ['mcp'], jwks: { jwksCooldownMs: COOLDOWN_MS, jwksTimeoutMs: 2000 } },
    );
  });
  afterAll(async () => {
    await server?.wrapped.stop();
    await jwks?.close();
  });

  it('accepts a valid RS256 token from the JWKS on /mcp and /sse', async () => {
    const token = await rs256(privateKey, 'k1');
    expect((await attack(server.url, '/mcp', bearer(token))).status).toBe(200);
    expect((await openStream(`${server.url}/sse`, bearer(token))).status).toBe(200);
    expect(fixture.calls).toBe(2);
    expect(jwks.hits).toBe(1);
  });

  describe.each(ENDPOINTS)('%s', (endpoint) => {
    const attacks: Array<[string, () => Promise<string>]> = [
      ['HS256 signed with the RSA public key PEM (key confusion)', () => hs256WithKey(publicPem)],
      ['HS256 signed with the PEM without its trailing newline', () => hs256WithKey(publicPem.trim())],
      ['HS256 signed with the public JWK JSON text', () => hs256WithKey(JSON.stringify(publicJwk))],
      ['alg: none with a JWKS kid', () => signTestToken({ sub: 'alice', scope: 'mcp' }, TEST_JWT_SECRET, { alg: 'none', header: { kid: 'k1' } })],
      ['RS256 from another key claiming kid k1', async () => rs256((await generateKeyPair('RS256')).privateKey, 'k1')],
      ['RS256 with the right key but wrong aud', async () => rs256(privateKey, 'k1', 'another-api')],
    ];
    it.each(attacks)('%s → 401 invalid_token', async (_name, mint) => {
      const before = fixture.calls;
      const res = await attack(server.url, endpoint, bearer(await mint()));
      expectAnswer(res, INVALID, server.url);
      expect(fixture.calls).toBe(before);
    });
  });

  it('an unknown kid triggers one bounded JWKS refetch; a rotated-in key is then accepted', async () => {
    const stranger = (await generateKeyPair('RS256')).privateKey;
    await sleep(COOLDOWN_MS + 100);
    const hitsBefore = jwks.hits;
    const before = fixture.calls;
    // A burst of unknown kids after the cooldown: at most one refetch, every request refused.
    const burst = await Promise.all(Array.from({ length: 10 }, async (_, i) => attack(server.url, '/mcp', bearer(await rs256(stranger, `unknown-${i}`)))));
    expect(burst.map((r) => r.status)).toEqual(Array(10).fill(401));
    expect(jwks.hits).toBe(hitsBefore + 1);
    // Within the cooldown: no refetch at all.
    const again = await Promise.all(Array.from({ length: 10 }, async (_, i) => attack(server.url, '/sse', bearer(await rs256(stranger, `unknown-b${i}`)))));
    expect(again.map((r) => r.status)).toEqual(Array(10).fill(401));
    expect(jwks.hits).toBe(hitsBefore + 1);
    expect(fixture.calls).toBe(before);

    // Rotation: the IdP publishes k2; after the cooldown a k2 token makes jose refetch and pass.
    const rotated = await generateKeyPair('RS256', { extractable: true });
    jwks.keys = [publicJwk, { ...(await exportJWK(rotated.publicKey)), kid: 'k2', alg: 'RS256', use: 'sig' }];
    await sleep(COOLDOWN_MS + 100);
    expect((await attack(server.url, '/mcp', bearer(await rs256(rotated.privateKey, 'k2')))).status).toBe(200);
    expect(jwks.hits).toBe(hitsBefore + 2);
    expect(fixture.calls).toBe(before + 1);
  });
});
