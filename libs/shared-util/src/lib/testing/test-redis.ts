// Redis for tests: the machine's shared server (TEST_REDIS_URL, default redis://127.0.0.1:6379), or a
// private redis-server a test starts, stops and restarts itself (outage tests never touch the shared one).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { describeIfAvailable } from '../../testing';
import { findBinary, freeLoopbackPort, startChildService, type ChildService } from './child-services';

/** The shared Redis tests may use (each test under a random key prefix of its own, deleted after). */
export function testRedisUrl(): string {
  return process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
}

let probed: string | null | undefined;

/** Why the shared Redis cannot be used, or null when it answers PING. Probed once per test file. */
function sharedRedisProblem(): string | null {
  if (probed !== undefined) return probed;
  const url = new URL(testRedisUrl());
  // describe() is synchronous: ask a short-lived node process to PING (RESP inline command).
  const script = `const s=require('node:net').connect(${Number(url.port || 6379)},${JSON.stringify(url.hostname)});
s.setTimeout(2000,()=>process.exit(2));s.on('error',()=>process.exit(1));
s.on('connect',()=>s.write('PING\\r\\n'));s.on('data',(d)=>process.exit(String(d).startsWith('+PONG')||String(d).startsWith('-NOAUTH')?0:3));`;
  const result = spawnSync(process.execPath, ['-e', script], { timeout: 5_000 });
  probed = result.status === 0 ? null : `no Redis answering at ${url.host} (set TEST_REDIS_URL)`;
  return probed;
}

/** `describe` for a suite that needs the shared Redis; skipped with one line when none answers. */
export function describeWithRedis(title: string, fn: () => void): void {
  describeIfAvailable(title, sharedRedisProblem() ?? undefined, fn);
}

/** A redis-server of the test's own: `stop()` is an outage, `start()` brings it back on the same port (empty). */
export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

/** Starts redis-server on a free loopback port, without persistence. Needs the redis-server binary. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  if (!findBinary('redis-server')) throw new Error('redis-server is not installed');
  const port = await freeLoopbackPort();
  const dir = mkdtempSync(join(tmpdir(), 'mcpf-redis-'));
  let service: ChildService | undefined;
  const start = async () => {
    if (service) return;
    service = await startChildService({
      name: 'redis-server',
      command: 'redis-server',
      args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      port,
    });
  };
  const stop = async () => {
    const running = service;
    service = undefined;
    await running?.stop();
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Deletes every key under `prefix` (SCAN, not KEYS: the shared Redis may be busy with other suites). */
export async function deleteRedisKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}
