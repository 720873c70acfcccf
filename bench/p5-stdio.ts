// P5: stdio launch latency of the packed desktop app (dist/apps/standalone-stdio/main.js) vs bare SDK
// stdio servers of both eras (bench/peers/sdk-stdio.ts on @modelcontextprotocol/sdk 1.x, and
// bench/peers/sdk-v2-stdio.ts on @modelcontextprotocol/server's serveStdio, each bundled with esbuild):
// spawn → initialize reply → first echo, and ours' first data calls (list_greetings and hello_computer,
// sent with the echo right after the handshake, as a client does) on an existing data dir and on an empty
// one (first launch). Launches interleaved. Falls back to tsx on the sources (all sides) when the packed
// app is not built.
//   TSX_TSCONFIG_PATH=tsconfig.base.json node --expose-gc --import tsx bench/p5-stdio.ts [--smoke]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { INITIALIZE, INITIALIZED, toolCall } from './lib/load';
import { isSmoke, machineInfo, writeResult } from './lib/results';
import { round, summarize } from './lib/stats';

const root = resolve(__dirname, '..');
/** `--launches=N` overrides the count (a loaded machine makes each launch slow). */
const LAUNCHES = Number(process.argv.find((a) => a.startsWith('--launches='))?.slice(11)) || (isSmoke ? 2 : 20);
const packed = join(root, 'dist/apps/standalone-stdio/main.js');

