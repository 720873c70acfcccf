// P2c: protocol 2026-07-28, stateless tools/call (echo, no I/O), 1,000 distinct users, 64 concurrent:
// ours (wrapServer: JWT HS256 verified on every request, then the SDK's own createMcpHandler) vs a
// minimal SDK v2 server (createMcpHandler → toNodeHandler, no auth), in the same run. Ours runs with
// the peer's very server factory (only the serving path differs), with a lean low-level v2 Server
// (the tool list built once, as createServer does) and with the mcp-auth test factory.
//   TSX_TSCONFIG_PATH=tsconfig.base.json node --expose-gc --import tsx bench/p2-modern.ts [--smoke]
import { startServer, stopAll, type RunningServer } from './lib/child';
import { interleave, latencyRow, loadVariant, throughputRow, withCpu } from './lib/compare';
import { echoOk } from './lib/load';
import { isSmoke, machineInfo, writeResult, type ComparisonRow } from './lib/results';
import { round } from './lib/stats';
import { userTokens } from './lib/tokens';

const USERS = 1000;
const CONCURRENCY = 64;
const ROUNDS = { warmup: isSmoke ? 100 : 3_000, rounds: isSmoke ? 1 : 3, roundMs: isSmoke ? 1_000 : 6_000, roundMax: isSmoke ? 400 : 200_000 };
const TEXT = 'hello';
const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};
/** The headers a 2026-07-28 client sends with a tools/call (SEP-2243: they must agree with the body). */
const MODERN_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2026-07-28',
  'mcp-method': 'tools/call',
  'mcp-name': 'echo',
};
const modernCall = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: { text: TEXT }, _meta: ENVELOPE } });

async function main(): Promise<void> {
  const startedAt = new Date();
  const tokens = await userTokens(USERS);
  const servers: RunningServer[] = [];
  try {
    const specs = [
      ['ours-modern (same factory)', { kind: 'ours-modern', factory: 'same' }],
      ['ours-modern (lean factory)', { kind: 'ours-modern', factory: 'lean' }],
      ['ours-modern (test factory)', { kind: 'ours-modern', factory: 'test' }],
      ['sdk-v2 createMcpHandler', { kind: 'sdk-v2' }],
    ] as const;
    for (const [name, spec] of specs) servers.push(await startServer(name, spec));
    const variants = servers.map((server) =>
      withCpu(
        loadVariant(server, CONCURRENCY, {
          call: (i) => ({ method: 'POST', path: '/mcp', headers: { ...MODERN_HEADERS, authorization: `Bearer ${tokens[i % USERS]}` }, body: modernCall(i) }),
          check: echoOk(TEXT),
        }),
      ),
    );
    const results = await interleave(variants, ROUNDS);
    const [same, lean, test, sdk] = variants.map((v) => results[v.name]);
    const cpu = Object.fromEntries(variants.map((v) => [v.name, v.cpuPerCallUs()]));
    const [cpuSame, cpuLean, , cpuSdk] = variants.map((v) => cpu[v.name]);
    const peer = 'bare SDK v2 createMcpHandler';
    const cpuRow = (metric: string, ours: number): ComparisonRow => ({ id: 'P2c', metric, unit: 'µs', ours, peer, peerValue: cpuSdk, ratio: round(ours / cpuSdk), target: 'report', pass: true });
    const metric = '2026-07-28 stateless echo calls/s (JWT, 1k users, c=64)';
    const rows: ComparisonRow[] = [
      throughputRow('P2c', `${metric}, lean v2 factory`, lean, sdk, peer, '≥ 2×', 2),
      latencyRow('P2c', '2026-07-28 stateless echo p99 latency, lean v2 factory', 'p99', lean, sdk, peer),
      { ...throughputRow('P2c', `${metric}, the peer's own factory`, same, sdk, peer, 'report', 0), pass: true },
      latencyRow('P2c', "2026-07-28 stateless echo p99 latency, the peer's own factory", 'p99', same, sdk, peer),
      { ...throughputRow('P2c', `${metric}, mcp-auth test factory (6 tools)`, test, sdk, peer, 'report', 0), pass: true },
      latencyRow('P2c', '2026-07-28 stateless echo p50 latency, lean v2 factory', 'median', lean, sdk, peer),
      cpuRow('server CPU per 2026-07-28 call (warm-up included), lean v2 factory', cpuLean),
      cpuRow("server CPU per 2026-07-28 call (warm-up included), the peer's own factory", cpuSame),
    ];
    await stopAll(servers);
    writeResult({
      name: 'p2-modern',
      smoke: isSmoke,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      machine: machineInfo(),
      rows,
      data: { users: USERS, concurrency: CONCURRENCY, ...ROUNDS, tool: 'echo', results, cpuPerCallUs: cpu },
      notes: [
        'ours verifies an HS256 JWT on every request (1,000 distinct users, tokens round-robin); the peer gets the same Authorization header and ignores it',
        "both answer through the SDK's createMcpHandler (responseMode auto: one JSON body); ours hands it the body it already read and the verified identity as authInfo",
        "the peer's own factory: a v2 McpServer with the hello tool shape, built per request by both; lean: a low-level v2 Server over a tool list built once per process",
      ],
    });
  } finally {
    await stopAll(servers);
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
