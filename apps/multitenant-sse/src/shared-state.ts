// REDIS_URL → the limits and events every replica shares (issue 16). Unset: nothing, and the service is
// one process exactly as before (the wrapper's in-process bucket, caps and event bus).
import { createHash } from 'node:crypto';
import type { ToolLibrary } from '@mcp-factory/core-factory';
import { createSharedState, type McpServerLike, type RateLimitOptions, type SharedState, type SharedStateComponent } from '@mcp-factory/mcp-auth';
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

/** Changes whenever a tool is added, removed or redescribed: what {@link SharedState.announceToolList} compares. */
export function toolListFingerprint(libraries: readonly ToolLibrary[]): string {
  const tools = libraries.flatMap((library) => library.tools.map((tool) => [tool.name, tool.description ?? '']));
  return createHash('sha256').update(JSON.stringify(tools.sort())).digest('hex').slice(0, 32);
}

/**
 * With shared state the tool list can change under a listener (a rolling deploy: replicas of two
 * versions behind one balancer), so the servers say so (`tools.listChanged`) and a new list is
 * announced to every replica's `subscriptions/listen` streams. Without it nothing changes.
 */
export function announcingToolChanges<T extends McpServerLike>(server: T, sharedState: SharedState | undefined): T {
  if (sharedState) (server as unknown as { registerCapabilities(c: object): void }).registerCapabilities({ tools: { listChanged: true } });
  return server;
}