interface Launch {
  initializeMs: number;
  echoMs: number;
  /** The first data calls (ours only): sent together with the echo, right after the handshake. */
  listMs?: number;
  helloMs?: number;
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
          if (withList) {
            send(toolCall(2, 'list_greetings', { limit: 5 }));
            send(toolCall(3, 'hello_computer', { name: 'bench' }));
          }
        } else if (message.id === 1) {
          if (message.result?.content?.[0]?.text !== 'hi') rejectLaunch(new Error(`bad echo: ${line}`));
          times.echoMs = now;
        } else if (message.id === 2) {
          times.listMs = now;
        } else if (message.id === 3) {
          if (!message.result?.content?.[0]?.text?.startsWith('Hello, bench')) rejectLaunch(new Error(`bad hello_computer: ${line}`));
          times.helloMs = now;
        }
        if (times.echoMs !== undefined && (!withList || (times.listMs !== undefined && times.helloMs !== undefined))) child.stdin.end();
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      if (times.initializeMs === undefined || times.echoMs === undefined || (withList && (times.listMs === undefined || times.helloMs === undefined))) rejectLaunch(new Error(`exited early: ${stderr.slice(-500)}`));
      else resolveLaunch(times as Launch);
    });
    send(INITIALIZE(0));
  });
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = loadavg();
  const scratch = mkdtempSync(join(tmpdir(), 'mcpf-p5-'));
  try {
    const usePacked = existsSync(packed);
    const tsx = ['--import', 'tsx'];
    const tsxEnv = { TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json') };
    const peer = async (name: string): Promise<string[]> => {
      if (!usePacked) return [...tsx, join(__dirname, `peers/${name}.ts`)];
      const out = join(scratch, `${name}.mjs`);
      await build({ entryPoints: [join(__dirname, `peers/${name}.ts`)], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: out, minify: true, logLevel: 'error', banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" } });
      return [out];
    };
    const peerCmd = await peer('sdk-stdio');
    const peerV2Cmd = await peer('sdk-v2-stdio');
    const oursCmd = usePacked ? [packed] : [...tsx, join(root, 'apps/standalone-stdio/src/main.ts')];
    const existingDir = join(scratch, 'existing');
    const baseEnv = { ...tsxEnv, MCP_USER_ID: 'bench-user', LOG_LEVEL: 'error' };
    // Prepare the existing data dir (first launch creates and migrates it).
    await launch(process.execPath, oursCmd, { ...baseEnv, MCP_DATA_DIR: existingDir }, true);
    const bare: Launch[] = [];
    const bareV2: Launch[] = [];
    const existing: Launch[] = [];
    const fresh: Launch[] = [];
    await launch(process.execPath, peerCmd, baseEnv, false);
    await launch(process.execPath, peerV2Cmd, baseEnv, false);
    for (let i = 0; i < LAUNCHES; i++) {
      bare.push(await launch(process.execPath, peerCmd, baseEnv, false));
      bareV2.push(await launch(process.execPath, peerV2Cmd, baseEnv, false));
      existing.push(await launch(process.execPath, oursCmd, { ...baseEnv, MCP_DATA_DIR: existingDir }, true));
      const emptyDir = join(scratch, `empty-${i}`);
      fresh.push(await launch(process.execPath, oursCmd, { ...baseEnv, MCP_DATA_DIR: emptyDir }, true));
      rmSync(emptyDir, { recursive: true, force: true });
      process.stderr.write(
        `  launch ${i + 1}: bare init ${round(bare[i].initializeMs)} ms, v2 ${round(bareV2[i].initializeMs)} ms; ours init ${round(existing[i].initializeMs)} ms, list ${round(existing[i].listMs ?? NaN)} ms, hello ${round(existing[i].helloMs ?? NaN)} ms; first launch list ${round(fresh[i].listMs ?? NaN)} ms\n`,
      );
    }
    const values = (xs: Launch[], k: keyof Launch) => xs.map((x) => x[k] as number);
    const med = (xs: Launch[], k: keyof Launch) => round(summarize(values(xs, k)).median);
    const p90 = (xs: Launch[], k: keyof Launch) => {
      const sorted = values(xs, k).sort((a, b) => a - b);
      return round(sorted[Math.max(0, Math.ceil(0.9 * sorted.length) - 1)]);
    };
    const oInit = med(existing, 'initializeMs');
    const bInit = med(bare, 'initializeMs');
    const b2Init = med(bareV2, 'initializeMs');
    const oEcho = med(existing, 'echoMs');
    const bEcho = med(bare, 'echoMs');
    const list = med(existing, 'listMs');
    const hello = med(existing, 'helloMs');
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
        { id: 'P5', metric: `spawn → initialize reply, median (${how})`, unit: 'ms', ours: oInit, peer: 'bare SDK 1.x stdio', peerValue: bInit, ratio: round(oInit / bInit), target: '≤ 1.1×', pass: oInit / bInit <= 1.1 },
        { id: 'P5', metric: `spawn → initialize reply, median (${how})`, unit: 'ms', ours: oInit, peer: 'bare SDK v2 serveStdio', peerValue: b2Init, ratio: round(oInit / b2Init), target: '≤ 1.1×', pass: oInit / b2Init <= 1.1 },
        { id: 'P5', metric: 'spawn → first echo result, median', unit: 'ms', ours: oEcho, peer: 'bare SDK 1.x stdio', peerValue: bEcho, ratio: round(oEcho / bEcho), target: 'report', pass: true },
        { id: 'P5', metric: 'spawn → first list_greetings, median (existing data dir)', unit: 'ms', ours: list, peer: 'target', peerValue: 1200, ratio: round(list / 1200), target: '≤ 1.2 s', pass: list <= 1200 },
        { id: 'P5', metric: 'spawn → first list_greetings, p90 (existing data dir)', unit: 'ms', ours: p90(existing, 'listMs'), peer: 'median', peerValue: list, ratio: round(p90(existing, 'listMs') / list), target: 'report', pass: true },
        { id: 'P5', metric: 'spawn → first hello_computer, median (existing data dir)', unit: 'ms', ours: hello, peer: 'target', peerValue: 1200, ratio: round(hello / 1200), target: '≤ 1.2 s', pass: hello <= 1200 },
        { id: 'P5', metric: 'spawn → first hello_computer, p90 (existing data dir)', unit: 'ms', ours: p90(existing, 'helloMs'), peer: 'median', peerValue: hello, ratio: round(p90(existing, 'helloMs') / hello), target: 'report', pass: true },
        { id: 'P5', metric: 'spawn → first list_greetings (empty dir, first launch)', unit: 'ms', ours: first, peer: 'target', peerValue: 2500, ratio: round(first / 2500), target: '≤ 2.5 s', pass: first <= 2500 },
        { id: 'P5', metric: 'spawn → initialize reply on first launch', unit: 'ms', ours: firstInit, peer: 'bare SDK stdio', peerValue: bInit, ratio: round(firstInit / bInit), target: 'report', pass: true },
      ],
      data: { launches: LAUNCHES, mode: how, bare, bareV2, existing, firstLaunch: fresh, loadavgBefore: loadBefore.map(round), loadavgAfter: loadavg().map(round) },
      notes: [
        usePacked
          ? 'ours: node dist/apps/standalone-stdio/main.js; peers: bench/peers/sdk-stdio.ts (SDK 1.x) and bench/peers/sdk-v2-stdio.ts (SDK v2 serveStdio), bundled by esbuild (ESM, minified)'           : 'FALLBACK: dist/apps/standalone-stdio/main.js missing — every side runs through tsx from source',
        'the first data calls go right after the handshake, with the echo (no waiting for it); the existing data dir was created and migrated by a first launch',
      ],
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
