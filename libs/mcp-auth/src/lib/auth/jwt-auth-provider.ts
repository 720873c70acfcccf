import { isMcpAuthError } from '../errors';
import { bearerFromHeaders } from './bearer-token';
import { JoseTokenVerifier, type JoseTokenVerifierOptions, type TokenVerifier } from './token-verifier';
import type { AuthProvider, AuthResult, RequestContext } from './types';

/**
 * Options of {@link JWTAuthProvider}. Field names follow upstream `@prmichaelsen/mcp-auth`
 * (`jwtSecret`, `algorithm`, `userIdClaim`, `clockTolerance`); the rest are ours.
 */
export interface JWTAuthProviderConfig {
  /** HS256 (or HS384/HS512) shared secret, at least 32 bytes. Exclusive with `jwksUrl`. */
  jwtSecret?: string;
  /** JWKS URL for RS256/ES256 tokens from an identity provider. Exclusive with `jwtSecret`. */
  jwksUrl?: string;
  /** Upstream's single algorithm option. Ignored when `algorithms` is set. */
  algorithm?: string;
  /** Allowed algorithms. Default `['HS256']` with a secret, `['RS256', 'ES256']` with a JWKS; `none` never. */
  algorithms?: string[];
  /**
   * Required issuer (`iss`). Required with `jwksUrl`. With several, tenants are keyed by issuer and
   * subject: the user id is `<iss>|<sub>`. Also the default `authorization_servers` of the RFC 9728 metadata.
   */
  issuer?: string | string[];
  /** Required audience (`aud`). Required with `jwksUrl`. */
  audience?: string | string[];
  /** Claim holding the user id; required on every token. Default `sub`. */
  userIdClaim?: string;
  /** Seconds of leeway for `exp`, `nbf` and a future `iat`. Default 5. */
  clockTolerance?: number;
  /** Maximum token age from `iat` (`'1h'`, seconds). Default none. */
  maxTokenAge?: string | number;
  /** Scopes every request must carry (→ 403 `insufficient_scope`). Default none. */
  requiredScopes?: string[];
  /** Inject a verifier instead of building the jose one (tests, introspection). */
  verifier?: TokenVerifier;
  /** Passed to the jose JWKS cache. */
  jwks?: Pick<JoseTokenVerifierOptions, 'jwksTimeoutMs' | 'jwksCooldownMs' | 'jwksCacheMaxAgeMs'>;
}

/**
 * Authenticates `Authorization: Bearer <JWT>` with jose. The resulting `accessToken` is the bearer
 * token itself (what the factory receives unless a token resolver is configured).
 *
 * @example
 * new JWTAuthProvider({ jwtSecret: process.env.JWT_SECRET!, audience: 'mcp-factory', requiredScopes: ['mcp'] });
 * new JWTAuthProvider({ jwksUrl: 'https://idp.example.com/.well-known/jwks.json', issuer: 'https://idp.example.com', audience: 'mcp' });
 */
export class JWTAuthProvider implements AuthProvider {
  /** The configured issuers: what the RFC 9728 metadata names as `authorization_servers` by default. */
  readonly authorizationServers: readonly string[];
  private readonly verifier: TokenVerifier;
  private readonly requiredScopes: string[];

  constructor(config: JWTAuthProviderConfig) {
    this.verifier =
      config.verifier ??
      new JoseTokenVerifier({
        secret: config.jwtSecret,
        jwksUrl: config.jwksUrl,
        algorithms: config.algorithms ?? (config.algorithm ? [config.algorithm] : undefined),
        issuer: config.issuer,
        audience: config.audience,
        userIdClaim: config.userIdClaim,
        clockTolerance: config.clockTolerance,
        maxTokenAge: config.maxTokenAge,
        ...config.jwks,
      });
    this.requiredScopes = config.requiredScopes ?? [];
    this.authorizationServers = config.issuer === undefined ? [] : Array.isArray(config.issuer) ? [...config.issuer] : [config.issuer];
  }

  async authenticate(context: RequestContext): Promise<AuthResult> {
    const token = context.bearerToken ?? bearerFromHeaders(context.headers);
    if (!token) return { authenticated: false, code: 'ERR_AUTH_TOKEN_MISSING', error: 'Missing bearer token' };
    try {
      const verified = await this.verifier.verify(token);
      for (const scope of this.requiredScopes) {
        if (!verified.scopes.includes(scope)) {
          return {
            authenticated: false,
            code: 'ERR_AUTH_INSUFFICIENT_SCOPE',
            error: `Insufficient scope: requires ${this.requiredScopes.join(' ')}`,
            requiredScopes: this.requiredScopes,
          };
        }
      }
      return {
        authenticated: true,
        userId: verified.userId,
        accessToken: token,
        scopes: verified.scopes,
        expiresAt: verified.expiresAt,
        metadata: { claims: verified.claims },
      };
    } catch (error) {
      if (isMcpAuthError(error) && (error.code === 'ERR_AUTH_TOKEN_EXPIRED' || error.code === 'ERR_AUTH_TOKEN_INVALID')) {
        return { authenticated: false, code: error.code, error: error.message };
      }
      return { authenticated: false, code: 'ERR_AUTH_TOKEN_INVALID', error: 'Invalid token' };
    }
  }
}
