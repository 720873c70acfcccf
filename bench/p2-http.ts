// P2a: Streamable HTTP stateless, echo (no I/O), 1,000 distinct users, 64 concurrent: ours (JWT HS256
// verified on every request) vs the bare SDK stateless example and fastmcp stateless (no auth), and a
// raw node:http ceiling answering the same JSON bytes. P2b: the same over stateful sessions (one per
// user) and over legacy SSE, vs the bare SDK. Every server in its own child process; rounds interleaved.
//   TSX_TSCONFIG_PATH=tsconfig.base.json node --expose-gc --import tsx bench/p2-http.ts [--smoke] [--only=p2a|p2b]
import { startServer, stopAll, type RunningServer } from './lib/child';
import { interleave as interleaveRounds, latencyRow, loadVariant, throughputRow, type Variant } from './lib/compare';
import { echoOk, makePool, mapLimit, MCP_HEADERS, openSession, openSse, runLoad, runSseLoad, toolCall, type SseSession } from './lib/load';
import { isSmoke, machineInfo, writeResult, type ComparisonRow } from './lib/results';
import { round } from './lib/stats';
import { userTokens } from './lib/tokens';

const USERS = 1000;
const CONCURRENCY = 64;
const ROUNDS = isSmoke ? 1 : 3;
const ROUND_MS = isSmoke ? 1_000 : 6_000;
const ROUND_MAX = isSmoke ? 400 : 200_000;
const WARMUP = isSmoke ? 100 : 3_000;
const TEXT = 'hello';
/** Same setting for ours and the bare SDK (and fastmcp): JSON responses, not a one-event SSE stream. */
const JSON_RESPONSE = true;
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);

const interleave = (variants: Variant[]) => interleaveRounds(variants, { warmup: WARMUP, rounds: ROUNDS, roundMs: ROUND_MS, roundMax: ROUND_MAX });

