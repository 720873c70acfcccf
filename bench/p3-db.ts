// P3: list_greetings on PostgreSQL end to end over HTTP (stateless, JWT): the real tool (tenant-scoped
// client + RLS transaction) vs the same query raw (unscoped client, explicit tenant filter, bench-only
// tool list_greetings_raw) — the same child server, the same HTTP stack, alternating rounds.
//   TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test TSX_TSCONFIG_PATH=tsconfig.base.json node --expose-gc --import tsx bench/p3-db.ts [--smoke]
import { createScratchDatabase } from '@mcp-factory/data-access/testing';
import { startServer, type RunningServer } from './lib/child';
import { makePool, MCP_HEADERS, mergeLoads, parseRpc, runLoad, toolCall, type LoadResult } from './lib/load';
import { isSmoke, machineInfo, writeResult } from './lib/results';
import { round } from './lib/stats';
import { userTokens } from './lib/tokens';

const USERS = isSmoke ? 20 : 200;
const PER_USER = 50;
const CONCURRENCY = 8;
const ROUNDS = isSmoke ? 2 : 6;
const ROUND_MS = isSmoke ? 800 : 5_000;
const ROUND_MAX = isSmoke ? 200 : 100_000;

async function main(): Promise<void> {
  const startedAt = new Date();
  if (!process.env['TEST_DATABASE_URL']) process.env['TEST_DATABASE_URL'] = 'postgresql://postgres@127.0.0.1:5432/test';
  const scratch = await createScratchDatabase();
  let server: RunningServer | undefined;
  try {
    server = await startServer('ours-db', { kind: 'ours', stateless: true, enableJsonResponse: true, databaseUrl: scratch.url, poolSize: 10, rawTool: true, seedUsers: USERS, seedPerUser: PER_USER });
    const tokens = await userTokens(USERS);
    const pool = makePool(server.url, CONCURRENCY);
    const ok = (status: number, body: string) => {
      const rpc = parseRpc(body);
      const text = rpc?.result?.content?.[0]?.text ?? '';
      return status === 200 && !rpc?.result?.isError && text.includes('seed ') && !text.includes('other-');
    };
    const run = (tool: string, maxRequests: number, maxMs: number) =>
      runLoad(pool, {
        concurrency: CONCURRENCY,
        maxRequests,
        maxMs,
        call: (i) => ({ method: 'POST', path: '/mcp', headers: { ...MCP_HEADERS, authorization: `Bearer ${tokens[i % USERS]}` }, body: toolCall(i, tool, { limit: 20 }) }),
        check: ok,
      });
    const variants = ['list_greetings', 'list_greetings_raw'];
    for (const tool of variants) await run(tool, isSmoke ? 50 : 1000, 20_000);
    const results: Record<string, LoadResult[]> = { list_greetings: [], list_greetings_raw: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const tool of r % 2 ? [...variants].reverse() : variants) {
        const result = await run(tool, ROUND_MAX, ROUND_MS);
        results[tool].push(result);
        process.stderr.write(`  ${tool.padEnd(20)} round ${r + 1}: ${result.callsPerSec} calls/s p50 ${result.latencyMs.median} ms p99 ${result.latencyMs.p99} ms errors ${result.errors}\n`);
      }
    }
    await pool.close();
    const scoped = mergeLoads(results.list_greetings);
    const raw = mergeLoads(results.list_greetings_raw);
    for (const m of [scoped, raw]) if (m.errors) throw new Error(`${m.errors} wrong answers, first: ${m.firstError}`);
    const ratio = scoped.latencyMs.median / raw.latencyMs.median;
    writeResult({
      name: 'p3-db',
      smoke: isSmoke,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      machine: machineInfo(),
      rows: [
        { id: 'P3', metric: 'list_greetings p50, PostgreSQL, over HTTP', unit: 'ms', ours: scoped.latencyMs.median, peer: 'same query raw', peerValue: raw.latencyMs.median, ratio: round(ratio), target: '≤ 1.3×', pass: ratio <= 1.3 },
        { id: 'P3', metric: 'list_greetings p99, PostgreSQL, over HTTP', unit: 'ms', ours: scoped.latencyMs.p99, peer: 'same query raw', peerValue: raw.latencyMs.p99, ratio: round(scoped.latencyMs.p99 / raw.latencyMs.p99), target: 'report', pass: true },
      ],
      data: { users: USERS, rowsPerTenant: PER_USER, tenants: USERS * 2, concurrency: CONCURRENCY, limit: 20, scoped, raw },
      notes: ['one child server (wrapServer stateless + JWT + createServer, pool 10) serves both tools; only the data path differs', 'scratch database created and dropped by createScratchDatabase'],
    });
  } finally {
    await server?.stop().catch(() => undefined);
    await scratch.drop();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
