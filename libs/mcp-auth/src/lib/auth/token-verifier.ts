import { createHmac, createSecretKey, timingSafeEqual, webcrypto, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ConfigurationError, TokenExpiredError, TokenInvalidError, type McpAuthError } from '../errors';
import { isLoopbackHost } from '../http/request-guard';

/** A verified token, reduced to what the wrapper needs. */
export interface VerifiedToken {
  /**
   * The tenant: the user claim (`sub`), or `<iss>|<sub>` when more than one issuer is allowed — two
   * issuers may hand out the same `sub` to different people, and they must not share a tenant.
   */
  userId: string;
  scopes: string[];
  /** `exp`, seconds since the epoch. */
  expiresAt?: number;
  /** Every claim, for providers that need more. */
  claims: JWTPayload;
}

/**
 * Verifies a bearer token. The auth provider depends only on this interface, so a different
 * verifier (introspection, a test double) can be injected. Throws {@link TokenInvalidError} or
 * {@link TokenExpiredError} — never anything untyped.
 */
export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
}

const SYMMETRIC = new Set(['HS256', 'HS384', 'HS512']);
const ASYMMETRIC = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);

/** Options of {@link JoseTokenVerifier}. Exactly one of `secret` and `jwksUrl`. */
export interface JoseTokenVerifierOptions {
  /** Shared secret for HS256/384/512. At least 32 bytes. */
  secret?: string | Uint8Array;
  /**
   * JWKS endpoint for RS, PS, ES and EdDSA algorithms: `https`, or `http` on loopback only. Keys are
   * cached, refetched on an unknown `kid`, and refetches are rate-bounded (jose's `createRemoteJWKSet`).
   */
  jwksUrl?: string | URL;
  /** Allowed `alg` values. Default `['HS256']` with a secret, `['RS256', 'ES256']` with a JWKS. `none` is always refused. */
  algorithms?: string[];
  /**
   * Required `iss`. Required with `jwksUrl`; optional with a dedicated secret. With more than one,
   * the user id is `<iss>|<sub>` (an issuer holding `|` is then refused, so the pair stays unambiguous).
   */
  issuer?: string | string[];
  /** Required `aud`. Required with `jwksUrl`; optional with a dedicated secret. */
  audience?: string | string[];
  /** Claim that holds the user id; every token must carry it, a non-blank string. Default `sub`. */
  userIdClaim?: string;
  /** Seconds of leeway for `exp`, `nbf` and a future `iat`. Default {@link DEFAULT_CLOCK_TOLERANCE_S}. */
  clockTolerance?: number;
  /** Upper bound for token age from `iat`, e.g. `'1h'`. Default none. */
  maxTokenAge?: string | number;
  /** JWKS fetch timeout in ms. Default 5000. */
  jwksTimeoutMs?: number;
  /** Minimum ms between JWKS refetches (bounds unknown-kid storms). Default 30000. */
  jwksCooldownMs?: number;
  /** Max age of the cached JWKS in ms. Default 600000. */
  jwksCacheMaxAgeMs?: number;
}

const HMAC_HASH: Record<string, string> = { HS256: 'SHA-256', HS384: 'SHA-384', HS512: 'SHA-512' };

/** Default leeway, seconds, for clocks that disagree a little: `exp`, `nbf` and `iat` in the future. */
export const DEFAULT_CLOCK_TOLERANCE_S = 5;

/**
 * The jose-backed {@link TokenVerifier}. Every token must carry `exp` and the user claim (`sub`); an
 * `iat` or `nbf` in the future beyond the clock tolerance is refused. With a shared secret (HS256/384/512)
 * and no `maxTokenAge`, every token is verified synchronously with node:crypto (HMAC over the signing
 * input, constant-time compare, then the same claim checks jose makes): jose's WebCrypto path costs an
 * async job and a key import per call, ~20 % of a stateless request. Otherwise jose verifies, with the
 * key prepared once (HMAC `CryptoKey`s per algorithm, or a cached remote JWKS).
 *
 * @example
 * const verifier = new JoseTokenVerifier({ secret: process.env.JWT_SECRET!, issuer: 'tenant-manager', audience: 'mcp' });
 * const { userId, scopes } = await verifier.verify(token);
 */
