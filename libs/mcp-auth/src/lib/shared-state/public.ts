// The shared-state API, gathered so the lib's index.ts exports it in one line (wrapServer's `sharedState` option wires it in).
export { createSharedState } from './shared-state';
export type { SharedState, SharedStateHealth, SharedStateOptions } from './shared-state';
export { RedisTokenBucketLimiter } from './user-rate-limiter';
export type { UserRateLimiter, RedisRateLimitOptions } from './user-rate-limiter';
export { RedisSessionSlots } from './redis-session-slots';
export type { RedisSessionSlotsOptions } from './redis-session-slots';
export { LocalSessionSlots } from './session-slots';
export type { SessionSlot, SessionSlots, SessionCaps } from './session-slots';
export { RedisServerEventBus } from './redis-event-bus';
export type { RedisServerEventBusOptions } from './redis-event-bus';
export { FallbackReporter, FALLBACK_BEHAVIOUR } from './fallback-reporter';
export type { FallbackReporterOptions, SharedStateComponent } from './fallback-reporter';
export { createRedisClient, checkRedis, closeRedisClient } from './redis-clients';
export type { RedisClientOptions, RedisCheck } from './redis-clients';
export { replicaSessionIdGenerator, replicaIdOfSession, assertReplicaId, REPLICA_ID_PATTERN } from '../session/replica-session-id';
