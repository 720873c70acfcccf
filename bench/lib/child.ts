// Parent side of a server under test: each runs in its own child process (own heap, own event loop),
// started through bench/servers/main.ts with a JSON spec, and answers IPC requests (memory, sessions).
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import type { ServerSpec } from '../servers/spec';

const root = resolve(__dirname, '..', '..');

export interface MemorySample {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  sessions: number;
  /** V8 heap spaces, bytes used. */
  spaces: Record<string, number>;
}

export interface RunningServer {
  name: string;
  url: string;
  pid: number;
  child: ChildProcess;
  /** GCs the child (twice) and returns its memory and open-session count. */
  memory(): Promise<MemorySample>;
  /** The child's CPU time so far (`process.cpuUsage()`, µs). */
  cpu(): Promise<{ user: number; system: number }>;
  /** Asks the child to exit cleanly (so --cpu-prof profiles are written). */
  stop(): Promise<void>;
}

let nextRequest = 0;

export async function startServer(name: string, spec: ServerSpec, options: { execArgv?: string[] } = {}): Promise<RunningServer> {
  const child = fork(join(__dirname, '..', 'servers', 'main.ts'), [JSON.stringify(spec)], {
    cwd: root,
    execArgv: ['--expose-gc', '--max-old-space-size=4096', ...(options.execArgv ?? []), '--import', 'tsx'],
    env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json'), NODE_ENV: 'production' },
    stdio: ['ignore', process.env['BENCH_VERBOSE'] ? 'inherit' : 'ignore', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (value: unknown) => void>();
  const ready = new Promise<string>((resolveReady, rejectReady) => {
    const timer = setTimeout(() => rejectReady(new Error(`${name}: not ready after 60 s`)), 60_000);
    child.once('exit', (code) => rejectReady(new Error(`${name}: exited with ${code} before ready`)));
    child.on('message', (message: { type: string; url?: string; id?: number; value?: unknown }) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolveReady(message.url as string);
      } else if (message.type === 'reply' && message.id !== undefined) {
        pending.get(message.id)?.(message.value);
        pending.delete(message.id);
      }
    });
  });
  const url = await ready;
  const ask = <T>(type: string): Promise<T> =>
    new Promise((resolveAsk, rejectAsk) => {
      const id = nextRequest++;
      const timer = setTimeout(() => rejectAsk(new Error(`${name}: no reply to ${type}`)), 60_000);
      pending.set(id, (value) => {
        clearTimeout(timer);
        resolveAsk(value as T);
      });
      child.send({ type, id });
    });
  return {
    name,
    url,
    pid: child.pid as number,
    child,
    memory: () => ask<MemorySample>('memory'),
    cpu: () => ask<{ user: number; system: number }>('cpu'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.send({ type: 'stop', id: nextRequest++ });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function stopAll(servers: Iterable<RunningServer | undefined>): Promise<void> {
  await Promise.all([...servers].map((s) => s?.stop().catch(() => undefined)));
}
