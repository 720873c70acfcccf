import { webcrypto } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ConfigurationError, TokenExpiredError, TokenInvalidError, type McpAuthError } from '../errors';

/** A verified token, reduced to what the wrapper needs. */
export interface VerifiedToken {
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
  /** JWKS endpoint for RS, PS, ES and EdDSA algorithms. Keys are cached, refetched on an unknown `kid`, and refetches are rate-bounded (jose's `createRemoteJWKSet`). */
  jwksUrl?: string | URL;
  /** Allowed `alg` values. Default `['HS256']` with a secret, `['RS256', 'ES256']` with a JWKS. `none` is always refused. */
  algorithms?: string[];
  /** Required `iss`. Required with `jwksUrl`; optional with a dedicated secret. */
  issuer?: string | string[];
  /** Required `aud`. Required with `jwksUrl`; optional with a dedicated secret. */
  audience?: string | string[];
  /** Claim that holds the user id. Default `sub` (falls back to `userId`, as upstream does). */
  userIdClaim?: string;
  /** Seconds of leeway for `exp`/`nbf`. Default 0. */
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

/**
 * The jose-backed {@link TokenVerifier}. The key is prepared once (an HMAC `CryptoKey` per allowed
 * algorithm, imported on first use, or a cached remote JWKS), so no key import happens per request —
 * jose re-imports a secret given as bytes or a secret `KeyObject` on every verification.
 *
 * @example
 * const verifier = new JoseTokenVerifier({ secret: process.env.JWT_SECRET!, issuer: 'tenant-manager', audience: 'mcp' });
 * const { userId, scopes } = await verifier.verify(token);
 */
export class JoseTokenVerifier implements TokenVerifier {
  private readonly key: JWTVerifyGetKey;
  private readonly verifyOptions: { algorithms: string[]; issuer?: string | string[]; audience?: string | string[]; clockTolerance: number; maxTokenAge?: string | number };
  private readonly userIdClaim: string;

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
      this.key = createRemoteJWKSet(new URL(String(options.jwksUrl)), {
        timeoutDuration: options.jwksTimeoutMs ?? 5000,
        cooldownDuration: options.jwksCooldownMs ?? 30_000,
        cacheMaxAge: options.jwksCacheMaxAgeMs ?? 600_000,
      });
    }
    this.verifyOptions = {
      algorithms,
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance: options.clockTolerance ?? 0,
      maxTokenAge: options.maxTokenAge,
    };
    this.userIdClaim = options.userIdClaim ?? 'sub';
  }

  async verify(token: string): Promise<VerifiedToken> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key, this.verifyOptions));
    } catch (error) {
      throw toTypedError(error);
    }
    const raw = payload[this.userIdClaim] ?? (this.userIdClaim === 'sub' ? payload['userId'] : undefined);
    if (typeof raw !== 'string' || raw.trim() === '') {
      throw new TokenInvalidError(`Token has no ${this.userIdClaim} claim`);
    }
    return { userId: raw, scopes: readScopes(payload), expiresAt: payload.exp, claims: payload };
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