export class JoseTokenVerifier implements TokenVerifier {
  /** The allowed issuers (empty when `iss` is not checked). */
  readonly issuers: readonly string[];
  private readonly key: JWTVerifyGetKey;
  private readonly verifyOptions: {
    algorithms: string[];
    issuer?: string | string[];
    audience?: string | string[];
    clockTolerance: number;
    maxTokenAge?: string | number;
    requiredClaims: string[];
  };
  private readonly userIdClaim: string;
  /** Several issuers: the user id names the issuer too. */
  private readonly keyByIssuer: boolean;
  /** Set for the synchronous HMAC path. */
  private readonly secretKey: KeyObject | undefined;

  constructor(options: JoseTokenVerifierOptions) {
    if (Boolean(options.secret) === Boolean(options.jwksUrl)) {
      throw new ConfigurationError('JWT verification needs exactly one of jwtSecret/secret and jwksUrl');
    }
    const symmetric = Boolean(options.secret);
    const algorithms = options.algorithms ?? (symmetric ? ['HS256'] : ['RS256', 'ES256']);
    if (algorithms.length === 0) throw new ConfigurationError('algorithms must not be empty');
    for (const alg of algorithms) {
      // Mixing families would let a public key be used as an HMAC secret (algorithm confusion).
      const allowed = symmetric ? SYMMETRIC : ASYMMETRIC;
      if (!allowed.has(alg)) {
        throw new ConfigurationError(`Algorithm ${JSON.stringify(alg)} is not allowed with ${symmetric ? 'a shared secret' : 'a JWKS'}`);
      }
    }
    if (symmetric) {
      const bytes = typeof options.secret === 'string' ? Buffer.from(options.secret, 'utf8') : Buffer.from(options.secret as Uint8Array);
      if (bytes.length < 32) throw new ConfigurationError('jwtSecret must be at least 32 bytes');
      if (options.maxTokenAge === undefined) this.secretKey = createSecretKey(bytes);
      // One non-extractable HMAC key per allowed algorithm; the token's (already allow-listed) alg picks it.
      const keys = new Map<string, Promise<webcrypto.CryptoKey>>();
      this.key = ({ alg }) => {
        let key = keys.get(alg);
        if (!key) {
          const hash = HMAC_HASH[alg];
          if (!hash || !algorithms.includes(alg)) throw new joseErrors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
          key = webcrypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash }, false, ['verify']);
          keys.set(alg, key);
        }
        return key;
      };
    } else {
      if (!options.issuer || !options.audience) {
        throw new ConfigurationError('issuer and audience are required when verifying against a JWKS');
      }
      this.key = createRemoteJWKSet(jwksEndpoint(options.jwksUrl as string | URL), {
        timeoutDuration: options.jwksTimeoutMs ?? 5000,
        cooldownDuration: options.jwksCooldownMs ?? 30_000,
        cacheMaxAge: options.jwksCacheMaxAgeMs ?? 600_000,
      });
    }
    this.issuers = options.issuer === undefined ? [] : Array.isArray(options.issuer) ? [...options.issuer] : [options.issuer];
    this.keyByIssuer = this.issuers.length > 1;
    if (this.keyByIssuer && this.issuers.some((issuer) => issuer.includes('|'))) {
      throw new ConfigurationError('With several issuers the user id is <iss>|<sub>: an issuer must not contain "|"');
    }
    const clockTolerance = options.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE_S;
    if (!Number.isFinite(clockTolerance) || clockTolerance < 0) throw new ConfigurationError('clockTolerance must be a number of seconds ≥ 0');
    this.userIdClaim = options.userIdClaim ?? 'sub';
    this.verifyOptions = {
      algorithms,
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance,
      maxTokenAge: options.maxTokenAge,
      requiredClaims: ['exp', this.userIdClaim],
    };
  }

  async verify(token: string): Promise<VerifiedToken> {
    let payload: JWTPayload;
    if (this.secretKey) {
      payload = this.verifyHmac(token, this.secretKey);
    } else {
      try {
        ({ payload } = await jwtVerify(token, this.key, this.verifyOptions));
      } catch (error) {
        throw toTypedError(error);
      }
    }
    // jose checks a future `iat` only together with maxTokenAge; a token minted "later" is refused always.
    if (typeof payload.iat === 'number' && payload.iat > Math.floor(Date.now() / 1000) + this.verifyOptions.clockTolerance) {
      throw new TokenInvalidError('Token claim check failed: iat');
    }
    const subject = payload[this.userIdClaim];
    if (typeof subject !== 'string' || subject.trim() === '') {
      throw new TokenInvalidError(`Token has no ${this.userIdClaim} claim`);
    }
    const userId = this.keyByIssuer ? `${payload.iss}|${subject}` : subject;
    return { userId, scopes: readScopes(payload), expiresAt: payload.exp, claims: payload };
  }

  /** Compact JWS, HMAC: the checks of jose's jwtVerify, in its order, with its failure classes. */
  private verifyHmac(token: string, key: KeyObject): JWTPayload {
    const parts = typeof token === 'string' ? token.split('.') : [];
    if (parts.length !== 3) throw new TokenInvalidError('Token malformed');
    const [encodedHeader, encodedPayload, signature] = parts;
    const header = decodeSegment(encodedHeader);
    // No extension is understood: any `crit` (and so b64: false) is refused, as jose refuses unknown ones.
    if (!header || 'crit' in header || header['b64'] !== undefined || typeof header['alg'] !== 'string') throw new TokenInvalidError('Token malformed');
    const alg = header['alg'];
    if (!this.verifyOptions.algorithms.includes(alg) || !HMAC_HASH[alg]) throw new TokenInvalidError('Token algorithm not allowed');
    const expected = Buffer.from(createHmac(HMAC_HASH[alg].replace('-', '').toLowerCase(), key).update(`${encodedHeader}.${encodedPayload}`).digest('base64url'));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new TokenInvalidError('Token signature invalid');
    const payload = decodeSegment(encodedPayload) as JWTPayload | undefined;
    if (!payload) throw new TokenInvalidError('Token malformed');
    const { issuer, audience, clockTolerance } = this.verifyOptions;
    const now = Math.floor(Date.now() / 1000);
    for (const claim of ['iat', 'nbf', 'exp'] as const) {
      if (payload[claim] !== undefined && typeof payload[claim] !== 'number') throw new TokenInvalidError(`Token claim check failed: ${claim}`);
    }
    if (payload.exp === undefined) throw new TokenInvalidError('Token claim check failed: exp');
    if (payload.nbf !== undefined && payload.nbf > now + clockTolerance) throw new TokenInvalidError('Token claim check failed: nbf');
    if (payload.exp !== undefined && payload.exp <= now - clockTolerance) throw new TokenExpiredError('Token has expired');
    if (issuer !== undefined && (typeof payload.iss !== 'string' || !(Array.isArray(issuer) ? issuer : [issuer]).includes(payload.iss))) {
      throw new TokenInvalidError('Token claim check failed: iss');
    }
    if (audience !== undefined) {
      const wanted = Array.isArray(audience) ? audience : [audience];
      const aud = typeof payload.aud === 'string' ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : [];
      if (!aud.some((a) => wanted.includes(a))) throw new TokenInvalidError('Token claim check failed: aud');
    }
    return payload;
  }
}

