import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import { TokenBucketLimiter, type RateLimitOptions } from '../http/rate-limiter';
import { ConfigurationError } from '../errors';
import type { FallbackReporter } from './fallback-reporter';
import { TOKEN_BUCKET_SCRIPT, tokenBucketScriptWithClockKey } from './token-bucket-script';

/**
 * The per-user limit the admit step asks: `take(userId)` is 0 when the request may go on, else the
 * seconds for `Retry-After` (≥ 1) with a 429. The in-process {@link TokenBucketLimiter} satisfies it
 * (synchronously); {@link RedisTokenBucketLimiter} holds the same bucket in Redis for every replica.
 */
export interface UserRateLimiter {
  readonly enabled: boolean;
  take(userId: string): number | Promise<number>;
}

/** Options of {@link RedisTokenBucketLimiter}. */
export interface RedisRateLimitOptions extends RateLimitOptions {
  /** A client from `createRedisClient({ role: 'commands' })`. */
  redis: Redis;
  /** Key prefix; each user's bucket is `<keyPrefix>:<userId>`. Default `mcpf:rl`. */
  keyPrefix?: string;
  reporter: FallbackReporter;
  /** Tests only: read the clock (ms) from this key instead of Redis TIME. */
  clockKey?: string;
}

/**
 * The per-user token bucket of {@link TokenBucketLimiter}, held in Redis through rate-limiter-flexible
 * (an atomic Lua script per request, one round trip), so a user's limit holds across replicas.
 *
 * Redis down or slow (no answer within the client's command timeout): fails open to a per-replica
 * in-process bucket with the same options — the limit is then enforced per replica — and reports the
 * fallback (warning + `onFallback`). The next request that reaches Redis uses the shared bucket again.
 */
export class RedisTokenBucketLimiter implements UserRateLimiter {
  readonly enabled: boolean;
  private readonly shared: RateLimiterRedis;
  private readonly local: TokenBucketLimiter;

  constructor(private readonly options: RedisRateLimitOptions) {
    this.enabled = options.enabled ?? true;
    const windowMs = options.windowMs ?? 60_000;
    // The library counts durations in whole seconds.
    if (windowMs < 1_000 || windowMs % 1_000 !== 0) throw new ConfigurationError(`rate limit windowMs must be a whole number of seconds, got ${windowMs}`);
    this.local = new TokenBucketLimiter(options);
    this.shared = new RateLimiterRedis({
      storeClient: options.redis,
      keyPrefix: options.keyPrefix ?? 'mcpf:rl',
      points: options.maxRequests ?? 600,
      duration: windowMs / 1_000,
      // Refuse at once (and fall back) rather than wait for a reconnect.
      rejectIfRedisNotReady: true,
      customIncrTtlLuaScript: options.clockKey ? tokenBucketScriptWithClockKey(options.clockKey) : TOKEN_BUCKET_SCRIPT,
    });
  }

  async take(userId: string): Promise<number> {
    if (!this.enabled) return 0;
    try {
      await this.shared.consume(userId, 1);
      this.options.reporter.succeeded('rate-limit');
      return 0;
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) {
        this.options.reporter.succeeded('rate-limit');
        return Math.max(1, Math.ceil(outcome.msBeforeNext / 1_000));
      }
      this.options.reporter.fallback('rate-limit', outcome);
      return this.local.take(userId);
    }
  }
}
