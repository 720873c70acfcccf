// What the shared state costs Redis, measured on a private redis-server: server CPU per command
// (INFO commandstats), bytes per key (MEMORY USAGE), and the server's own ceiling (redis-benchmark).
import { spawnSync } from 'node:child_process';
import { createSharedState, RedisSessionSlots, type SessionSlot } from '@mcp-factory/mcp-auth';
import { createSilentLogger } from '@mcp-factory/shared-util';
import type { Redis } from 'ioredis';
import { mapLimit } from './load';
import { round } from './stats';

export type CommandStats = Record<string, { calls: number; usec: number }>;

/** `INFO commandstats` as calls and µs per command name. */
export async function commandStats(redis: Redis): Promise<CommandStats> {
  const stats: CommandStats = {};
  for (const match of (await redis.info('commandstats')).matchAll(/^cmdstat_(\S+):calls=(\d+),usec=(\d+)/gm)) {
    stats[match[1]] = { calls: Number(match[2]), usec: Number(match[3]) };
  }
  return stats;
}

/** Calls and µs per command between two snapshots (commands with calls only). */
export function statsDelta(before: CommandStats, after: CommandStats): CommandStats {
  const delta: CommandStats = {};
  for (const [name, now] of Object.entries(after)) {
    const calls = now.calls - (before[name]?.calls ?? 0);
    if (calls > 0) delta[name] = { calls, usec: now.usec - (before[name]?.usec ?? 0) };
  }
  return delta;
}

const usecPerCall = (d: CommandStats, names: string[]) => {
  const calls = names.reduce((n, name) => n + (d[name]?.calls ?? 0), 0);
  const usec = names.reduce((n, name) => n + (d[name]?.usec ?? 0), 0);
  return calls ? round(usec / calls) : NaN;
};

/** redis-benchmark's requests/s for PING and SET, 50 clients, no pipelining: the single thread's ceiling for one-command requests. */
export function redisBenchmark(port: number, requests: number): Record<string, number> {
  const run = spawnSync('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-q', '-n', String(requests), '-c', '50', '-t', 'ping,set'], { encoding: 'utf8', timeout: 120_000 });
  const rates: Record<string, number> = {};
  for (const match of `${run.stdout}`.matchAll(/^(\S+): ([\d.]+) requests per second/gm)) rates[match[1]] = Number(match[2]);
  if (Object.keys(rates).length === 0) throw new Error(`redis-benchmark gave no figures: ${run.stderr || run.stdout}`);
  return rates;
}

export interface SharedStateCosts {
  rateLimit: { takes: number; takesPerSecOneClient: number; scriptUsecPerCall: number; commands: CommandStats; bytesPerBucket: number };
  sessionSlots: { slots: number; reserveUsecPerCall: number; renewUsecPerSlot: number; bytesPerSlot: number };
}

/** Drives the rate limiter and the session slots of `createSharedState` against `url` and reads the server's cost. */
export async function measureSharedState(url: string, admin: Redis, users: number, takesPerUser: number, slots: number): Promise<SharedStateCosts> {
  const keyPrefix = 'bench:';
  const shared = createSharedState({ redisUrl: url, keyPrefix, replicaId: 'bench', rateLimit: { maxRequests: 600, windowMs: 60_000 }, maxSessions: 1_000_000, maxSessionsPerUser: 10, logger: createSilentLogger() });
  const deadline = Date.now() + 20_000;
  while ((await shared.health()).redis !== 'up') {
    if (Date.now() > deadline) throw new Error('bench redis not reachable');
    await new Promise((r) => setTimeout(r, 50));
  }
  const ids = Array.from({ length: users * takesPerUser }, (_, i) => `u${i % users}`);
  const before = await commandStats(admin);
  const t0 = performance.now();
  await mapLimit(ids, 64, async (id) => {
    if ((await shared.rateLimiter.take(id)) !== 0) throw new Error(`bench user ${id} was limited`);
  });
  const seconds = (performance.now() - t0) / 1000;
  const rl = statsDelta(before, await commandStats(admin));
  // Sampled right away: a bucket expires once it would be full again (takesPerUser / 10 s here).
  const sample = await Promise.all(Array.from({ length: 50 }, (_, i) => admin.memory('USAGE', `${keyPrefix}rl:u${i}`)));
  const bytesPerBucket = round(sample.reduce((n: number, b) => n + Number(b ?? 0), 0) / sample.length);

  const slotUsers = Array.from({ length: slots }, (_, i) => `s${Math.floor(i / 10)}`);
  const s0 = await commandStats(admin);
  const memory0 = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
  const held: SessionSlot[] = await mapLimit(slotUsers, 32, (user) => shared.sessionSlots.reserve(user));
  const reserve = statsDelta(s0, await commandStats(admin));
  const memory1 = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
  if (!(shared.sessionSlots instanceof RedisSessionSlots)) throw new Error('expected Redis session slots');
  const r0 = await commandStats(admin);
  await shared.sessionSlots.renewAll();
  const renew = statsDelta(r0, await commandStats(admin));
  await mapLimit(held, 32, (slot) => slot.release());
  await shared.close();
  return {
    rateLimit: { takes: ids.length, takesPerSecOneClient: round(ids.length / seconds), scriptUsecPerCall: usecPerCall(rl, ['evalsha', 'eval']), commands: rl, bytesPerBucket },
    sessionSlots: { slots, reserveUsecPerCall: usecPerCall(reserve, ['eval', 'evalsha']), renewUsecPerSlot: usecPerCall(renew, ['eval', 'evalsha']), bytesPerSlot: round((memory1 - memory0) / slots) },
  };
}
