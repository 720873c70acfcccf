// Profiles ours under the P2a load once (--cpu-prof in the server child) and keeps the top frames by
// self time, and self time by package, in results/p2a-profile.json (bench/README.md shows them).
//   TSX_TSCONFIG_PATH=tsconfig.base.json node --expose-gc --import tsx bench/profile-p2a.ts [--smoke]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './lib/child';
import { echoOk, makePool, MCP_HEADERS, runLoad, toolCall } from './lib/load';
import { isSmoke, machineInfo, writeResult } from './lib/results';
import { round } from './lib/stats';
import { userTokens } from './lib/tokens';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

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
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('no .cpuprofile written');
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: ProfileNode[] };
    const total = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
    const byFrame = new Map<string, number>();
    const byPackage = new Map<string, number>();
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0;
      if (!hits) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const short = url.replace(/^file:\/\//, '').replace(/^.*\/work\/main\//, '');
      const key = `${functionName || '(anonymous)'} ${short ? `${short}:${lineNumber + 1}` : ''}`.trim();
      byFrame.set(key, (byFrame.get(key) ?? 0) + hits);
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(short)?.[1] ?? (short.startsWith('libs/') ? short.split('/').slice(0, 2).join('/') : short.startsWith('node:') ? 'node core' : short ? 'other' : functionName || '(vm)');
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
    }
    const top = (m: Map<string, number>, n: number) =>
      [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([name, hits]) => ({ name, selfPct: round((hits / total) * 100) }));
    writeResult({
      name: 'p2a-profile',
      smoke: isSmoke,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      machine: machineInfo(),
      rows: [],
      data: { callsPerSec: load.callsPerSec, errors: load.errors, samples: total, topFrames: top(byFrame, 15), byPackage: top(byPackage, 12) },
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
