// Issue 16, capacity figures for docs/scale-out.md: what one replica, HAProxy, PgBouncer and Redis each
// spend per request, as CPU time per request (/proc, INFO commandstats, SHOW STATS) — the figure a
// shared 2-core machine measures reliably — plus Redis's ceiling and bytes per key. Writes
// bench/results/scale-out.json. Needs PostgreSQL (TEST_DATABASE_URL), haproxy, pgbouncer, redis-server.
//   TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres TSX_TSCONFIG_PATH=tsconfig.base.json node --import tsx bench/scale-out.ts [--smoke]
import { loadavg } from 'node:os';
import { modernRequest } from '@mcp-factory/mcp-auth/testing';
import { startPrivateRedis } from '@mcp-factory/shared-util/testing';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { cpuTimeUs, rssKb, startHaproxyEngine, startPgbouncerEngine, startServiceEngine, type Engine } from './lib/engines';
import { createBenchDatabase } from './lib/least-privilege';
import { makePool, runLoad, type LoadResult } from './lib/load';
import { commandStats, measureSharedState, redisBenchmark, statsDelta } from './lib/redis-costs';
import { isSmoke, machineInfo, writeResult, type ComparisonRow } from './lib/results';
import { round } from './lib/stats';
import { userTokens } from './lib/tokens';
import { BENCH_JWT } from './servers/spec';

const USERS = isSmoke ? 20 : 200;
const SECONDS = isSmoke ? 2 : 8;
const info = (id: string, metric: string, unit: string, value: number, basis = 'measured'): ComparisonRow => ({ id, metric, unit, ours: value, peer: basis, peerValue: value, ratio: 1, target: 'report', pass: true });

async function pgbouncerStats(port: number): Promise<{ xacts: number; xactUs: number; queries: number }> {
  const client = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'pgbouncer' });
  await client.connect();
  try {
    // SHOW STATS in the simple protocol (PgBouncer's console has no extended protocol).
    const rows = (await client.query({ text: 'SHOW STATS', rowMode: 'array' } as never)) as unknown as { fields: { name: string }[]; rows: unknown[][] };
    const col = (name: string) => rows.fields.findIndex((f) => f.name === name);
    const sum = (name: string) => rows.rows.reduce((n, row) => n + Number(row[col(name)]), 0);
    return { xacts: sum('total_xact_count'), xactUs: sum('total_xact_time'), queries: sum('total_query_count') };
  } finally {
    await client.end();
  }
}

