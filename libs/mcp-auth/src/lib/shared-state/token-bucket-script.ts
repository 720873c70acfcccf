/**
 * The Lua script a RateLimiterRedis runs instead of its fixed-window counter
 * (rate-limiter-flexible's documented `customIncrTtlLuaScript` option), so the shared limit has the
 * token-bucket semantics of the in-process TokenBucketLimiter (http/rate-limiter.ts), operation for
 * operation in IEEE doubles:
 *
 *   tokens = min(capacity, tokens + (now - updatedAt) * capacity / windowMs); updatedAt = now
 *   allowed: tokens >= 1 (then tokens -= 1); else retry after max(1, ceil((1 - tokens) / refill / 1000)) s
 *
 * A missing key is a full bucket. The key expires once the bucket would be full again, so idle
 * users cost no memory (the in-process bucket drops its least recently used keys instead).
 * Tokens are stored with 17 significant digits: a double survives the round trip exactly.
 *
 * Called by the library as KEYS = [key], ARGV = [points, durationSeconds, capacity, durationSeconds].
 * It answers the library's `{consumed, msBeforeNext}`: consumed 1 when allowed, capacity + 1 when
 * refused (the library rejects when consumed > capacity), msBeforeNext = the retry seconds × 1000.
 */
function script(now: string): string {
  return `
local capacity = tonumber(ARGV[3])
local windowMs = tonumber(ARGV[4]) * 1000
local refill = capacity / windowMs
${now}
local state = redis.call('HMGET', KEYS[1], 't', 'u')
local tokens = capacity
if state[1] then
  tokens = math.min(capacity, tonumber(state[1]) + (now - tonumber(state[2])) * refill)
end
local consumed = 1
local retryMs = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  consumed = capacity + 1
  retryMs = math.max(1, math.ceil((1 - tokens) / refill / 1000)) * 1000
end
redis.call('HSET', KEYS[1], 't', string.format('%.17g', tokens), 'u', string.format('%.17g', now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / refill) + 1000)
return {consumed, retryMs}
`;
}

/** Production: Redis's own clock, one clock for every replica. */
export const TOKEN_BUCKET_SCRIPT = script(`local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)`);

/**
 * Tests: the clock is the number (ms) stored at `clockKey`, so a differential test can drive the
 * Redis bucket and the in-process one with the same instants. Standalone Redis only.
 */
export function tokenBucketScriptWithClockKey(clockKey: string): string {
  return script(`local now = tonumber(redis.call('GET', ${JSON.stringify(clockKey)}))`);
}
