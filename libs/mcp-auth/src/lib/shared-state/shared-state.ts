import { InMemoryServerEventBus, type ServerEventBus } from '@modelcontextprotocol/server';
import { errorMessage, type Logger } from '@mcp-factory/shared-util';
import type { Redis } from 'ioredis';
import { TokenBucketLimiter, type RateLimitOptions } from '../http/rate-limiter';
import { assertReplicaId } from '../session/replica-session-id';
import { FallbackReporter, type SharedStateComponent } from './fallback-reporter';
import { checkRedis, closeRedisClient, createRedisClient } from './redis-clients';
import { RedisServerEventBus } from './redis-event-bus';
import { RedisSessionSlots } from './redis-session-slots';
import { LocalSessionSlots, type SessionSlots } from './session-slots';
import { RedisTokenBucketLimiter, type UserRateLimiter } from './user-rate-limiter';

/** Options of {@link createSharedState}. */
export interface SharedStateOptions {
  /** `REDIS_URL`. Unset: everything stays in this process, exactly as a single replica. */
  redisUrl?: string;
  /** `REPLICA_ID`: names this replica's session slots and Redis connections. */
  replicaId: string;
  /** `REDIS_KEY_PREFIX`: every key and channel starts with it (several deployments on one Redis). Default `mcpf:`. */
  keyPrefix?: string;
  /** The per-user token bucket (`RATE_LIMIT_PER_MINUTE` → `{ maxRequests, windowMs: 60000 }`); false: off. */
  rateLimit?: RateLimitOptions | false;
  /** `MAX_SESSIONS`. Default 1000. */
  maxSessions?: number;
  /** `MAX_SESSIONS_PER_USER`. Default 10. */
  maxSessionsPerUser?: number;
  /** A crashed replica's session slots free themselves after this long. Default 30000. */
  slotTtlMs?: number;
  /** A Redis command unanswered this long falls back. Default 500. */
  commandTimeoutMs?: number;
  logger: Logger;
  /** Wire to a counter, e.g. `mcp_shared_state_fallbacks_total{component}`. */
  onFallback?: (component: SharedStateComponent) => void;
}

/** What `/ready` reports about shared state (it stays 200 while Redis is down: every limit has a fallback). */
export interface SharedStateHealth {
  mode: 'redis' | 'local';
  /** `disabled` without REDIS_URL. */
  redis: 'up' | 'down' | 'disabled';
  latencyMs?: number;
  error?: string;
  /** Components on their local fallback right now. */
  degraded: SharedStateComponent[];
}

/** The limits and the event bus a service instance uses, local or shared through Redis. */
export interface SharedState {
  readonly mode: 'redis' | 'local';
  readonly rateLimiter: UserRateLimiter;
  readonly sessionSlots: SessionSlots;
  /** Pass to `createMcpHandler({ bus })`. */
  readonly eventBus: ServerEventBus;
  health(): Promise<SharedStateHealth>;
  /**
   * Tells `subscriptions/listen` streams on every replica that the tool list changed — only when this
   * replica's `fingerprint` (of its tool list) differs from the last one announced to the deployment,
   * i.e. a rolling deploy brought a new list, not when another replica of the same version starts.
   * True when it announced. Local mode, or Redis unreachable within `waitMs` (default 5000): false. Never throws.
   */
  announceToolList(fingerprint: string, waitMs?: number): Promise<boolean>;
  /** Stops heartbeats, frees held slots, closes the connections. */
  close(): Promise<void>;
}

/**
 * Builds the shared state from configuration. With `redisUrl`: Redis-backed limiter, session slots
 * and event bus over two connections (commands, subscriber); start-up never waits for Redis (each
 * component falls back until it is reachable). Without: the in-process equivalents.
 *
 * @example
 * const shared = createSharedState({ redisUrl: env.REDIS_URL, replicaId: env.REPLICA_ID, rateLimit: { maxRequests: 600 }, logger });
 * const handler = createMcpHandler(factory, { bus: shared.eventBus });
 */
export function createSharedState(options: SharedStateOptions): SharedState {
  assertReplicaId(options.replicaId);
  const rateLimit = options.rateLimit === false ? { enabled: false } : (options.rateLimit ?? {});
  const caps = { maxSessions: options.maxSessions, maxSessionsPerUser: options.maxSessionsPerUser };
  if (!options.redisUrl) {
    const slots = new LocalSessionSlots(caps);
    return {
      mode: 'local',
      rateLimiter: new TokenBucketLimiter(rateLimit),
      sessionSlots: slots,
      eventBus: new InMemoryServerEventBus(),
      health: async () => ({ mode: 'local', redis: 'disabled', degraded: [] }),
      // One process: its tool list cannot change under a listener.
      announceToolList: async () => false,
      close: () => slots.close(),
    };
  }
  const prefix = options.keyPrefix ?? 'mcpf:';
  const reporter = new FallbackReporter({ logger: options.logger, onFallback: options.onFallback });
  const connect = (role: 'commands' | 'subscriber'): Redis =>
    createRedisClient({ url: options.redisUrl as string, logger: options.logger, role, commandTimeoutMs: options.commandTimeoutMs, connectionName: `mcpf-${options.replicaId}-${role}` });
  const commands = connect('commands');
  const subscriber = connect('subscriber');
  const slots = new RedisSessionSlots({ ...caps, redis: commands, reporter, replicaId: options.replicaId, keyPrefix: `${prefix}sessions:`, slotTtlMs: options.slotTtlMs });
  const bus = new RedisServerEventBus({ publisher: commands, subscriber, channel: `${prefix}events`, reporter, logger: options.logger });
  // Not awaited: a Redis that is down at start-up must not stop the service; ioredis subscribes once it connects.
  bus.start().catch(() => undefined);
  return {
    mode: 'redis',
    rateLimiter: new RedisTokenBucketLimiter({ ...rateLimit, redis: commands, reporter, keyPrefix: `${prefix}rl` }),
    sessionSlots: slots,
    eventBus: bus,
    async health() {
      const check = await checkRedis(commands);
      return { mode: 'redis', redis: check.status, latencyMs: check.latencyMs, error: check.error, degraded: reporter.degraded };
    },
    async announceToolList(fingerprint, waitMs = 5_000) {
      try {
        await connected(commands, waitMs);
        const previous = await commands.set(`${prefix}tool-list`, fingerprint, 'GET');
        if (previous === fingerprint) return false;
        bus.publish({ kind: 'tools_list_changed' });
        return true;
      } catch (error) {
        options.logger.warn('tool list not announced: redis unreachable', { error: errorMessage(error) });
        return false;
      }
    },
    async close() {
      await slots.close();
      await bus.close();
      await closeRedisClient(subscriber);
      await closeRedisClient(commands);
    },
  };
}

/** Resolves once the client is connected; rejects after `timeoutMs`. */
async function connected(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  let onReady: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      onReady = resolve;
      client.once('ready', onReady);
      timer = setTimeout(() => reject(new Error(`redis not connected within ${timeoutMs} ms`)), timeoutMs);
    });
  } finally {
    clearTimeout(timer);
    if (onReady) client.off('ready', onReady);
  }
}