async function main(): Promise<void> {
  const startedAt = new Date();
  const tokens = await userTokens(USERS);
  const auth = (i: number) => ({ authorization: `Bearer ${tokens[i % USERS]}` });
  const servers: RunningServer[] = [];
  const start = async (name: string, spec: Parameters<typeof startServer>[1]) => {
    const s = await startServer(name, spec);
    servers.push(s);
    return s;
  };
  const rows: ComparisonRow[] = [];
  const data: Record<string, unknown> = { users: USERS, concurrency: CONCURRENCY, rounds: ROUNDS, roundMs: ROUND_MS, enableJsonResponse: JSON_RESPONSE, tool: 'echo' };
  try {
    // ---- P2a: stateless
    if (!only || only === 'p2a') {
      const ours = await start('ours-stateless', { kind: 'ours', stateless: true, enableJsonResponse: JSON_RESPONSE });
      const sdk = await start('sdk-stateless', { kind: 'sdk', stateless: true, enableJsonResponse: JSON_RESPONSE });
      const fast = await start('fastmcp-stateless', { kind: 'fastmcp', stateless: true, enableJsonResponse: JSON_RESPONSE });
      // The ceiling answers with exactly the bytes ours sends for this call.
      const probe = makePool(ours.url, 1);
      const sample = await probe.request({ method: 'POST', path: '/mcp', headers: { ...MCP_HEADERS, ...auth(0) }, body: toolCall(1, 'echo', { text: TEXT }) });
      const sampleBody = await sample.body.text();
      await probe.close();
      if (!echoOk(TEXT)(sample.statusCode, sampleBody)) throw new Error(`ours answered ${sample.statusCode} ${sampleBody}`);
      const raw = await start('raw-node-http', { kind: 'raw', body: sampleBody });
      const variants: Variant[] = [ours, sdk, fast, raw].map((server) =>
        loadVariant(server, CONCURRENCY, {
          call: (i) => ({ method: 'POST', path: '/mcp', headers: { ...MCP_HEADERS, ...auth(i) }, body: toolCall(i, 'echo', { text: TEXT }) }),
          check: echoOk(TEXT),
        }),
      );
      const results = await interleave(variants);
      data['p2a'] = results;
      const [o, s, f, r] = variants.map((v) => results[v.name]);
      rows.push(
        throughputRow('P2a', 'stateless echo calls/s (JWT, 1k users, c=64)', o, s, 'bare SDK stateless', '≥ 2×', 2),
        throughputRow('P2a', 'stateless echo calls/s (JWT, 1k users, c=64)', o, f, 'fastmcp stateless', '≥ 2×', 2),
        latencyRow('P2a', 'stateless echo p99 latency', 'p99', o, s, 'bare SDK stateless'),
        latencyRow('P2a', 'stateless echo p99 latency', 'p99', o, f, 'fastmcp stateless'),
        latencyRow('P2a', 'stateless echo p50 latency', 'median', o, s, 'bare SDK stateless'),
        latencyRow('P2a', 'stateless echo p50 latency', 'median', o, f, 'fastmcp stateless'),
        { id: 'P2a', metric: 'share of raw node:http ceiling (calls/s)', unit: 'calls/s', ours: o.callsPerSec, peer: 'raw node:http', peerValue: r.callsPerSec, ratio: round(o.callsPerSec / r.callsPerSec), target: 'report', pass: true },
      );
      await stopAll([ours, sdk, fast, raw]);
    }
    // ---- P2b: stateful Streamable HTTP (one session per user) and legacy SSE
    if (!only || only === 'p2b') {
      const ours = await start('ours-stateful', { kind: 'ours', stateless: false, enableJsonResponse: JSON_RESPONSE });
      const sdk = await start('sdk-stateful', { kind: 'sdk', stateless: false, enableJsonResponse: JSON_RESPONSE });
      const variants: Variant[] = [];
      for (const server of [ours, sdk]) {
        const pool = makePool(server.url, CONCURRENCY);
        const sessionIds = await mapLimit(tokens, 32, (_, i) => openSession(pool, auth(i)));
        variants.push({
          name: `${server.name} streamable`,
          server,
          run: (maxRequests, maxMs) =>
            runLoad(pool, {
              concurrency: CONCURRENCY,
              maxRequests,
              maxMs,
              call: (i) => ({ method: 'POST', path: '/mcp', headers: { ...MCP_HEADERS, ...auth(i), 'mcp-session-id': sessionIds[i % USERS] }, body: toolCall(i, 'echo', { text: TEXT }) }),
              check: echoOk(TEXT),
            }),
        });
      }
      const sseSessions: SseSession[] = [];
      for (const server of [ours, sdk]) {
        const pool = makePool(server.url, CONCURRENCY);
        const sessions = await mapLimit(tokens, 32, (_, i) => openSse(server.url, auth(i)));
        sseSessions.push(...sessions);
        // The SSE handshake (initialize + initialized) per session, as a client does before calling tools.
        await mapLimit(sessions, 32, async (session, i) => {
          const answer = session.waitFor(0);
          const res = await pool.request({ method: 'POST', path: session.endpoint, headers: { 'content-type': 'application/json', ...auth(i) }, body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } }) });
          await res.body.text();
          await answer;
          const ack = await pool.request({ method: 'POST', path: session.endpoint, headers: { 'content-type': 'application/json', ...auth(i) }, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
          await ack.body.text();
        });
        variants.push({
          name: `${server.name} sse`,
          server,
          run: (maxRequests, maxMs) => runSseLoad(pool, sessions, { concurrency: CONCURRENCY, maxRequests, maxMs, headersFor: auth, text: TEXT }),
        });
      }
      const results = await interleave(variants);
      data['p2b'] = results;
      const [os, ss, oe, se] = variants.map((v) => results[v.name]);
      rows.push(
        throughputRow('P2b', 'stateful echo calls/s (1 session/user, c=64)', os, ss, 'bare SDK stateful', '≥ 1.5×', 1.5),
        latencyRow('P2b', 'stateful echo p99 latency', 'p99', os, ss, 'bare SDK stateful'),
        throughputRow('P2b', 'legacy SSE echo calls/s (1 session/user, c=64)', oe, se, 'bare SDK SSE', '≥ 1.5×', 1.5),
        latencyRow('P2b', 'legacy SSE echo p99 latency', 'p99', oe, se, 'bare SDK SSE'),
      );
      for (const s of sseSessions) s.close();
      await stopAll([ours, sdk]);
    }
  } finally {
    await stopAll(servers);
  }
  writeResult({
    name: only ? `p2-http-${only}` : 'p2-http',
    smoke: isSmoke,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    machine: machineInfo(),
    rows,
    data,
    notes: [
      `enableJsonResponse: ${JSON_RESPONSE} for ours, the bare SDK and fastmcp alike`,
      'ours verifies an HS256 JWT on every request (1,000 distinct users, tokens round-robin); peers get the same Authorization header and ignore it',
      'raw node:http ceiling: reads the body and answers the exact bytes ours sends for the echo call',
    ],
  });
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
