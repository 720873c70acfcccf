import { SignJWT, base64url, type JWTPayload } from 'jose';

/** Secret the fixtures sign with (≥ 32 bytes). Never use outside tests. */
export const TEST_JWT_SECRET = 'mcp-auth-test-secret-0123456789-abcdefghij';
/** Audience the fixtures put in tokens by default. */
export const TEST_AUDIENCE = 'mcp-factory-test';
/** Issuer the fixtures put in tokens by default. */
export const TEST_ISSUER = 'https://issuer.test';

/** Claims of a test token. `scope` may be a space-separated string or a list. */
export interface TestTokenClaims extends JWTPayload {
  sub?: string;
  scope?: string | string[];
}

/** How to sign. */
export interface SignTestTokenOptions {
  /** `HS256` (default), `HS384`, `HS512`, or `none` for an unsecured token (attack tests). */
  alg?: 'HS256' | 'HS384' | 'HS512' | 'none';
  /** jose duration or epoch seconds for `exp`. Default `'5m'`; `null` leaves `exp` out. */
  expiresIn?: string | number | null;
  /** Default {@link TEST_AUDIENCE}; `null` leaves `aud` out. */
  audience?: string | string[] | null;
  /** Default {@link TEST_ISSUER}; `null` leaves `iss` out. */
  issuer?: string | null;
  /** Extra protected-header fields (e.g. `kid`). */
  header?: Record<string, unknown>;
}

/**
 * Mints a JWT for tests.
 *
 * @example
 * const token = await signTestToken({ sub: 'alice', scope: 'mcp:tools' });
 * const expired = await signTestToken({ sub: 'alice' }, TEST_JWT_SECRET, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
 */
export async function signTestToken(claims: TestTokenClaims, secret: string = TEST_JWT_SECRET, options: SignTestTokenOptions = {}): Promise<string> {
  const payload: JWTPayload = { ...claims };
  if (Array.isArray(claims.scope)) payload['scope'] = claims.scope.join(' ');
  const alg = options.alg ?? 'HS256';
  const audience = options.audience === undefined ? TEST_AUDIENCE : options.audience;
  const issuer = options.issuer === undefined ? TEST_ISSUER : options.issuer;
  const expiresIn = options.expiresIn === undefined ? '5m' : options.expiresIn;
  if (alg === 'none') {
    const now = Math.floor(Date.now() / 1000);
    const body: JWTPayload = { iat: now, ...payload };
    if (audience !== null && body.aud === undefined) body.aud = audience;
    if (issuer !== null && body.iss === undefined) body.iss = issuer;
    if (expiresIn !== null && body.exp === undefined) body.exp = typeof expiresIn === 'number' ? expiresIn : now + 300;
    const enc = (v: unknown) => base64url.encode(JSON.stringify(v));
    return `${enc({ alg: 'none', typ: 'JWT', ...options.header })}.${enc(body)}.`;
  }
  let jwt = new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT', ...options.header });
  if (payload.iat === undefined) jwt = jwt.setIssuedAt();
  if (audience !== null && payload.aud === undefined) jwt = jwt.setAudience(audience);
  if (issuer !== null && payload.iss === undefined) jwt = jwt.setIssuer(issuer);
  if (expiresIn !== null && payload.exp === undefined) jwt = jwt.setExpirationTime(expiresIn);
  return jwt.sign(new TextEncoder().encode(secret));
}
