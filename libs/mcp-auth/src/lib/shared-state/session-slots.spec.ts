import { describeWithRedis, testRedisUrl, type PrivateRedis } from '@mcp-factory/shared-util/testing';
import { TotalSessionLimitError, UserSessionLimitError } from '../errors';
import { RedisSessionSlots, type RedisSessionSlotsOptions } from './redis-session-slots';
import { LocalSessionSlots, type SessionSlot, type SessionSlots } from './session-slots';
import { deleteKeys, eventually, randomKeyPrefix, useTestRedis, type TestRedis } from '../testing/shared-state-helpers';

async function outcome(slots: SessionSlots, userId: string): Promise<SessionSlot | string> {
  try {
    return await slots.reserve(userId);
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe('LocalSessionSlots', () => {
  it('checks the total cap first (503), then the user cap (429); release is idempotent', async () => {
    const slots = new LocalSessionSlots({ maxSessions: 3, maxSessionsPerUser: 2 });
    const a1 = await slots.reserve('a');
    await slots.reserve('a');
    await expect(slots.reserve('a')).rejects.toThrow(UserSessionLimitError);
    await slots.reserve('b');
    await expect(slots.reserve('c')).rejects.toThrow(TotalSessionLimitError);
    await a1.release();
    await a1.release();
    expect(slots.size).toBe(2);
    expect(slots.countForUser('a')).toBe(1);
    await expect(slots.reserve('c')).resolves.toMatchObject({ userId: 'c' });
  });
});

describeWithRedis('RedisSessionSlots on the shared Redis', () => {
  let t: TestRedis;
  let prefix: string;
  const replicas: RedisSessionSlots[] = [];
  const replica = (replicaId: string, extra: Partial<RedisSessionSlotsOptions> = {}) => {
    const slots = new RedisSessionSlots({ redis: t.redis, reporter: t.reporter, replicaId, keyPrefix: prefix, maxSessions: 4, maxSessionsPerUser: 2, ...extra });
    replicas.push(slots);
    return slots;
  };

  const shared = useTestRedis({ url: testRedisUrl() });

  beforeEach(() => {
    t = shared.t;
    prefix = randomKeyPrefix();
  });
  afterEach(async () => {
    await Promise.all(replicas.splice(0).map((r) => r.close()));
    await deleteKeys(t.redis, prefix);
  });

  it('holds the per-user cap (429) and the total cap (503) across two replicas', async () => {
    const a = replica('r1');
    const b = replica('r2');
    const first = await a.reserve('alice');
    await b.reserve('alice');
    expect(await outcome(a, 'alice')).toBe('ERR_SESSION_LIMIT_USER');
    expect(await outcome(b, 'alice')).toBe('ERR_SESSION_LIMIT_USER');
    await a.reserve('bob');
    await b.reserve('carol');
    expect(await outcome(a, 'dave')).toBe('ERR_SESSION_LIMIT_TOTAL');
    expect(first.id).toMatch(/^r1:[0-9a-f-]{36}$/);
    await first.release();
    await first.release();
    await expect(b.reserve('alice')).resolves.toMatchObject({ userId: 'alice' });
    expect(await t.redis.zcard(`${prefix}all`)).toBe(4);
  });

  it('never overshoots under concurrent reserves from two replicas', async () => {
    const a = replica('r1', { maxSessionsPerUser: 10 });
    const b = replica('r2', { maxSessionsPerUser: 10 });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => outcome(i % 2 ? a : b, 'eve')));
    expect(results.filter((r) => typeof r !== 'string')).toHaveLength(4);
    expect(results.filter((r) => r === 'ERR_SESSION_LIMIT_TOTAL')).toHaveLength(8);
  });

  it('frees the slots of a replica that stopped renewing them (crashed) after the slot TTL', async () => {
    // A crashed replica: it never renews (its heartbeat would come after the TTL).
    const crashed = replica('r1', { slotTtlMs: 300, heartbeatMs: 3_600_000 });
    const alive = replica('r2', { slotTtlMs: 300, heartbeatMs: 50 });
    await crashed.reserve('frank');
    await crashed.reserve('frank');
    await alive.reserve('grace');
    expect(await outcome(alive, 'frank')).toBe('ERR_SESSION_LIMIT_USER');
    await eventually(async () => typeof (await outcome(alive, 'frank')) !== 'string', "the crashed replica's slots to expire");
    // The living replica's heartbeat kept its own slot past the TTL.
    expect(await t.redis.zcard(`${prefix}user:grace`)).toBe(1);
  });
});

describe('RedisSessionSlots when Redis is down', () => {
  const own = useTestRedis('private');

  it('falls back to the per-replica caps, never throws otherwise, and registers its slots once Redis is back', async () => {
    const { t } = own;
    const redis = own.server as PrivateRedis;
    const options = { redis: t.redis, reporter: t.reporter, keyPrefix: 's:', maxSessions: 10, maxSessionsPerUser: 2, heartbeatMs: 50 };
    const a = new RedisSessionSlots({ ...options, replicaId: 'r1' });
    const b = new RedisSessionSlots({ ...options, replicaId: 'r2' });
    try {
      await a.reserve('heidi');
      await redis.stop();
      // Per replica now: a already holds one of heidi's two.
      await a.reserve('heidi');
      expect(await outcome(a, 'heidi')).toBe('ERR_SESSION_LIMIT_USER');
      await b.reserve('heidi');
      await b.reserve('heidi');
      expect(await outcome(b, 'heidi')).toBe('ERR_SESSION_LIMIT_USER');
      expect(t.reporter.degraded).toEqual(['session-slots']);

      await redis.start();
      // The restarted Redis is empty; the heartbeats register all four slots again.
      await eventually(async () => t.redis.status === 'ready' && (await t.redis.zcard('s:user:heidi').catch(() => 0)) === 4, 'the slots to be registered again');
      await eventually(() => t.reporter.degraded.length === 0, 'the reporter to see Redis again');
      // Over the cap for now (the outage let each replica grant two): no one is refused below it, heidi gets no more.
      expect(await outcome(a, 'heidi')).toBe('ERR_SESSION_LIMIT_USER');
      expect(await outcome(b, 'ivan')).toMatchObject({ userId: 'ivan' });
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);
});
