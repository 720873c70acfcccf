/** Options of {@link TokenBucketLimiter}; names follow upstream's `RateLimitConfig`. */
export interface RateLimitOptions {
  /** Turn limiting off entirely. Default true (on). */
  enabled?: boolean;
  /** Bucket size: requests a user may burst. Default 600. */
  maxRequests?: number;
  /** Time to refill a whole bucket, in ms. Default 60000 (so 10 requests/s sustained). */
  windowMs?: number;
  /** Buckets kept at most; the least recently used is dropped beyond it. Default 100000. */
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * One token bucket per key (the userId). `take()` returns 0 when allowed, otherwise the seconds
 * to wait (for `Retry-After`). Memory is bounded by `maxKeys`; a full bucket carries no state, so
 * dropping one only forgives a little debt.
 */
export class TokenBucketLimiter {
  readonly enabled: boolean;
  private readonly capacity: number;
  private readonly refillPerMs: number;
  private readonly maxKeys: number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: RateLimitOptions = {}, private readonly now: () => number = Date.now) {
    this.enabled = options.enabled ?? true;
    this.capacity = options.maxRequests ?? 600;
    this.refillPerMs = this.capacity / (options.windowMs ?? 60_000);
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /** Takes one token for `key`: 0 if allowed, else whole seconds until one is available (≥ 1). */
  take(key: string): number {
    if (!this.enabled) return 0;
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(this.capacity, bucket.tokens + (now - bucket.updatedAt) * this.refillPerMs);
      bucket.updatedAt = now;
      // Re-insert so Map order approximates recency for eviction.
      this.buckets.delete(key);
      this.buckets.set(key, bucket);
    } else {
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      bucket = { tokens: this.capacity, updatedAt: now };
      this.buckets.set(key, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.refillPerMs / 1000));
  }

  /** Number of tracked keys (for tests). */
  get size(): number {
    return this.buckets.size;
  }
}
