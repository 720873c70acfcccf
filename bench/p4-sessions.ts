// P4: 10,000 stateful Streamable HTTP sessions and 10,000 legacy SSE sessions in one server process
// (a child; RSS and heap read over IPC after two GCs): memory per session; then half the Streamable
// sessions closed by DELETE and half the SSE streams closed by the client (SSE has no DELETE), and idle
// eviction closes the rest; heap must come back near the baseline.
//   TSX_TSCONFIG_PATH=tsconfig.base.json node --expose-gc --import tsx bench/p4-sessions.ts [--smoke]
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, type MemorySample, type RunningServer } from './lib/child';
import { makePool, mapLimit, MCP_HEADERS, openSession, openSse, type SseSession } from './lib/load';
import { isSmoke, machineInfo, writeResult } from './lib/results';
import { round } from './lib/stats';
import { userTokens } from './lib/tokens';

const SESSIONS = isSmoke ? 200 : 10_000;
const USERS = isSmoke ? 50 : 1000;
const IDLE_MS = isSmoke ? 8_000 : 60_000;
const KB = 1024;
const WARM = isSmoke ? 50 : 2_000;

async function main(): Promise<void> {
  const startedAt = new Date();
  const tokens = await userTokens(USERS);
  const auth = (i: number) => ({ authorization: `Bearer ${tokens[i % USERS]}` });
  let server: RunningServer | undefined;
  const sse: SseSession[] = [];
  try {
    server = await startServer('ours-sessions', {
      kind: 'ours',
      stateless: false,
      enableJsonResponse: true,
      maxSessions: 3 * SESSIONS,
      maxSessionsPerUser: Math.ceil((3 * SESSIONS) / USERS),
      sessionIdleTimeoutMs: IDLE_MS,
      sessionSweepIntervalMs: 1_000,
    });
    const url = server.url;
    const pool = makePool(url, 32);
    // Warm the code paths (WARM sessions of each kind opened and closed) so the baseline is the warm
    // process: JIT-compiled code counts in heapUsed and would otherwise read as a leak.
    const warmIds = Array.from({ length: WARM }, (_, i) => i);
    const warm = await mapLimit(warmIds, 32, (_, i) => openSession(pool, auth(i)));
    await mapLimit(warm, 32, async (id, i) => (await pool.request({ method: 'DELETE', path: '/mcp', headers: { ...MCP_HEADERS, ...auth(i), 'mcp-session-id': id } })).body.text());
    const warmSse = await mapLimit(warmIds, 32, (_, i) => openSse(url, auth(i)));
    for (const s of warmSse) s.close();
    await sleep(1_000);
    const baseline = await server.memory();
    const t0 = performance.now();
    const ids = await mapLimit(Array.from({ length: SESSIONS }), 32, (_, i) => openSession(pool, auth(i)));
    const streamableMs = performance.now() - t0;
    const afterStreamable = await server.memory();
    const t1 = performance.now();
    sse.push(...(await mapLimit(Array.from({ length: SESSIONS }), 32, (_, i) => openSse(url, auth(i)))));
    const sseMs = performance.now() - t1;
    const afterSse = await server.memory();
    if (afterSse.sessions !== 2 * SESSIONS) throw new Error(`expected ${2 * SESSIONS} sessions, server has ${afterSse.sessions}`);
    process.stderr.write(`  opened ${SESSIONS} streamable in ${round(streamableMs)} ms, ${SESSIONS} SSE in ${round(sseMs)} ms\n`);

    // Close half by DELETE (Streamable) / client disconnect (SSE); idle eviction takes the rest.
    const half = Math.floor(SESSIONS / 2);
    const deleted = await mapLimit(ids.slice(0, half), 32, async (id, i) => {
      const res = await pool.request({ method: 'DELETE', path: '/mcp', headers: { ...MCP_HEADERS, ...auth(i), 'mcp-session-id': id } });
      await res.body.text();
      return res.statusCode;
    });
    const badDeletes = deleted.filter((s) => s !== 200).length;
    for (const s of sse.slice(0, half)) s.close();
    await sleep(1_000);
    const afterHalf = await server.memory();
    const waitStart = performance.now();
    let last: MemorySample = afterHalf;
    while (performance.now() - waitStart < IDLE_MS + 30_000) {
      await sleep(2_000);
      last = await server.memory();
      if (last.sessions === 0) break;
    }
    const evictionMs = performance.now() - waitStart;
    await sleep(1_000);
    const end = await server.memory();
    await pool.close();
    const rssPerStreamable = (afterStreamable.rss - baseline.rss) / SESSIONS / KB;
    const heapPerStreamable = (afterStreamable.heapUsed - baseline.heapUsed) / SESSIONS / KB;
    const rssPerSse = (afterSse.rss - afterStreamable.rss) / SESSIONS / KB;
    const heapPerSse = (afterSse.heapUsed - afterStreamable.heapUsed) / SESSIONS / KB;
    const heapBack = end.heapUsed / baseline.heapUsed - 1;
    writeResult({
      name: 'p4-sessions',
      smoke: isSmoke,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      machine: machineInfo(),
      rows: [
        { id: 'P4', metric: `RSS per Streamable HTTP session (${SESSIONS})`, unit: 'KB', ours: round(rssPerStreamable), peer: 'target', peerValue: 40, ratio: round(rssPerStreamable / 40), target: '≤ 40 KB', pass: rssPerStreamable <= 40 },
        { id: 'P4', metric: `RSS per legacy SSE session (${SESSIONS})`, unit: 'KB', ours: round(rssPerSse), peer: 'target', peerValue: 40, ratio: round(rssPerSse / 40), target: '≤ 40 KB', pass: rssPerSse <= 40 },
        { id: 'P4', metric: 'heap per Streamable HTTP session', unit: 'KB', ours: round(heapPerStreamable), peer: 'target', peerValue: 40, ratio: round(heapPerStreamable / 40), target: 'report', pass: true },
        { id: 'P4', metric: 'heap per legacy SSE session', unit: 'KB', ours: round(heapPerSse), peer: 'target', peerValue: 40, ratio: round(heapPerSse / 40), target: 'report', pass: true },
        { id: 'P4', metric: 'heap after all closed vs baseline', unit: '%', ours: round(heapBack * 100), peer: 'baseline', peerValue: round(baseline.heapUsed / KB / KB), ratio: round(end.heapUsed / baseline.heapUsed), target: 'within 5 %, all sessions closed', pass: Math.abs(heapBack) <= 0.05 && end.sessions === 0 && badDeletes === 0 },
      ],
      data: { sessions: SESSIONS, users: USERS, idleTimeoutMs: IDLE_MS, streamableOpenMs: round(streamableMs), sseOpenMs: round(sseMs), evictionWaitMs: round(evictionMs), badDeletes, memory: { baseline, afterStreamable, afterSse, afterHalf, end } },
      notes: ['memory read in the server child after two forced GCs', 'SSE has no DELETE: half the SSE sessions are closed by the client dropping its stream', 'peerValue of the heap row is the baseline heap in MiB', `baseline taken after ${WARM} sessions of each kind were opened and closed (warm JIT)`],
    });
  } finally {
    for (const s of sse) s.close();
    await server?.stop().catch(() => undefined);
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
