// P5: stdio launch latency of the packed desktop app (dist/apps/standalone-stdio/main.js) vs a bare
// SDK stdio server (bench/peers/sdk-stdio.ts bundled with esbuild): spawn → initialize reply → first
// echo → first list_greetings, on an existing data dir and on an empty one (first launch). Launches
// interleaved. Falls back to tsx on the sources (both sides) when the packed app is not built.
//   TSX_TSCONFIG_PATH=tsconfig.base.json node --expose-gc --import tsx bench/p5-stdio.ts [--smoke]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { INITIALIZE, INITIALIZED, toolCall } from './lib/load';
import { isSmoke, machineInfo, writeResult } from './lib/results';
import { round, summarize } from './lib/stats';

const root = resolve(__dirname, '..');
const LAUNCHES = isSmoke ? 2 : 20;
const packed = join(root, 'dist/apps/standalone-stdio/main.js');

interface Launch {
  initializeMs: number;
  echoMs: number;
  listMs?: number;
}

function launch(command: string, args: string[], env: Record<string, string>, withList: boolean): Promise<Launch> {
  return new Promise((resolveLaunch, rejectLaunch) => {
    const t0 = performance.now();
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const times: Partial<Launch> = {};
    let buffer = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rejectLaunch(new Error(`launch timed out: ${stderr.slice(-500)}`));
    }, 60_000);
    const send = (line: string) => child.stdin.write(`${line}\n`);
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const message = JSON.parse(line) as { id?: number; result?: { isError?: boolean; content?: Array<{ text?: string }> }; error?: unknown };
        const now = performance.now() - t0;
        if (message.error || message.result?.isError) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          rejectLaunch(new Error(`error answer: ${line}`));
          return;
        }
        if (message.id === 0) {
          times.initializeMs = now;
          send(INITIALIZED);
          send(toolCall(1, 'echo', { text: 'hi' }));
        } else if (message.id === 1) {
          if (message.result?.content?.[0]?.text !== 'hi') rejectLaunch(new Error(`bad echo: ${line}`));
          times.echoMs = now;
          if (withList) send(toolCall(2, 'list_greetings', { limit: 5 }));
          else child.stdin.end();
        } else if (message.id === 2) {
          times.listMs = now;
          child.stdin.end();
        }
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      if (times.initializeMs === undefined || times.echoMs === undefined || (withList && times.listMs === undefined)) rejectLaunch(new Error(`exited early: ${stderr.slice(-500)}`));
      else resolveLaunch(times as Launch);
    });
    send(INITIALIZE(0));
  });
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const scratch = mkdtempSync(join(tmpdir(), 'mcpf-p5-'));
  try {
    const usePacked = existsSync(packed);
    const tsx = ['--import', 'tsx'];
    const tsxEnv = { TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json') };
    let peerCmd: string[];
    if (usePacked) {
      const out = join(scratch, 'sdk-stdio.mjs');
      await build({ entryPoints: [join(__dirname, 'peers/sdk-stdio.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: out, minify: true, logLevel: 'error', banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" } });
      peerCmd = [out];
    } else {
      peerCmd = [...tsx, join(__dirname, 'peers/sdk-stdio.ts')];
    }
    const oursCmd = usePacked ? [packed] : [...tsx, join(root, 'apps/standalone-stdio/src/main.ts')];
    const existingDir = join(scratch, 'existing');
    const baseEnv = { ...tsxEnv, MCP_USER_ID: 'bench-user', LOG_LEVEL: 'error' };
    // Prepare the existing data dir (first launch creates and migrates it).
    await launch(process.execPath, oursCmd, { ...baseEnv, MCP_DATA_DIR: existingDir }, true);
    const bare: Launch[] = [];
    const existing: Launch[] = [];
    const fresh: Launch[] = [];
    await launch(process.execPath, peerCmd, baseEnv, false);
    for (let i = 0; i < LAUNCHES; i++) {
      bare.push(await launch(process.execPath, peerCmd, baseEnv, false));
      existing.push(await launch(process.execPath, oursCmd, { ...baseEnv, MCP_DATA_DIR: existingDir }, true));
      const emptyDir = join(scratch, `empty-${i}`);
      fresh.push(await launch(process.execPath, oursCmd, { ...baseEnv, MCP_DATA_DIR: emptyDir }, true));
      rmSync(emptyDir, { recursive: true, force: true });
      process.stderr.write(`  launch ${i + 1}: bare init ${round(bare[i].initializeMs)} ms; ours init ${round(existing[i].initializeMs)} ms, list ${round(existing[i].listMs ?? NaN)} ms; first launch list ${round(fresh[i].listMs ?? NaN)} ms\n`);
    }
    const med = (xs: Launch[], k: keyof Launch) => round(summarize(xs.map((x) => x[k] as number)).median);
    const oInit = med(existing, 'initializeMs');
    const bInit = med(bare, 'initializeMs');
    const oEcho = med(existing, 'echoMs');
    const bEcho = med(bare, 'echoMs');
    const list = med(existing, 'listMs');
    const first = med(fresh, 'listMs');
    const firstInit = med(fresh, 'initializeMs');
    const how = usePacked ? 'packed app' : 'tsx fallback (packed app not built)';
    writeResult({
      name: 'p5-stdio',
      smoke: isSmoke,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      machine: machineInfo(),
      rows: [
        { id: 'P5', metric: `spawn → initialize reply, median (${how})`, unit: 'ms', ours: oInit, peer: 'bare SDK stdio', peerValue: bInit, ratio: round(oInit / bInit), target: '≤ 1.1×', pass: oInit / bInit <= 1.1 },
        { id: 'P5', metric: 'spawn → first echo result, median', unit: 'ms', ours: oEcho, peer: 'bare SDK stdio', peerValue: bEcho, ratio: round(oEcho / bEcho), target: 'report', pass: true },
        { id: 'P5', metric: 'spawn → first list_greetings (existing data dir)', unit: 'ms', ours: list, peer: 'target', peerValue: 1200, ratio: round(list / 1200), target: '≤ 1.2 s', pass: list <= 1200 },
        { id: 'P5', metric: 'spawn → first list_greetings (empty dir, first launch)', unit: 'ms', ours: first, peer: 'target', peerValue: 2500, ratio: round(first / 2500), target: '≤ 2.5 s', pass: first <= 2500 },
        { id: 'P5', metric: 'spawn → initialize reply on first launch', unit: 'ms', ours: firstInit, peer: 'bare SDK stdio', peerValue: bInit, ratio: round(firstInit / bInit), target: 'report', pass: true },
      ],
      data: { launches: LAUNCHES, mode: how, bare, existing, firstLaunch: fresh },
      notes: [usePacked ? 'ours: node dist/apps/standalone-stdio/main.js; peer: bench/peers/sdk-stdio.ts bundled by esbuild (ESM, minified)' : 'FALLBACK: dist/apps/standalone-stdio/main.js missing — both sides run through tsx from source'],
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
