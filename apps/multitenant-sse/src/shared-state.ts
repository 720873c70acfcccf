// REDIS_URL → the limits and events every replica shares (issue 16). Unset: nothing, and the service is
// one process exactly as before (the wrapper's in-process bucket, caps and event bus).
import { createSharedState, type RateLimitOptions, type SharedState, type SharedStateComponent } from '@mcp-factory/mcp-auth';
import type { Logger } from '@mcp-factory/shared-util';
import type { ServiceEnv } from './config';

/** What the shared state needs besides the environment. */
export interface SharedStateWiring {
  rateLimit: RateLimitOptions | false;
  logger: Logger;
  onFallback: (component: SharedStateComponent) => void;
}

/** The Redis-backed shared state when REDIS_URL is set (REPLICA_ID is then required by the config), else undefined. */
export function sharedStateFor(env: ServiceEnv, wiring: SharedStateWiring): SharedState | undefined {
  if (!env.REDIS_URL || !env.REPLICA_ID) return undefined;
  return createSharedState({
    redisUrl: env.REDIS_URL,
    replicaId: env.REPLICA_ID,
    keyPrefix: env.REDIS_KEY_PREFIX,
    rateLimit: wiring.rateLimit,
    maxSessions: env.MAX_SESSIONS,
    maxSessionsPerUser: env.MAX_SESSIONS_PER_USER,
    logger: wiring.logger.child({ component: 'shared-state' }),
    onFallback: wiring.onFallback,
  });
}
