import { signTestToken, TEST_AUDIENCE, TEST_ISSUER, TEST_JWT_SECRET } from '../../testing';
import { JWTAuthProvider } from './jwt-auth-provider';
import { JoseTokenVerifier } from './token-verifier';
import type { RequestContext } from './types';

const ctx = (token?: string): RequestContext => ({
  headers: token ? { authorization: `Bearer ${token}` } : {},
  transport: 'http',
  timestamp: new Date(),
});

describe('JWTAuthProvider', () => {
  const provider = new JWTAuthProvider({ jwtSecret: TEST_JWT_SECRET, issuer: TEST_ISSUER, audience: TEST_AUDIENCE, requiredScopes: ['mcp'] });

  it('authenticates a valid token: userId, scopes, expiry, and the bearer token as accessToken', async () => {
    const token = await signTestToken({ sub: 'alice', scope: 'mcp read' });
    const result = await provider.authenticate(ctx(token));
    expect(result).toMatchObject({ authenticated: true, userId: 'alice', accessToken: token, scopes: ['mcp', 'read'] });
    expect(result.authenticated && result.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });

  it.each([
    ['missing', async () => undefined, 'ERR_AUTH_TOKEN_MISSING', 'Missing bearer token'],
    ['bad signature', () => signTestToken({ sub: 'a', scope: 'mcp' }, 'x'.repeat(40)), 'ERR_AUTH_TOKEN_INVALID', 'Token signature invalid'],
    ['expired', () => signTestToken({ sub: 'a', scope: 'mcp' }, TEST_JWT_SECRET, { expiresIn: 1000 }), 'ERR_AUTH_TOKEN_EXPIRED', 'Token has expired'],
    ['wrong audience', () => signTestToken({ sub: 'a', scope: 'mcp' }, TEST_JWT_SECRET, { audience: 'other' }), 'ERR_AUTH_TOKEN_INVALID', 'Token claim check failed: aud'],
    ['wrong issuer', () => signTestToken({ sub: 'a', scope: 'mcp' }, TEST_JWT_SECRET, { issuer: 'https://evil' }), 'ERR_AUTH_TOKEN_INVALID', 'Token claim check failed: iss'],
    ['alg none', () => signTestToken({ sub: 'a', scope: 'mcp' }, TEST_JWT_SECRET, { alg: 'none' }), 'ERR_AUTH_TOKEN_INVALID', 'Token algorithm not allowed'],
    ['HS512 when only HS256 allowed', () => signTestToken({ sub: 'a', scope: 'mcp' }, TEST_JWT_SECRET, { alg: 'HS512' }), 'ERR_AUTH_TOKEN_INVALID', 'Token algorithm not allowed'],
    ['no sub', () => signTestToken({ scope: 'mcp' }), 'ERR_AUTH_TOKEN_INVALID', 'Token has no sub claim'],
    ['insufficient scope', () => signTestToken({ sub: 'a', scope: 'read' }), 'ERR_AUTH_INSUFFICIENT_SCOPE', 'Insufficient scope: requires mcp'],
  ])('%s → %s', async (_name, mint, code, message) => {
    const result = await provider.authenticate(ctx(await mint()));
    expect(result).toMatchObject({ authenticated: false, code, error: message });
  });

  it('honours clockTolerance and a custom userIdClaim', async () => {
    const lenient = new JWTAuthProvider({ jwtSecret: TEST_JWT_SECRET, clockTolerance: 120, userIdClaim: 'uid' });
    const token = await signTestToken({ uid: 'carol' }, TEST_JWT_SECRET, { expiresIn: Math.floor(Date.now() / 1000) - 30 });
    expect(await lenient.authenticate(ctx(token))).toMatchObject({ authenticated: true, userId: 'carol' });
  });

  it('tolerates a few seconds of clock skew by default, not more', async () => {
    const strictDefault = new JWTAuthProvider({ jwtSecret: TEST_JWT_SECRET });
    const at = (exp: number) => signTestToken({ sub: 'frank' }, TEST_JWT_SECRET, { expiresIn: Math.floor(Date.now() / 1000) + exp });
    expect(await strictDefault.authenticate(ctx(await at(-2)))).toMatchObject({ authenticated: true, userId: 'frank' });
    expect(await strictDefault.authenticate(ctx(await at(-30)))).toMatchObject({ authenticated: false, code: 'ERR_AUTH_TOKEN_EXPIRED' });
  });

  it('names its issuers as the authorization servers of the protected-resource metadata', () => {
    expect(provider.authorizationServers).toEqual([TEST_ISSUER]);
    expect(new JWTAuthProvider({ jwtSecret: TEST_JWT_SECRET, issuer: ['https://a', 'https://b'] }).authorizationServers).toEqual(['https://a', 'https://b']);
    expect(new JWTAuthProvider({ jwtSecret: TEST_JWT_SECRET }).authorizationServers).toEqual([]);
  });

  it('prefers the wrapper-extracted bearerToken', async () => {
    const token = await signTestToken({ sub: 'dave', scope: 'mcp' });
    expect(await provider.authenticate({ ...ctx(), bearerToken: token })).toMatchObject({ authenticated: true, userId: 'dave' });
  });

  it.each([
    [{ jwtSecret: 'short' }, 'jwtSecret must be at least 32 bytes'],
    [{}, 'JWT verification needs exactly one of jwtSecret/secret and jwksUrl'],
    [{ jwtSecret: TEST_JWT_SECRET, algorithms: ['none'] }, 'Algorithm "none" is not allowed with a shared secret'],
    [{ jwtSecret: TEST_JWT_SECRET, algorithm: 'RS256' }, 'Algorithm "RS256" is not allowed with a shared secret'],
    [{ jwksUrl: 'https://idp.example/jwks', algorithms: ['HS256'], issuer: 'i', audience: 'a' }, 'Algorithm "HS256" is not allowed with a JWKS'],
    [{ jwksUrl: 'https://idp.example/jwks' }, 'issuer and audience are required when verifying against a JWKS'],
    [{ jwksUrl: 'http://idp.example/jwks', issuer: 'i', audience: 'a' }, 'jwksUrl must use https (http only on loopback)'],
    [{ jwtSecret: TEST_JWT_SECRET, clockTolerance: -1 }, 'clockTolerance must be a number of seconds ≥ 0'],
  ])('refuses configuration %j', (config, message) => {
    expect(() => new JWTAuthProvider(config)).toThrow(expect.objectContaining({ code: 'ERR_CONFIGURATION', message }));
  });

  it('verifies RS256 tokens against a JWKS served over HTTP', async () => {
    const { generateKeyPair, exportJWK, SignJWT } = await import('jose');
    const { createServer } = await import('node:http');
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    let fetches = 0;
    const server = createServer((_req, res) => {
      fetches += 1;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const verifier = new JoseTokenVerifier({ jwksUrl: `http://127.0.0.1:${port}/jwks`, issuer: 'https://idp', audience: 'mcp' });
      const sign = (kid: string) =>
        new SignJWT({ sub: 'erin', scope: 'mcp' }).setProtectedHeader({ alg: 'RS256', kid }).setIssuer('https://idp').setAudience('mcp').setExpirationTime('5m').sign(privateKey);
      expect(await verifier.verify(await sign('k1'))).toMatchObject({ userId: 'erin', scopes: ['mcp'] });
      expect(await verifier.verify(await sign('k1'))).toMatchObject({ userId: 'erin' });
      expect(fetches).toBe(1);
      await expect(verifier.verify(await sign('unknown'))).rejects.toMatchObject({ code: 'ERR_AUTH_TOKEN_INVALID', message: 'No key matches the token' });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