/** One load run of 2026-07-28 requests against `url`, with every engine's CPU time and Redis's commands around it. */
async function measured(url: string, body: (i: number) => { body: string; headers: Record<string, string> }, tokens: string[], engines: Record<string, Engine>, redis: Redis, bouncerPort: number) {
  const pool = makePool(url, 16);
  const cpu0 = Object.fromEntries(Object.entries(engines).map(([k, e]) => [k, cpuTimeUs(e.pid)]));
  const stats0 = await commandStats(redis);
  const pg0 = await pgbouncerStats(bouncerPort);
  const load: LoadResult = await runLoad(pool, {
    concurrency: 16,
    maxRequests: 1_000_000,
    maxMs: SECONDS * 1000,
    call: (i) => {
      const { body: text, headers } = body(i);
      return { method: 'POST', path: '/mcp', headers: { ...headers, authorization: `Bearer ${tokens[i % tokens.length]}` }, body: text };
    },
    check: (status, text) => status === 200 && !text.includes('"isError":true'),
  });
  await pool.close();
  // PgBouncer folds finished transactions into SHOW STATS once per stats_period (1 s here).
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const pg1 = await pgbouncerStats(bouncerPort);
  const redisCommands = statsDelta(stats0, await commandStats(redis));
  const redisCalls = Object.values(redisCommands).reduce((n, d) => n + d.calls, 0);
  const cpuUsPerCall = Object.fromEntries(Object.entries(engines).map(([k, e]) => [k, round((cpuTimeUs(e.pid) - cpu0[k]) / load.requests)]));
  const xacts = pg1.xacts - pg0.xacts;
  return {
    callsPerSec: load.callsPerSec,
    errors: load.errors,
    firstError: load.firstError,
    requests: load.requests,
    p50: load.latencyMs.median,
    p99: load.latencyMs.p99,
    cpuUsPerCall,
    redisCommandsPerCall: round(redisCalls / load.requests),
    // Round trips: the scripts themselves (commandstats also counts the commands they run inside).
    redisScriptCallsPerCall: round(((redisCommands['evalsha']?.calls ?? 0) + (redisCommands['eval']?.calls ?? 0)) / load.requests),
    redisCommands,
    transactionsPerCall: round(xacts / load.requests),
    meanTransactionUs: xacts ? round((pg1.xactUs - pg0.xactUs) / xacts) : 0,
    pgbouncerCpuUsPerTransaction: xacts ? round(((cpuTimeUs(engines['pgbouncer'].pid) - cpu0['pgbouncer']) / xacts)) : 0,
  };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = loadavg();
  const redisServer = await startPrivateRedis();
  const redis = new Redis(redisServer.url);
  const db = await createBenchDatabase();
  const engines: Record<string, Engine> = {};
  try {
    const ceiling = redisBenchmark(redisServer.port, isSmoke ? 20_000 : 200_000);
    const shared = await measureSharedState(redisServer.url, redis, USERS * 10, 10, isSmoke ? 200 : 2_000);

    const runtime = new URL(db.runtimeUrl);
    engines['pgbouncer'] = await startPgbouncerEngine({ host: runtime.hostname, port: Number(runtime.port || 5432) }, [decodeURIComponent(runtime.username)], 'postgres');
    const viaBouncer = new URL(db.runtimeUrl);
    viaBouncer.hostname = '127.0.0.1';
    viaBouncer.port = String(engines['pgbouncer'].port);
    engines['replica'] = await startServiceEngine({
      DATABASE_URL: viaBouncer.toString(),
      MIGRATION_DATABASE_URL: db.migrationUrl,
      DATABASE_POOL_MODE: 'transaction',
      DB_POOL_SIZE: '10',
      REDIS_URL: redisServer.url,
      REPLICA_ID: 'mcp-1',
      RATE_LIMIT_PER_MINUTE: '1000000',
      JWT_SECRET: BENCH_JWT.secret,
      JWT_ISSUER: BENCH_JWT.issuer,
      JWT_AUDIENCE: BENCH_JWT.audience,
    });
    engines['haproxy'] = await startHaproxyEngine(engines['replica'].port);
    const tokens = await userTokens(USERS, 'scale-');
    const list = () => modernRequest('tools/list');
    const write = (i: number) => modernRequest('tools/call', { name: 'hello_computer', arguments: { name: `n${i}` } }, { id: i });
    const direct = `http://127.0.0.1:${engines['replica'].port}`;
    const balanced = `http://127.0.0.1:${engines['haproxy'].port}`;
    await measured(balanced, write, tokens, engines, redis, engines['pgbouncer'].port); // warm-up: JIT, pools, buckets
    const runs = {
      listDirect: await measured(direct, list, tokens, engines, redis, engines['pgbouncer'].port),
      listBalanced: await measured(balanced, list, tokens, engines, redis, engines['pgbouncer'].port),
      writeDirect: await measured(direct, write, tokens, engines, redis, engines['pgbouncer'].port),
      writeBalanced: await measured(balanced, write, tokens, engines, redis, engines['pgbouncer'].port),
    };
    // Latency HAProxy adds, unloaded: one request at a time, direct and balanced in turn.
    const serial = { direct: [] as number[], balanced: [] as number[] };
    for (let round_ = 0; round_ < 4; round_++) {
      for (const [key, url] of [['direct', direct], ['balanced', balanced]] as const) {
        const pool = makePool(url, 1);
        const one = await runLoad(pool, { concurrency: 1, maxRequests: isSmoke ? 20 : 100, maxMs: 10_000, call: () => ({ method: 'POST', path: '/mcp', headers: { ...list().headers, authorization: `Bearer ${tokens[0]}` }, body: list().body }) });
        await pool.close();
        serial[key].push(one.latencyMs.median);
      }
    }
    const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const replicaRssKb = rssKb(engines['replica'].pid);
    const w = runs.writeBalanced;
    const rows: ComparisonRow[] = [
      info('S1', 'replica CPU per 2026-07-28 hello_computer (write via PgBouncer, Redis limit)', 'µs', w.cpuUsPerCall['replica']),
      info('S1', 'replica CPU per 2026-07-28 tools/list (no database)', 'µs', runs.listBalanced.cpuUsPerCall['replica']),
      info('S1', 'replica ceiling, hello_computer, one core (1e6 / CPU per call)', 'calls/s', round(1e6 / w.cpuUsPerCall['replica']), 'derived'),
      info('S1', 'hello_computer calls/s measured through HAProxy (c=16, shared 2 cores)', 'calls/s', w.callsPerSec),
      info('S2', 'HAProxy CPU per request (committed haproxy.cfg)', 'µs', runs.listBalanced.cpuUsPerCall['haproxy']),
      info('S2', 'HAProxy added p50 latency, tools/list, one request at a time', 'ms', round(medianOf(serial.balanced) - medianOf(serial.direct))),
      info('S3', 'Redis round trips (script calls) per request', 'calls', runs.listBalanced.redisScriptCallsPerCall),
      info('S3', 'Redis commands per request, counting those inside the script', 'commands', runs.listBalanced.redisCommandsPerCall),
      info('S3', 'Redis server CPU per token-bucket script call', 'µs', shared.rateLimit.scriptUsecPerCall),
      info('S3', 'Redis bytes per active user bucket', 'B', shared.rateLimit.bytesPerBucket),
      info('S3', 'Redis server CPU per session-slot reserve script', 'µs', shared.sessionSlots.reserveUsecPerCall),
      info('S3', 'Redis server CPU per slot renewal (heartbeat)', 'µs', shared.sessionSlots.renewUsecPerSlot),
      info('S3', 'Redis bytes per session slot', 'B', shared.sessionSlots.bytesPerSlot),
      info('S3', 'redis-benchmark SET requests/s (50 clients, no pipelining)', 'ops/s', ceiling['SET'] ?? NaN),
      info('S4', 'PgBouncer transactions per hello_computer', 'transactions', w.transactionsPerCall),
      info('S4', 'mean scoped transaction time through PgBouncer', 'µs', w.meanTransactionUs),
      info('S4', 'PgBouncer CPU per transaction', 'µs', w.pgbouncerCpuUsPerTransaction),
    ];
    const loadAfter = loadavg();
    writeResult({
      name: 'scale-out',
      smoke: isSmoke,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      machine: machineInfo(),
      rows,
      data: { runs, serial, shared, redisBenchmark: ceiling, replicaRssKb, loadavgBefore: loadBefore.map(round), loadavgAfter: loadAfter.map(round) },
      notes: ['One replica behind the committed haproxy.cfg, PgBouncer with the committed pgbouncer.ini (trust), a private redis-server; the load generator shares the 2 cores.'],
    });
  } finally {
    for (const engine of [engines['haproxy'], engines['replica'], engines['pgbouncer']]) await engine?.stop();
    await redis.quit().catch(() => undefined);
    await redisServer.close();
    await db.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`scale-out bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
