// The shared Redis as the scale-out suites use it: a key prefix per run (deleted after), a client to
// look at what the service stored, and 2026-07-28 requests counted by status.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { modernRequest, rawRequest, type RawResponse } from '@mcp-factory/mcp-auth/testing';
import { deleteRedisKeys, testRedisUrl } from '@mcp-factory/shared-util/testing';
import { tokenFor } from './clients';

/** A key prefix no other run uses. */
export function runKeyPrefix(): string {
  return `mcpf-e2e:${randomBytes(5).toString('hex')}:`;
}

/** The shared Redis's host and port (for a proxy in front of it). */
export function sharedRedisAddress(): { host: string; port: number } {
  const url = new URL(testRedisUrl());
  return { host: url.hostname, port: Number(url.port || 6379) };
}

/** A plain client of the shared Redis, and a way to delete a run's keys. */
export function inspectRedis(): { redis: Redis; deletePrefix(prefix: string): Promise<void>; close(): Promise<void> } {
  const redis = new Redis(testRedisUrl(), { lazyConnect: false, maxRetriesPerRequest: 1 });
  return {
    redis,
    deletePrefix: (prefix) => deleteRedisKeys(redis, prefix),
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** One 2026-07-28 `tools/list` as `userId` (no session; any replica may answer). */
export async function modernToolsList(baseUrl: string, userId: string): Promise<RawResponse> {
  const { body, headers } = modernRequest('tools/list');
  return rawRequest(`${baseUrl}/mcp`, { method: 'POST', headers: { ...headers, Authorization: `Bearer ${await tokenFor(userId)}` }, body, timeoutMs: 15_000 });
}

/**
 * The most requests a bucket of `limit` per minute may allow in a burst that took `elapsedMs`: the full
 * bucket plus what refilled meanwhile (+1 for rounding) — so a slow machine cannot fail the count.
 */
export function bucketAllowance(limit: number, elapsedMs: number): number {
  return limit + Math.ceil((elapsedMs / 60_000) * limit) + 1;
}

/** Sends `count` 2026-07-28 requests as `userId`, `concurrency` at a time; returns how many got each status (and `elapsedMs`). */
export async function burst(baseUrl: string, userId: string, count: number, concurrency = 5): Promise<Map<number, number> & { elapsedMs?: number }> {
  const started = Date.now();
  const statuses: Map<number, number> & { elapsedMs?: number } = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        const { status } = await modernToolsList(baseUrl, userId);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  statuses.elapsedMs = Date.now() - started;
  return statuses;
}
