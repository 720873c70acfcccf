import { describeWithRedis, testRedisUrl, type PrivateRedis } from '@mcp-factory/shared-util/testing';
import fc from 'fast-check';
import { TokenBucketLimiter } from '../http/rate-limiter';
import { ConfigurationError } from '../errors';
import { RedisTokenBucketLimiter, type UserRateLimiter } from './user-rate-limiter';
import { deleteKeys, eventually, randomKeyPrefix, useTestRedis, type TestRedis } from '../testing/shared-state-helpers';

// Both implementations satisfy the one interface the admit step will use.
const satisfies = (limiter: UserRateLimiter) => limiter.enabled;

describeWithRedis('RedisTokenBucketLimiter on the shared Redis', () => {
  const shared = useTestRedis({ url: testRedisUrl() });
  let t: TestRedis;
  let prefix: string;

  beforeEach(() => {
    t = shared.t;
    prefix = randomKeyPrefix();
  });
  afterEach(() => deleteKeys(t.redis, prefix));

  it('gives the in-process bucket’s verdicts on the same sequences (differential, same clock)', async () => {
    // Each run: a bucket size, a window, and requests from three users at chosen instants.
    const op = fc.record({ user: fc.integer({ min: 0, max: 2 }), advanceMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 400 }), fc.integer({ min: 400, max: 20_000 })) });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 10 }), fc.array(op, { minLength: 1, maxLength: 30 }), async (maxRequests, windowS, ops) => {
        run += 1;
        const clockKey = `${prefix}clock`;
        const keyPrefix = `${prefix}rl${run}`;
        let now = 1_700_000_000_000;
        const local = new TokenBucketLimiter({ maxRequests, windowMs: windowS * 1_000 }, () => now);
        const shared = new RedisTokenBucketLimiter({ redis: t.redis, reporter: t.reporter, maxRequests, windowMs: windowS * 1_000, keyPrefix, clockKey });
        expect(satisfies(local) && satisfies(shared)).toBe(true);
        for (const { user, advanceMs } of ops) {
          now += advanceMs;
          await t.redis.set(clockKey, String(now));
          const expected = local.take(`user-${user}`);
          const actual = await shared.take(`user-${user}`);
          if (actual !== expected) throw new Error(`at t=${now} user-${user}: redis ${actual}, in-process ${expected}`);
        }
      }),
      { numRuns: 40 },
    );
    expect(t.reporter.count('rate-limit')).toBe(0);
  });

  it('holds one user’s limit across two limiter instances (two replicas), with Redis’s clock', async () => {
    const options = { redis: t.redis, reporter: t.reporter, maxRequests: 5, windowMs: 3_600_000, keyPrefix: `${prefix}rl` };
    const replicaA = new RedisTokenBucketLimiter(options);
    const replicaB = new RedisTokenBucketLimiter(options);
    const verdicts: number[] = [];
    for (let i = 0; i < 8; i += 1) verdicts.push(await (i % 2 ? replicaB : replicaA).take('alice'));
    expect(verdicts.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    // One token per 720 s: the first refusal waits (almost) all of it.
    for (const retry of verdicts.slice(5)) expect(retry).toBeGreaterThanOrEqual(700);
    expect(await replicaB.take('bob')).toBe(0);
  });

  it('refills with time: a refused user is allowed once Retry-After has passed', async () => {
    const limiter = new RedisTokenBucketLimiter({ redis: t.redis, reporter: t.reporter, maxRequests: 2, windowMs: 1_000, keyPrefix: `${prefix}rl` });
    expect(await limiter.take('carol')).toBe(0);
    expect(await limiter.take('carol')).toBe(0);
    const retry = await limiter.take('carol');
    expect(retry).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, retry * 1_000));
    expect(await limiter.take('carol')).toBe(0);
  });

  it('lets idle buckets expire (a full bucket carries no state)', async () => {
    const limiter = new RedisTokenBucketLimiter({ redis: t.redis, reporter: t.reporter, maxRequests: 600, windowMs: 60_000, keyPrefix: `${prefix}rl` });
    await limiter.take('dave');
    const ttl = await t.redis.pttl(`${prefix}rl:dave`);
    // One token to refill: 100 ms of the window, plus the script's 1 s margin.
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1_100);
  });

  it('is off when disabled, and refuses a window that is not whole seconds', async () => {
    const off = new RedisTokenBucketLimiter({ redis: t.redis, reporter: t.reporter, enabled: false, maxRequests: 1 });
    expect([await off.take('x'), await off.take('x')]).toEqual([0, 0]);
    expect(() => new RedisTokenBucketLimiter({ redis: t.redis, reporter: t.reporter, windowMs: 1_500 })).toThrow(ConfigurationError);
  });
});

describe('RedisTokenBucketLimiter when Redis is down', () => {
  const own = useTestRedis('private');

  it('fails open to a per-replica bucket with a warning, never throws, and uses Redis again once it is back', async () => {
    const { t } = own;
    const redis = own.server as PrivateRedis;
    const options = { redis: t.redis, reporter: t.reporter, maxRequests: 3, windowMs: 3_600_000 };
    const replicaA = new RedisTokenBucketLimiter(options);
    const replicaB = new RedisTokenBucketLimiter(options);
    expect(await replicaA.take('erin')).toBe(0);

    await redis.stop();
    // Each replica now enforces the limit alone: 3 each, then refusals.
    const duringA = [await replicaA.take('erin'), await replicaA.take('erin'), await replicaA.take('erin'), await replicaA.take('erin')];
    const duringB = [await replicaB.take('erin'), await replicaB.take('erin'), await replicaB.take('erin'), await replicaB.take('erin')];
    expect(duringA.slice(0, 3)).toEqual([0, 0, 0]);
    expect(duringA[3]).toBeGreaterThan(0);
    expect(duringB.slice(0, 3)).toEqual([0, 0, 0]);
    expect(duringB[3]).toBeGreaterThan(0);
    expect(t.reporter.count('rate-limit')).toBe(8);
    expect(t.reporter.degraded).toEqual(['rate-limit']);
    const warnings = t.log.entries.filter((e) => e.level === 'warn' && e['component'] === 'rate-limit');
    expect(warnings).toHaveLength(1);

    // Back (empty: a restarted Redis lost its buckets): the shared bucket applies again, no restart.
    await redis.start();
    await eventually(async () => (await replicaA.take('frank')) === 0 && t.reporter.degraded.length === 0, 'the limiter to reach Redis again');
    expect(await replicaB.take('frank')).toBe(0);
    expect(await replicaA.take('frank')).toBe(0);
    expect(await replicaB.take('frank')).toBeGreaterThan(0);
    expect(t.log.entries.some((e) => e.message === 'redis reachable again: shared state restored')).toBe(true);
  }, 60_000);
});