/** The JWKS URL, parsed: keys fetched over plain http could be swapped on the way, so http is for loopback only. */
function jwksEndpoint(value: string | URL): URL {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new ConfigurationError('jwksUrl is not a URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) throw new ConfigurationError('jwksUrl must use https (http only on loopback)');
  return url;
}

/** A base64url JSON object segment, or undefined when it is not one. */
function decodeSegment(segment: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Scopes from `scope` (space-separated, RFC 8693/9068) or `scp` (array or string). */
export function readScopes(payload: JWTPayload): string[] {
  const value = payload['scope'] ?? payload['scp'];
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string');
  return [];
}

function toTypedError(error: unknown): McpAuthError {
  if (error instanceof joseErrors.JWTExpired) return new TokenExpiredError('Token has expired', { cause: error });
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return new TokenInvalidError(`Token claim check failed: ${error.claim}`, { cause: error });
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return new TokenInvalidError('Token algorithm not allowed', { cause: error });
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return new TokenInvalidError('Token signature invalid', { cause: error });
  if (error instanceof joseErrors.JWKSNoMatchingKey) return new TokenInvalidError('No key matches the token', { cause: error });
  if (error instanceof joseErrors.JWKSTimeout) return new TokenInvalidError('Key set unavailable', { cause: error });
  return new TokenInvalidError('Token malformed', { cause: error });
}
