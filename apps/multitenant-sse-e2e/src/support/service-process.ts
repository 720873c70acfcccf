// Starts the real multitenant-sse service as a child process and watches it from the outside:
// the bound URL from its `Listening` log line, its stderr, its pid (for RSS) and its exit code.
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

export const workspaceRoot = resolve(__dirname, '../../../..');
const mainPath = join(workspaceRoot, 'apps/multitenant-sse/src/main.ts');

/** A JWT secret for the service under test (≥ 32 chars); tokens are minted with the same one. */
export const E2E_JWT_SECRET = 'multitenant-sse-e2e-secret-0123456789abcdef';
export const E2E_ISSUER = 'https://issuer.e2e.test';
export const E2E_AUDIENCE = 'mcp-factory-e2e';

/** How the process ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running service. */
export interface ServiceProcess {
  /** The service's own node process (not a wrapper): RSS is read from /proc/<pid>. */
  readonly pid: number;
  /** `http://127.0.0.1:<port>`, from the `Listening` line. */
  readonly baseUrl: string;
  /** stderr so far (the first and last 256 KB when it is long). */
  stderr(): string;
  /** stdout so far, kept the same way (the development-token notice is written there). */
  stdout(): string;
  /** Resolves when the process exits. */
  readonly exited: Promise<ExitInfo>;
  /** Resolves once stderr holds a JSON log line with this `message` (polls every 20 ms, at most `timeoutMs`). */
  waitForLog(message: string, timeoutMs?: number): Promise<void>;
  /** Sends a signal (default SIGTERM) and waits for the exit; SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitInfo>;
}

/** The environment every run gets: NODE_ENV=test, JSON logs, a known secret, issuer and audience. */
export function serviceEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    NODE_ENV: 'test',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: '0',
    JWT_SECRET: E2E_JWT_SECRET,
    JWT_ISSUER: E2E_ISSUER,
    JWT_AUDIENCE: E2E_AUDIENCE,
    // tsx as a loader inside one node process (the `tsx` CLI would add a wrapper process in front).
    TSX_TSCONFIG_PATH: join(workspaceRoot, 'tsconfig.base.json'),
    ...extra,
  };
}

/** The built bundle (`nx build multitenant-sse`): what the Docker image runs. */
export const bundleDir = join(workspaceRoot, 'dist/apps/multitenant-sse');

/** What runs: the source through tsx (default), or a built bundle's `main.js` at this path. */
export type ServiceEntry = 'source' | { bundleMain: string };

function spawnService(env: Record<string, string>, entry: ServiceEntry = 'source'): ChildProcess {
  const args = entry === 'source' ? ['--import', 'tsx', mainPath] : [entry.bundleMain];
  return spawn(process.execPath, args, { cwd: workspaceRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

const KEEP = 256 * 1024;

function collector() {
  let head = '';
  let tail = '';
  return {
    push(chunk: string) {
      if (head.length < KEEP) head += chunk;
      else tail = (tail + chunk).slice(-KEEP);
    },
    text: () => (tail ? `${head}\n…\n${tail}` : head),
  };
}

/** Runs the service with `env` until it exits (for configuration failures). Kills it after `timeoutMs`. */
export function runToExit(env: Record<string, string>, timeoutMs = 100_000): Promise<ExitInfo & { stdout: string; stderr: string }> {
  const child = spawnService(env);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolvePromise) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // 'exit' may precede the last pipe data; 'close' follows both.
      child.on('close', () => resolvePromise({ code, signal, stdout, stderr }));
    });
  });
}

/**
 * Starts the service and resolves once it logs `Listening` (an info line: keep LOG_LEVEL at info or debug) (JSON logs: the `mcp` field holds the URL).
 * Rejects with its stderr when it exits first or does not listen within `timeoutMs`.
 */
export function startService(extraEnv: Record<string, string>, timeoutMs = 30_000, entry: ServiceEntry = 'source'): Promise<ServiceProcess> {
  const child = spawnService(serviceEnv(extraEnv), entry);
  const err = collector();
  const out = collector();
  const exited = new Promise<ExitInfo>((resolveExit) => child.on('exit', (code, signal) => resolveExit({ code, signal })));
  let pending = '';
  return new Promise<ServiceProcess>((resolveStart, rejectStart) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rejectStart(new Error(`service did not log Listening within ${timeoutMs} ms:\n${err.text()}`));
    }, timeoutMs);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      rejectStart(new Error(`service exited (code ${code}, signal ${signal}) before listening:\n${err.text()}`));
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => out.push(chunk)); // read always: a full pipe would block the child
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      err.push(chunk);
      if (pending === null) return;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const url = listeningUrl(line);
        if (!url) continue;
        clearTimeout(timer);
        pending = null as unknown as string;
        resolveStart({
          pid: child.pid as number,
          baseUrl: url,
          stderr: err.text,
          stdout: out.text,
          exited,
          async waitForLog(message: string, waitTimeoutMs = 10_000) {
            const needle = `"message":${JSON.stringify(message)}`;
            for (let i = 0; i < Math.ceil(waitTimeoutMs / 20); i++) {
              if (err.text().includes(needle)) return;
              await new Promise((r) => setTimeout(r, 20));
            }
            throw new Error(`no ${JSON.stringify(message)} log line within ${waitTimeoutMs} ms`);
          },
          async stop(signal: NodeJS.Signals = 'SIGTERM', stopTimeoutMs = 20_000) {
            if (child.exitCode !== null || child.signalCode !== null) return exited;
            child.kill(signal);
            const killer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
            try {
              return await exited;
            } finally {
              clearTimeout(killer);
            }
          },
        });
        return;
      }
    });
  });
}

function listeningUrl(line: string): string | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const record = JSON.parse(line) as { message?: string; mcp?: string };
    if (record.message !== 'Listening' || typeof record.mcp !== 'string') return undefined;
    return record.mcp.replace(/\/mcp$/, '');
  } catch {
    return undefined;
  }
}

/** Resident set size of a process in KB, from /proc/<pid>/status (Linux). */
export async function readRssKb(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}
