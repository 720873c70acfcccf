export { wrapServer, AuthenticatedServerWrapper } from './lib/server/wrap-server';
export type { WrappedServerAddress } from './lib/server/wrap-server';
export type {
  ServerWrapperConfig,
  TransportConfig,
  MCPServerFactory,
  McpServerLike,
  ServerFactoryContext,
  ProtocolEra,
  ProtectedResourceOptions,
  ShutdownHook,
} from './lib/server/config';
export { installShutdownHandlers } from './lib/server/shutdown-signals';
export type { ShutdownHandlerOptions } from './lib/server/shutdown-signals';
export { InFlightTracker } from './lib/server/in-flight';
export { JWTAuthProvider } from './lib/auth/jwt-auth-provider';
export type { JWTAuthProviderConfig } from './lib/auth/jwt-auth-provider';
export { JoseTokenVerifier, readScopes } from './lib/auth/token-verifier';
export type { TokenVerifier, VerifiedToken, JoseTokenVerifierOptions } from './lib/auth/token-verifier';
export { bearerFromHeaders } from './lib/auth/bearer-token';
export type {
  AuthProvider,
  AuthResult,
  AuthSuccess,
  AuthFailure,
  RequestContext,
  ResourceTokenResolver,
  TransportType,
} from './lib/auth/types';
export { SessionManager } from './lib/session/session-manager';
export type { Session, SessionKind, SessionManagerOptions, SessionReservation, Closable } from './lib/session/session-manager';
export { TokenBucketLimiter } from './lib/http/rate-limiter';
export type { RateLimitOptions } from './lib/http/rate-limiter';
export { RequestGuard, isLoopbackHost } from './lib/http/request-guard';
export type { RequestGuardOptions } from './lib/http/request-guard';
export { McpAuthMetrics } from './lib/metrics/metrics';
export type { MetricsOptions } from './lib/metrics/metrics';
export {
  McpAuthError,
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
  MCP_AUTH_ERRORS,
  httpStatusForCode,
  isMcpAuthError,
} from './lib/errors';
export type { McpAuthErrorCode, AuthErrorCode } from './lib/errors';
export { createSharedState, RedisTokenBucketLimiter, RedisSessionSlots, LocalSessionSlots, RedisServerEventBus, FallbackReporter, FALLBACK_BEHAVIOUR, createRedisClient, checkRedis, closeRedisClient, replicaSessionIdGenerator, replicaIdOfSession, assertReplicaId, REPLICA_ID_PATTERN, type SharedState, type SharedStateHealth, type SharedStateOptions, type UserRateLimiter, type RedisRateLimitOptions, type RedisSessionSlotsOptions, type SessionSlot, type SessionSlots, type SessionCaps, type RedisServerEventBusOptions, type FallbackReporterOptions, type SharedStateComponent, type RedisClientOptions, type RedisCheck } from './lib/shared-state/public';
