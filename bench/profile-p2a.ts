// Profiles ours under the P2a load once (--cpu-prof in the server child) and keeps the top frames by
// self time, and self time by package, in results/p2a-profile.json (bench/README.md shows them).
//   TSX_TSCONFIG_PATH=tsconfig.base.json node --expose-gc --import tsx bench/profile-p2a.ts [--smoke]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './lib/child';
import { echoOk, makePool, MCP_HEADERS, runLoad, toolCall } from './lib/load';
import { summarizeProfile } from './lib/profile';
import { isSmoke, machineInfo, writeResult } from './lib/results';
import { userTokens } from './lib/tokens';

async function main(): Promise<void> {
  const startedAt = new Date();
  const dir = mkdtempSync(join(tmpdir(), 'mcpf-prof-'));
  try {
    const server = await startServer('ours-stateless-profiled', { kind: 'ours', stateless: true, enableJsonResponse: true }, { execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
    const tokens = await userTokens(1000);
    const pool = makePool(server.url, 64);
    const load = await runLoad(pool, {
      concurrency: 64,
      maxRequests: isSmoke ? 300 : 1_000_000,
      maxMs: isSmoke ? 1_500 : 10_000,
      call: (i) => ({ method: 'POST', path: '/mcp', headers: { ...MCP_HEADERS, authorization: `Bearer ${tokens[i % 1000]}` }, body: toolCall(i, 'echo', { text: 'hello' }) }),
      check: echoOk('hello'),
    });
    await pool.close();
    await server.stop();
    const summary = summarizeProfile(dir);
    writeResult({
      name: 'p2a-profile',
      smoke: isSmoke,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      machine: machineInfo(),
      rows: [],
      data: { callsPerSec: load.callsPerSec, errors: load.errors, ...summary },
      notes: ['node --cpu-prof on the ours-stateless server child under the P2a load (JWT, 1k users, c=64, echo)'],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
