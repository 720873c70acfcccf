import { McpFactoryError } from '@mcp-factory/shared-util';

/**
 * Every error this lib raises or answers with. One subclass per code, each with a static and an
 * instance `code`; {@link httpStatusForCode} is the single code → HTTP status mapping.
 * The spec checks that codes are unique and that each one is listed in the README.
 */
export abstract class McpAuthError extends McpFactoryError {
  static override readonly code: McpAuthErrorCode | 'ERR_MCP_FACTORY' = 'ERR_MCP_FACTORY';
  abstract override readonly code: McpAuthErrorCode;
}

/** No bearer token on the request (or only in the query string while that is disabled). */
export class TokenMissingError extends McpAuthError {
  static override readonly code = 'ERR_AUTH_TOKEN_MISSING';
  override readonly code = 'ERR_AUTH_TOKEN_MISSING';
  constructor(message = 'Missing bearer token', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The token failed verification: signature, algorithm, issuer, audience, format or missing user claim. */
export class TokenInvalidError extends McpAuthError {
  static override readonly code = 'ERR_AUTH_TOKEN_INVALID';
  override readonly code = 'ERR_AUTH_TOKEN_INVALID';
  constructor(message = 'Invalid token', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The token's `exp` has passed (beyond the clock tolerance). */
export class TokenExpiredError extends McpAuthError {
  static override readonly code = 'ERR_AUTH_TOKEN_EXPIRED';
  override readonly code = 'ERR_AUTH_TOKEN_EXPIRED';
  constructor(message = 'Token has expired', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The token is valid but lacks a required scope. */
export class InsufficientScopeError extends McpAuthError {
  static override readonly code = 'ERR_AUTH_INSUFFICIENT_SCOPE';
  override readonly code = 'ERR_AUTH_INSUFFICIENT_SCOPE';
  constructor(
    readonly requiredScopes: readonly string[],
    message = `Insufficient scope: requires ${requiredScopes.join(' ')}`,
  ) {
    super(message);
  }
}

/** The token resolver found no access token for the user (upstream's `TokenResolutionError`). */
export class TokenResolutionError extends McpAuthError {
  static override readonly code = 'ERR_AUTH_TOKEN_RESOLUTION';
  override readonly code = 'ERR_AUTH_TOKEN_RESOLUTION';
  constructor(message = 'No access token could be resolved for this user', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Unknown session id, or a session that belongs to another user (deliberately indistinguishable). */
export class SessionNotFoundError extends McpAuthError {
  static override readonly code = 'ERR_SESSION_NOT_FOUND';
  override readonly code = 'ERR_SESSION_NOT_FOUND';
  constructor(message = 'Session not found') {
    super(message);
  }
}

/** A non-initialize request reached a stateful endpoint without a session id. */
export class BadRequestError extends McpAuthError {
  static override readonly code = 'ERR_BAD_REQUEST';
  override readonly code = 'ERR_BAD_REQUEST';
}

/** The body is not valid JSON. */
export class InvalidBodyError extends McpAuthError {
  static override readonly code = 'ERR_INVALID_BODY';
  override readonly code = 'ERR_INVALID_BODY';
  constructor(message = 'Parse error: request body is not valid JSON', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A POST to `/mcp` whose `Content-Type` is not JSON (the message both SDK eras answer with). */
export class UnsupportedMediaTypeError extends McpAuthError {
  static override readonly code = 'ERR_UNSUPPORTED_MEDIA_TYPE';
  override readonly code = 'ERR_UNSUPPORTED_MEDIA_TYPE';
  constructor(message = 'Unsupported Media Type: Content-Type must be application/json') {
    super(message);
  }
}

/** The user already holds `maxSessionsPerUser` sessions. */
export class UserSessionLimitError extends McpAuthError {
  static override readonly code = 'ERR_SESSION_LIMIT_USER';
  override readonly code = 'ERR_SESSION_LIMIT_USER';
  constructor(limit: number) {
    super(`Too many sessions for this user (limit ${limit}); close one or wait for idle eviction`);
  }
}

/** The process already holds `maxSessions` sessions. */
export class TotalSessionLimitError extends McpAuthError {
  static override readonly code = 'ERR_SESSION_LIMIT_TOTAL';
  override readonly code = 'ERR_SESSION_LIMIT_TOTAL';
  constructor(limit: number) {
    super(`Server session capacity reached (limit ${limit}); retry later`);
  }
}

/** The user's token bucket is empty. */
export class RateLimitedError extends McpAuthError {
  static override readonly code = 'ERR_RATE_LIMITED';
  override readonly code = 'ERR_RATE_LIMITED';
  constructor(readonly retryAfterSeconds: number) {
    super(`Rate limit exceeded; retry after ${retryAfterSeconds}s`);
  }
}

/** The body exceeds `maxBodyBytes`. */
export class BodyTooLargeError extends McpAuthError {
  static override readonly code = 'ERR_BODY_TOO_LARGE';
  override readonly code = 'ERR_BODY_TOO_LARGE';
  constructor(limit: number) {
    super(`Request body exceeds ${limit} bytes`);
  }
}

/** The body did not arrive within `requestTimeoutMs`. */
export class RequestTimeoutError extends McpAuthError {
  static override readonly code = 'ERR_REQUEST_TIMEOUT';
  override readonly code = 'ERR_REQUEST_TIMEOUT';
  constructor(timeoutMs: number) {
    super(`Request body not received within ${timeoutMs} ms`);
  }
}

/** The Host header is not in the allow-list (DNS rebinding protection). */
export class HostNotAllowedError extends McpAuthError {
  static override readonly code = 'ERR_HOST_NOT_ALLOWED';
  override readonly code = 'ERR_HOST_NOT_ALLOWED';
  constructor(message = 'Host header not allowed') {
    super(message);
  }
}

/** The Origin header is not in the allow-list. */
export class OriginNotAllowedError extends McpAuthError {
  static override readonly code = 'ERR_ORIGIN_NOT_ALLOWED';
  override readonly code = 'ERR_ORIGIN_NOT_ALLOWED';
  constructor(message = 'Origin not allowed') {
    super(message);
  }
}

/** No route for this path. */
export class RouteNotFoundError extends McpAuthError {
  static override readonly code = 'ERR_ROUTE_NOT_FOUND';
  override readonly code = 'ERR_ROUTE_NOT_FOUND';
  constructor(message = 'Not found') {
    super(message);
  }
}

/** The route exists but not for this HTTP method; `allow` lists the methods it serves (the `Allow` header, RFC 9110 §15.5.6). */
export class MethodNotAllowedError extends McpAuthError {
  static override readonly code = 'ERR_METHOD_NOT_ALLOWED';
  override readonly code = 'ERR_METHOD_NOT_ALLOWED';
  constructor(
    readonly allow: readonly string[],
    message = 'Method not allowed',
  ) {
    super(message);
  }
}

/** `stop()` has begun: no new sessions or requests are accepted. */
export class ShuttingDownError extends McpAuthError {
  static override readonly code = 'ERR_SHUTTING_DOWN';
  override readonly code = 'ERR_SHUTTING_DOWN';
  constructor(message = 'Server is shutting down') {
    super(message);
  }
}

/** `/ready`: the readiness check failed. */
export class NotReadyError extends McpAuthError {
  static override readonly code = 'ERR_NOT_READY';
  override readonly code = 'ERR_NOT_READY';
  constructor(message = 'Not ready', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The server factory or the token resolver threw. */
export class ServerFactoryError extends McpAuthError {
  static override readonly code = 'ERR_SERVER_FACTORY';
  override readonly code = 'ERR_SERVER_FACTORY';
  constructor(message = 'Could not create the MCP server for this request', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Invalid `wrapServer` / provider options (upstream's `ConfigurationError`). */
export class ConfigurationError extends McpAuthError {
  static override readonly code = 'ERR_CONFIGURATION';
  override readonly code = 'ERR_CONFIGURATION';
}

/** Anything unexpected. The client sees a generic message; the cause is logged. */
export class InternalError extends McpAuthError {
  static override readonly code = 'ERR_INTERNAL';
  override readonly code = 'ERR_INTERNAL';
  constructor(message = 'Internal server error', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Every error class of this lib, for the uniqueness spec and for exhaustive handling. */
export const MCP_AUTH_ERRORS = [
  TokenMissingError,
  TokenInvalidError,
  TokenExpiredError,
  InsufficientScopeError,
  TokenResolutionError,
  SessionNotFoundError,
  BadRequestError,
  InvalidBodyError,
  UnsupportedMediaTypeError,
  UserSessionLimitError,
  TotalSessionLimitError,
  RateLimitedError,
  BodyTooLargeError,
  RequestTimeoutError,
  HostNotAllowedError,
  OriginNotAllowedError,
  RouteNotFoundError,
  MethodNotAllowedError,
  ShuttingDownError,
  NotReadyError,
  ServerFactoryError,
  ConfigurationError,
  InternalError,
] as const;

/** Every code this lib uses, with its HTTP status: the union type and {@link httpStatusForCode} derive from it. */
const HTTP_STATUS = {
  ERR_AUTH_TOKEN_MISSING: 401,
  ERR_AUTH_TOKEN_INVALID: 401,
  ERR_AUTH_TOKEN_EXPIRED: 401,
  ERR_AUTH_INSUFFICIENT_SCOPE: 403,
  ERR_AUTH_TOKEN_RESOLUTION: 401,
  ERR_SESSION_NOT_FOUND: 404,
  ERR_BAD_REQUEST: 400,
  ERR_INVALID_BODY: 400,
  ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  ERR_SESSION_LIMIT_USER: 429,
  ERR_SESSION_LIMIT_TOTAL: 503,
  ERR_RATE_LIMITED: 429,
  ERR_BODY_TOO_LARGE: 413,
  ERR_REQUEST_TIMEOUT: 408,
  ERR_HOST_NOT_ALLOWED: 403,
  ERR_ORIGIN_NOT_ALLOWED: 403,
  ERR_ROUTE_NOT_FOUND: 404,
  ERR_METHOD_NOT_ALLOWED: 405,
  ERR_SHUTTING_DOWN: 503,
  ERR_NOT_READY: 503,
  ERR_SERVER_FACTORY: 500,
  ERR_CONFIGURATION: 500,
  ERR_INTERNAL: 500,
} as const;

/** Union of every code this lib uses. */
export type McpAuthErrorCode = keyof typeof HTTP_STATUS;

/** The authentication failures an {@link AuthProvider} may report. */
export type AuthErrorCode = Extract<
  McpAuthErrorCode,
  'ERR_AUTH_TOKEN_MISSING' | 'ERR_AUTH_TOKEN_INVALID' | 'ERR_AUTH_TOKEN_EXPIRED' | 'ERR_AUTH_INSUFFICIENT_SCOPE' | 'ERR_AUTH_TOKEN_RESOLUTION'
>;

/** The one mapping from error code to HTTP status. */
export function httpStatusForCode(code: McpAuthErrorCode): number {
  return HTTP_STATUS[code];
}

/** True for any error of this lib. */
export function isMcpAuthError(value: unknown): value is McpAuthError {
  return value instanceof McpAuthError;
}
