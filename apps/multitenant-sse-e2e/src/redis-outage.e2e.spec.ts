// Issue 16: the real service with REDIS_URL set, the Redis link cut and restored through a TCP proxy
// this test owns (the shared Redis itself is never stopped). Up: the rate limit and the session slots
// live in Redis. Cut: the rate limit fails open to this replica's bucket (same size), sessions open
// against this replica's caps, /ready stays 200 and says `redis: down`, nothing crashes. Restored: the
// same process finds Redis again and re-registers its sessions' slots, without a restart.
import { connectAs, get, metricSum } from './support/clients';
import { createLeastPrivilegeDatabase, type LeastPrivilegeDatabase } from './support/least-privilege';
import { startService, type ServiceProcess } from './support/service-process';
import { bucketAllowance, burst, inspectRedis, modernToolsList, runKeyPrefix, sharedRedisAddress } from './support/shared-redis';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';
import { describeWithPostgres, describeWithRedis, isProcessAlive } from '@mcp-factory/shared-util/testing';

const LIMIT = 20;

type Details = { sharedState?: { redis: string; degraded: string[] } };
const sharedStateOf = async (baseUrl: string, path: string) => {
  const response = await get(baseUrl, path);
  return { status: response.status, shared: (response.json as Details).sharedState };
};

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeWithPostgres('shared state: the service with REDIS_URL', () => {
  describeWithRedis('the Redis link is cut and restored under the running service', () => {
    const prefix = runKeyPrefix();
    const inspect = inspectRedis();
    let db: LeastPrivilegeDatabase;
    let proxy: TcpProxy;
    let service: ServiceProcess;

    beforeAll(async () => {
      db = await createLeastPrivilegeDatabase();
      proxy = await startTcpProxy({ target: sharedRedisAddress() });
      service = await startService({
        ...db.serviceEnv(),
        REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
        REDIS_KEY_PREFIX: prefix,
        REPLICA_ID: 'solo',
        RATE_LIMIT_PER_MINUTE: String(LIMIT),
        MAX_SESSIONS_PER_USER: '2',
      });
      await until(async () => (await sharedStateOf(service.baseUrl, '/ready')).shared?.redis === 'up', 'the service to reach Redis');
    }, 120_000);
    afterAll(async () => {
      const stopped = await service?.stop();
      await proxy?.close();
      await db?.drop();
      await inspect.deletePrefix(prefix);
      await inspect.close();
      expect(stopped?.code).toBe(0);
    });

    it('keeps limits in Redis while up, falls back per replica while cut, and recovers without a restart', async () => {
      const { redis } = inspect;
      // Up: the bucket is in Redis, and runs out at the limit.
      const up = await burst(service.baseUrl, 'rl-user', 2 * LIMIT);
      expect(up.get(200)).toBeGreaterThanOrEqual(LIMIT);
      expect(up.get(200)).toBeLessThanOrEqual(bucketAllowance(LIMIT, up.elapsedMs ?? 0));
      expect(await redis.exists(`${prefix}rl:rl-user`)).toBe(1);
      const session = await connectAs(service.baseUrl, 'session-user', 'streamable-http');
      expect(session.sessionId).toMatch(/^solo\.[0-9a-f-]{36}$/);
      expect(await redis.zcard(`${prefix}sessions:user:session-user`)).toBe(1);
      const health = (await get(service.baseUrl, '/health')).json as Details;
      expect(health.sharedState).toMatchObject({ redis: 'up', degraded: [] });

      proxy.cut();
      // Fails open: the user Redis had refused gets this replica's own (full) bucket, which runs out too.
      expect((await modernToolsList(service.baseUrl, 'rl-user')).status).toBe(200);
      const cut = await burst(service.baseUrl, 'rl-user-2', 2 * LIMIT);
      expect(cut.get(200)).toBeGreaterThanOrEqual(LIMIT);
      expect(cut.get(200)).toBeLessThanOrEqual(bucketAllowance(LIMIT, cut.elapsedMs ?? 0));
      // Sessions: the open one keeps working; new ones open against this replica's cap (2 per user).
      expect(await session.callText('hello_computer', { name: 'during' })).toContain('during');
      const second = await connectAs(service.baseUrl, 'session-user', 'streamable-http');
      await expect(connectAs(service.baseUrl, 'session-user', 'streamable-http')).rejects.toThrow(/429|ERR_SESSION_LIMIT_USER|Too Many/i);
      const ready = await sharedStateOf(service.baseUrl, '/ready');
      expect(ready.status).toBe(200);
      expect(ready.shared?.redis).toBe('down');
      expect(ready.shared?.degraded).toEqual(expect.arrayContaining(['rate-limit', 'session-slots']));
      expect((await get(service.baseUrl, '/health')).status).toBe(200);
      const metrics = (await get(service.baseUrl, '/metrics')).body;
      expect(metricSum(metrics, 'mcp_shared_state_fallbacks_total', { component: 'rate-limit' })).toBeGreaterThanOrEqual(LIMIT);
      expect(isProcessAlive(service.pid)).toBe(true);

      proxy.restore();
      await until(async () => (await sharedStateOf(service.baseUrl, '/ready')).shared?.redis === 'up', 'the service to reach Redis again');
      // The heartbeat registers the slot taken during the outage: both sessions are counted in Redis again.
      await until(async () => (await redis.zcard(`${prefix}sessions:user:session-user`)) === 2, 'both slots in Redis');
      await until(async () => (await modernToolsList(service.baseUrl, 'rl-user-3')).status === 200 && (await sharedStateOf(service.baseUrl, '/ready')).shared?.degraded.length === 0, 'no component degraded');
      expect(await redis.exists(`${prefix}rl:rl-user-3`)).toBe(1);
      expect(await session.callText('hello_computer', { name: 'after' })).toContain('after');
      expect(isProcessAlive(service.pid)).toBe(true);
      await Promise.all([session.close(), second.close()]);
    });
  });
});
