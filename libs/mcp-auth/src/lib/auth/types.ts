import type { IncomingHttpHeaders } from 'node:http';
import type { AuthErrorCode } from '../errors';

/** Transport names. `stdio` exists for upstream compatibility; `wrapServer` serves `http` (alias `sse`). */
export type TransportType = 'stdio' | 'sse' | 'http';

/** What an {@link AuthProvider} sees of a request. Compatible with upstream's `RequestContext`. */
export interface RequestContext {
  /** Request headers as node gives them (lower-case names). */
  headers?: IncomingHttpHeaders | Record<string, string | string[] | undefined>;
  /**
   * The bearer token the wrapper extracted: the `Authorization: Bearer` header, or — only when
   * `transport.allowQueryToken` is on and only for the legacy SSE endpoints — `?access_token=`.
   * Providers should prefer it over parsing headers themselves.
   */
  bearerToken?: string;
  /** Free-form extra data. */
  metadata?: Record<string, unknown>;
  /** `http` for Streamable HTTP (/mcp), `sse` for the legacy endpoints (/sse, /messages). */
  transport: TransportType;
  /** When the request arrived. */
  timestamp: Date;
  /** Correlation id (also logged and echoed as `x-request-id`). */
  requestId?: string;
}

/** A successful authentication. */
export interface AuthSuccess {
  authenticated: true;
  /** Who is calling; sessions are bound to it and the factory receives it. */
  userId: string;
  /** Credential to hand to the server factory unless a token resolver says otherwise. Default: the bearer token. */
  accessToken?: string;
  /** Granted scopes (from `scope` / `scp`). */
  scopes?: string[];
  /** Expiry, seconds since the epoch (`exp`). */
  expiresAt?: number;
  /** Anything else the provider wants to pass along (claims, roles). */
  metadata?: Record<string, unknown>;
}

/** A failed authentication. Upstream providers return only `error`; ours also set a typed `code`. */
export interface AuthFailure {
  authenticated: false;
  /** Human-readable reason; sent to the client as `error_description`, never containing the token. */
  error?: string;
  /** Typed reason. Default `ERR_AUTH_TOKEN_INVALID`. */
  code?: AuthErrorCode;
  /** For `ERR_AUTH_INSUFFICIENT_SCOPE`: the scopes that were required (echoed in `WWW-Authenticate`). */
  requiredScopes?: string[];
}

/** Result of {@link AuthProvider.authenticate}. */
export type AuthResult = AuthSuccess | AuthFailure;

/**
 * Authenticates one HTTP request. Called for every request — not only the one that opens a
 * session — so it must be fast and must not throw for ordinary failures (return `AuthFailure`).
 * Same shape as upstream `@prmichaelsen/mcp-auth`'s `AuthProvider`.
 */
export interface AuthProvider {
  authenticate(context: RequestContext): Promise<AuthResult>;
  /**
   * Issuers of the tokens this provider accepts: the default `authorization_servers` of the RFC 9728
   * metadata (`/.well-known/oauth-protected-resource`).
   */
  readonly authorizationServers?: readonly string[];
  /** Called once by `start()` (e.g. to import keys). */
  initialize?(): Promise<void>;
  /** Called once by `stop()`. */
  cleanup?(): Promise<void>;
  /** Optional self-check; `start()` fails with `ERR_CONFIGURATION` when it resolves false. */
  validate?(): Promise<boolean>;
}

/**
 * Maps an authenticated user to the access token the server factory receives (e.g. their token for
 * an external API). Same shape as upstream's `ResourceTokenResolver`. Without one, the factory gets
 * the provider's `accessToken`, which for {@link JWTAuthProvider} is the bearer token itself.
 */
export interface ResourceTokenResolver {
  /** Returns the token, or `null` when the user has none (→ 401 `ERR_AUTH_TOKEN_RESOLUTION`). */
  resolveToken(userId: string, resourceType: string, auth?: AuthSuccess): Promise<string | null>;
  initialize?(): Promise<void>;
  cleanup?(): Promise<void>;
}
