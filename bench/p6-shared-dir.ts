// P6: several copies of the desktop app on one data directory (issue 18). The first copy hosts the
// embedded database (opens PGlite, serves it on a socket); a later copy is a guest (connects to it).
// Measures spawn → first list_greetings as host and as guest, and the hand-over: host SIGKILLed →
// the guest logs that it noticed, and → its first answered call (it keeps calling); host exiting
// normally → first answered call. Rounds run one after another.
// Runs the packed app (dist/apps/standalone-stdio/main.js) when built, else the sources through tsx.
//   TSX_TSCONFIG_PATH=tsconfig.base.json node --import tsx bench/p6-shared-dir.ts [--smoke]
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { INITIALIZE, INITIALIZED, toolCall } from './lib/load';
import { isSmoke, machineInfo, writeResult } from './lib/results';
import { round, summarize } from './lib/stats';

const root = resolve(__dirname, '..');
const ROUNDS = isSmoke ? 2 : 10;
const packed = join(root, 'dist/apps/standalone-stdio/main.js');
const usePacked = existsSync(packed);
const command = usePacked ? [packed] : ['--import', 'tsx', join(root, 'apps/standalone-stdio/src/main.ts')];

interface Answer {
  id?: number;
  result?: { isError?: boolean; content?: Array<{ text?: string }> };
  error?: unknown;
}

/** One copy of the app, spoken to over stdio with raw JSON-RPC lines. */
class Copy {
  readonly startedAt = performance.now();
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting = new Map<number, (answer: Answer) => void>();
  private nextId = 1;
  private readonly logWaits = new Map<string, (at: number) => void>();
  private stderr = '';
  readonly exited: Promise<void>;

  constructor(dataDir: string) {
    this.child = spawn(process.execPath, command, {
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json'), MCP_USER_ID: 'bench-user', MCP_DATA_DIR: dataDir, LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolveExit) => this.child.once('exit', () => resolveExit()));
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk;
      for (const [text, seen] of this.logWaits) if (this.stderr.includes(text)) seen(performance.now());
    });
    let buffer = '';
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
        const answer = JSON.parse(buffer.slice(0, nl)) as Answer;
        buffer = buffer.slice(nl + 1);
        if (answer.id !== undefined) this.waiting.get(answer.id)?.(answer);
      }
    });
  }

  get pid(): number {
    return this.child.pid as number;
  }

  private request(line: (id: number) => string): Promise<Answer> {
    const id = this.nextId++;
    return new Promise((resolveAnswer, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer in 60 s: ${this.stderr.slice(-500)}`)), 60_000);
      this.waiting.set(id, (answer) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolveAnswer(answer);
      });
      this.child.stdin.write(`${line(id)}\n`);
    });
  }

  async initialize(): Promise<void> {
    await this.request((id) => INITIALIZE(id));
    this.child.stdin.write(`${INITIALIZED}\n`);
  }

  /** list_greetings; true when it answered without error. */
  async list(): Promise<boolean> {
    const answer = await this.request((id) => toolCall(id, 'list_greetings', { limit: 5 }));
    return !answer.error && !answer.result?.isError;
  }

  /** Calls list_greetings until one answers; resolves with when it did. */
  async untilAnswered(): Promise<number> {
    while (!(await this.list())) await new Promise((r) => setTimeout(r, 10));
    return performance.now();
  }

  /** Resolves with when a log line containing `text` arrives on stderr (the app logs JSON lines there). */
  logged(text: string): Promise<number> {
    return new Promise((resolveSeen) => this.logWaits.set(text, resolveSeen));
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  /** What an MCP client does when it quits: close stdin; the app exits. */
  async close(): Promise<void> {
    this.child.stdin.end();
    await this.exited;
  }
}

/** spawn → first list_greetings answered, ms. */
async function firstCall(copy: Copy): Promise<number> {
  await copy.initialize();
  const ok = await copy.list();
  if (!ok) throw new Error('first list_greetings failed');
  return performance.now() - copy.startedAt;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const scratch = mkdtempSync(join(tmpdir(), 'mcpf-p6-'));
  const dataDir = join(scratch, 'db');
  const host: number[] = [];
  const guest: number[] = [];
  const noticed: number[] = [];
  const afterKill: number[] = [];
  const afterExit: number[] = [];
  try {
    const creator = new Copy(dataDir); // first launch: creates and migrates the directory
    await firstCall(creator);
    await creator.close();
    for (let i = 0; i < ROUNDS; i++) {
      const first = new Copy(dataDir);
      host.push(await firstCall(first));
      const second = new Copy(dataDir);
      guest.push(await firstCall(second));

      // Crash: the guest keeps calling from the moment the host dies.
      const notice = second.logged('the process serving the embedded database is gone');
      first.kill();
      const killedAt = performance.now();
      await first.exited;
      afterKill.push((await second.untilAnswered()) - killedAt);
      noticed.push((await notice) - killedAt);

      // Normal exit of the (new) host: a third copy, its guest, takes over.
      const third = new Copy(dataDir);
      await firstCall(third);
      const closing = second.close();
      const closedAt = performance.now();
      afterExit.push((await third.untilAnswered()) - closedAt);
      await closing;
      await third.close();
      process.stderr.write(
        `  round ${i + 1}: first call as host ${round(host[i])} ms, as guest ${round(guest[i])} ms; after SIGKILL noticed in ${round(noticed[i])} ms, served in ${round(afterKill[i])} ms; after exit served in ${round(afterExit[i])} ms\n`,
      );
    }
    const med = (xs: number[]) => round(summarize(xs).median);
    const [asHost, asGuest, notice, kill, exit] = [med(host), med(guest), med(noticed), med(afterKill), med(afterExit)];
    const how = usePacked ? 'packed app' : 'tsx fallback (packed app not built)';
    // A hand-over opens PGlite as a host's start does: held to that, not to a fixed time a busy machine would miss.
    const vsHost = (ours: number, metric: string) => ({ id: 'P6', metric, unit: 'ms', ours, peer: 'first call as host (opens PGlite)', peerValue: asHost, ratio: round(ours / asHost), target: '≤ 1.5×', pass: ours / asHost <= 1.5 });
    writeResult({
      name: 'p6-shared-dir',
      smoke: isSmoke,
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      machine: machineInfo(),
      rows: [
        { id: 'P6', metric: `spawn → first list_greetings as a guest (host running), median (${how})`, unit: 'ms', ours: asGuest, peer: 'as the host (opens PGlite)', peerValue: asHost, ratio: round(asGuest / asHost), target: '< 1×', pass: asGuest < asHost },
        { id: 'P6', metric: 'host SIGKILLed → a guest notices (logs it), median', unit: 'ms', ours: notice, peer: 'target', peerValue: 1000, ratio: round(notice / 1000), target: '≤ 1 s', pass: notice <= 1000 },
        vsHost(kill, 'host SIGKILLed → first answered call on a guest (hand-over), median'),
        vsHost(exit, 'host exits (stdin closed) → first answered call on a guest, median'),
      ],
      data: { rounds: ROUNDS, mode: how, firstCallAsHost: host, firstCallAsGuest: guest, noticedAfterKill: noticed, handOverAfterKill: afterKill, handOverAfterExit: afterExit },
      notes: ['One data directory; copies spawned one after another; the guest calls list_greetings every 10 ms until one answers (errors say to retry).'],
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
