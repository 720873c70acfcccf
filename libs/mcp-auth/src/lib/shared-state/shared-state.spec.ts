import { InMemoryServerEventBus } from '@modelcontextprotocol/server';
import { createMemoryLogger } from '@mcp-factory/shared-util';
import { describeWithRedis, freeLoopbackPort, startPrivateRedis, testRedisUrl } from '@mcp-factory/shared-util/testing';
import { TokenBucketLimiter } from '../http/rate-limiter';
import { createSharedState } from './shared-state';
import { createRedisClient, closeRedisClient } from './redis-clients';
import { deleteKeys, eventually, randomKeyPrefix, ready } from '../testing/shared-state-helpers';

describe('createSharedState without REDIS_URL', () => {
  it('is the single-process state: in-process bucket, local caps, in-memory bus, Redis disabled', async () => {
    const shared = createSharedState({ replicaId: 'r1', rateLimit: { maxRequests: 1 }, maxSessionsPerUser: 1, logger: createMemoryLogger().logger });
    expect(shared.mode).toBe('local');
    expect(shared.rateLimiter).toBeInstanceOf(TokenBucketLimiter);
    expect(shared.eventBus).toBeInstanceOf(InMemoryServerEventBus);
    expect([await shared.rateLimiter.take('a'), await shared.rateLimiter.take('a')]).toEqual([0, 60]);
    await shared.sessionSlots.reserve('a');
    await expect(shared.sessionSlots.reserve('a')).rejects.toMatchObject({ code: 'ERR_SESSION_LIMIT_USER' });
    expect(await shared.health()).toEqual({ mode: 'local', redis: 'disabled', degraded: [] });
    await shared.close();
  });

  it('refuses a replica id the balancer cannot route on', () => {
    expect(() => createSharedState({ replicaId: 'R.1', logger: createMemoryLogger().logger })).toThrow(expect.objectContaining({ code: 'ERR_CONFIGURATION' }));
  });
});

describe('createSharedState with Redis unreachable at start-up', () => {
  it('starts, serves on its fallbacks, reports Redis down, and closes', async () => {
    const port = await freeLoopbackPort();
    const log = createMemoryLogger();
    const fallbacks: string[] = [];
    const shared = createSharedState({ redisUrl: `redis://127.0.0.1:${port}`, replicaId: 'r1', rateLimit: { maxRequests: 2 }, logger: log.logger, onFallback: (c) => fallbacks.push(c) });
    expect(await shared.rateLimiter.take('a')).toBe(0);
    await shared.sessionSlots.reserve('a');
    shared.eventBus.publish({ kind: 'tools_list_changed' });
    await eventually(() => fallbacks.includes('event-bus'), 'the failed publish to be reported');
    const health = await shared.health();
    expect(health).toMatchObject({ mode: 'redis', redis: 'down' });
    expect([...health.degraded].sort()).toEqual(['event-bus', 'rate-limit', 'session-slots']);
    await shared.close();
  });
});

describeWithRedis('createSharedState on the shared Redis', () => {
  it('reports Redis up with its latency and shares limits between two replicas under one key prefix', async () => {
    const keyPrefix = randomKeyPrefix();
    const { logger } = createMemoryLogger();
    const options = { redisUrl: testRedisUrl(), keyPrefix, rateLimit: { maxRequests: 2 }, maxSessionsPerUser: 1, logger };
    const r1 = createSharedState({ ...options, replicaId: 'r1' });
    const r2 = createSharedState({ ...options, replicaId: 'r2' });
    const admin = createRedisClient({ url: testRedisUrl(), logger, role: 'commands' });
    try {
      await ready(admin);
      await eventually(async () => (await r1.health()).redis === 'up', 'Redis to be up');
      expect((await r1.health()).latencyMs).toEqual(expect.any(Number));
      expect([await r1.rateLimiter.take('u'), await r2.rateLimiter.take('u')]).toEqual([0, 0]);
      expect(await r1.rateLimiter.take('u')).toBeGreaterThan(0);
      await r1.sessionSlots.reserve('u');
      await expect(r2.sessionSlots.reserve('u')).rejects.toMatchObject({ code: 'ERR_SESSION_LIMIT_USER' });
      expect((await admin.keys(`${keyPrefix}*`)).sort()).toEqual([`${keyPrefix}rl:u`, `${keyPrefix}sessions:all`, `${keyPrefix}sessions:user:u`]);
    } finally {
      await r1.close();
      await r2.close();
      await deleteKeys(admin, keyPrefix);
      await closeRedisClient(admin);
    }
  });
});

describeWithRedis('SharedState.announceToolList', () => {
  it('announces a tool list to listeners on every replica once per new fingerprint, never in local mode', async () => {
    const keyPrefix = randomKeyPrefix();
    const { logger } = createMemoryLogger();
    const r1 = createSharedState({ redisUrl: testRedisUrl(), keyPrefix, replicaId: 'r1', logger });
    const r2 = createSharedState({ redisUrl: testRedisUrl(), keyPrefix, replicaId: 'r2', logger });
    const local = createSharedState({ replicaId: 'r3', logger });
    const heard: string[] = [];
    r2.eventBus.subscribe((event) => heard.push(event.kind));
    try {
      await eventually(async () => (await r2.health()).redis === 'up', 'Redis to be up');
      expect(await r1.announceToolList('v1')).toBe(true);
      await eventually(() => heard.length === 1, 'r2 to hear the change');
      expect(heard).toEqual(['tools_list_changed']);
      // Another replica of the same version starts: nothing to tell.
      expect(await r2.announceToolList('v1')).toBe(false);
      expect(await r2.announceToolList('v2')).toBe(true);
      expect(await local.announceToolList('v3')).toBe(false);
    } finally {
      await Promise.all([r1.close(), r2.close(), local.close()]);
      const admin = createRedisClient({ url: testRedisUrl(), logger, role: 'commands' });
      await ready(admin);
      await deleteKeys(admin, keyPrefix);
      await closeRedisClient(admin);
    }
  });
});

describe('SharedState health across a Redis outage', () => {
  it('goes down and comes back up without a restart', async () => {
    const redis = await startPrivateRedis();
    const shared = createSharedState({ redisUrl: redis.url, replicaId: 'r1', logger: createMemoryLogger().logger });
    try {
      await eventually(async () => (await shared.health()).redis === 'up', 'Redis to be up');
      await redis.stop();
      await eventually(async () => (await shared.health()).redis === 'down', 'Redis to be reported down');
      await redis.start();
      await eventually(async () => (await shared.health()).redis === 'up', 'Redis to be reported up again');
    } finally {
      await shared.close();
      await redis.close();
    }
  }, 60_000);
});
