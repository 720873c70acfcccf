// Engines a test starts as child processes of its own (redis-server, haproxy, pgbouncer) on free
// loopback ports, so it can stop, cut and restart them without touching the machine's shared services.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { connect, createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { describeIfAvailable } from '../../testing';

/** Where Debian puts daemons (haproxy, pgbouncer): often not on a non-root PATH. */
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** The absolute path of an executable on PATH or in an sbin directory, or undefined. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), ...SBIN_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * `describe` for a suite that needs these executables. Without one the suite is skipped with one
 * line naming what is missing (and how CI installs it), never silently.
 */
export function describeWithBinaries(binaries: readonly string[], title: string, fn: () => void): void {
  const missing = binaries.filter((name) => findBinary(name) === undefined);
  describeIfAvailable(title, missing.length === 0 ? undefined : `${missing.join(', ')} not installed (bash .ci/install-scale-out-tools.sh installs them)`, fn);
}

/** A free TCP port on 127.0.0.1 (free when asked; the child binds it right after). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port, rejects after the timeout. */
export async function waitForPort(port: number, timeoutMs: number, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (!isAlive()) throw new Error(`the process meant to listen on ${port} exited`);
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A running child process that listens on a loopback port. */
export interface ChildService {
  readonly name: string;
  readonly port: number;
  /** Its stderr and stdout so far (for a failing test's message). */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface ChildServiceOptions {
  /** For messages. */
  name: string;
  /** Executable name (looked up with {@link findBinary}) or path. */
  command: string;
  args: readonly string[];
  /** The port it will listen on; the start resolves once it accepts connections. */
  port: number;
  cwd?: string;
  /** Default 20000. */
  readyTimeoutMs?: number;
}

/** Spawns the command and waits for its port; on failure the child is killed and its output reported. */
export async function startChildService(options: ChildServiceOptions): Promise<ChildService> {
  const command = options.command.includes('/') ? options.command : (findBinary(options.command) ?? options.command);
  const child: ChildProcess = spawn(command, [...options.args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    // Bounded: a chatty child must not grow the test's memory.
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', (error) => collect(Buffer.from(`spawn error: ${error.message}\n`)));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const service: ChildService = {
    name: options.name,
    port: options.port,
    output: () => output,
    async stop(graceMs = 5_000) {
      if (!alive()) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    await waitForPort(options.port, options.readyTimeoutMs ?? 20_000, alive);
  } catch (error) {
    await service.stop(1_000);
    throw new Error(`${options.name} did not start: ${(error as Error).message}\n${output}`);
  }
  return service;
}
