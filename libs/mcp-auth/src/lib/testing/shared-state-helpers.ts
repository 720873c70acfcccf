// Test helpers of the shared-state specs: a random key prefix per test on the shared Redis, deleted after.
import { randomBytes } from 'node:crypto';
import { createMemoryLogger, type MemoryLogger } from '@mcp-factory/shared-util';
import type { Redis } from 'ioredis';
import { deleteRedisKeys, startPrivateRedis, type PrivateRedis } from '@mcp-factory/shared-util/testing';
import { closeRedisClient, createRedisClient } from '../shared-state/redis-clients';
import { FallbackReporter } from '../shared-state/fallback-reporter';

/** A key prefix no other test (or helper, or replica) uses. */
export function randomKeyPrefix(): string {
  return `mcpf-test:${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under the prefix. */
export const deleteKeys = deleteRedisKeys;

export interface TestRedis {
  redis: Redis;
  log: MemoryLogger;
  reporter: FallbackReporter;
}

/** A commands client, a memory logger and a reporter. */
export function testRedis(url: string): TestRedis {
  const log = createMemoryLogger('debug');
  const redis = createRedisClient({ url, logger: log.logger, role: 'commands', commandTimeoutMs: 2_000 });
  return { redis, log, reporter: new FallbackReporter({ logger: log.logger }) };
}

/** Resolves once the client is connected. */
export async function ready(redis: Redis, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (redis.status !== 'ready') {
    if (Date.now() > deadline) throw new Error(`redis client not ready after ${timeoutMs} ms (${redis.status})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Polls `check` until it is true (a condition, never a duration, decides). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A TestRedis for the current describe block, opened in beforeAll and closed in afterAll: on the
 * shared Redis (`url` given) or on a private redis-server the test may stop and start (`private`).
 */
export function useTestRedis(where: { url: string } | 'private'): { readonly t: TestRedis; readonly server: PrivateRedis | undefined } {
  const state: { t?: TestRedis; server?: PrivateRedis } = {};
  beforeAll(async () => {
    if (where === 'private') state.server = await startPrivateRedis();
    state.t = testRedis(where === 'private' ? (state.server as PrivateRedis).url : where.url);
    await ready(state.t.redis);
  }, 60_000);
  afterAll(async () => {
    if (state.t) await closeRedisClient(state.t.redis);
    await state.server?.close();
  });
  return {
    get t() {
      return state.t as TestRedis;
    },
    get server() {
      return state.server;
    },
  };
}
