// The scale-out engines as child processes the benchmark can watch: HAProxy, PgBouncer and the service
// replica, each with its pid, so its CPU time is read from /proc (CPU per request is what a shared
// 2-core machine measures reliably; throughput there depends on the neighbours).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findBinary, freeLoopbackPort, waitForPort } from '@mcp-factory/shared-util/testing';

const root = resolve(__dirname, '..', '..');

export interface Engine {
  readonly pid: number;
  readonly port: number;
  stop(): Promise<void>;
}

/** User + system CPU time of a process so far, µs (/proc/<pid>/stat, clock ticks of 10 ms). */
export function cpuTimeUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** Resident set size of a process, KB. */
export function rssKb(pid: number): number {
  return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
}

async function startEngine(command: string, args: string[], port: number, env?: NodeJS.ProcessEnv, cleanup?: () => void): Promise<Engine> {
  const binary = command.includes('/') ? command : findBinary(command);
  if (!binary) throw new Error(`${command} is not installed (bash .ci/install-scale-out-tools.sh)`);
  const child: ChildProcess = spawn(binary, args, { cwd: root, env, stdio: ['ignore', 'ignore', process.env['BENCH_VERBOSE'] ? 'inherit' : 'ignore'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await waitForPort(port, 60_000, () => child.exitCode === null);
  return {
    pid: child.pid as number,
    port,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      cleanup?.();
    },
  };
}

/**
 * HAProxy with the committed deploy/haproxy/haproxy.cfg, on loopback: its three servers all point at
 * `replicaPort` (one replica measured; routing rules, checks and logging as shipped), no Docker DNS.
 */
export async function startHaproxyEngine(replicaPort: number): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), 'mcpf-bench-haproxy-'));
  const port = await freeLoopbackPort();
  const cfg = readFileSync(join(root, 'deploy/haproxy/haproxy.cfg'), 'utf8')
    .replace(/^resolvers docker\n(?: {2}.*\n)+/m, '')
    .replace(/ resolvers docker init-addr \S+/, '')
    .replace(/^ {2}bind :\d+$/m, `  bind 127.0.0.1:${port}`)
    // maxconn 20000 needs ~40k file descriptors; this machine allows 20k (a container's default is higher).
    .replace(/^ {2}maxconn \d+$/m, '  maxconn 5000')
    .replace(/^( {2}server \S+) \S+:\d+$/gm, `$1 127.0.0.1:${replicaPort}`);
  writeFileSync(join(dir, 'haproxy.cfg'), cfg);
  return startEngine('haproxy', ['-db', '-f', join(dir, 'haproxy.cfg')], port, undefined, () => rmSync(dir, { recursive: true, force: true }));
}

/**
 * PgBouncer with the committed deploy/pgbouncer/pgbouncer.ini, on loopback in front of `server`: trust
 * instead of SCRAM (the test PostgreSQL is trust), and `admin` may read SHOW STATS.
 */
export async function startPgbouncerEngine(server: { host: string; port: number }, users: string[], admin: string): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), 'mcpf-bench-pgbouncer-'));
  const port = await freeLoopbackPort();
  const authFile = join(dir, 'userlist.txt');
  writeFileSync(authFile, [...users, admin].map((user) => `"${user}" ""\n`).join(''));
  const ini = readFileSync(join(root, 'deploy/pgbouncer/pgbouncer.ini'), 'utf8')
    .replace(/^\* = host=\S+ port=\d+$/m, `* = host=${server.host} port=${server.port}`)
    .replace(/^listen_addr = .*$/m, 'listen_addr = 127.0.0.1')
    .replace(/^listen_port = .*$/m, `listen_port = ${port}`)
    .replace(/^auth_type = .*$/m, 'auth_type = trust')
    .replace(/^auth_file = .*$/m, `auth_file = ${authFile}`)
    .replace(/^stats_users =$/m, `stats_users = ${admin}\nstats_period = 1`);
  writeFileSync(join(dir, 'pgbouncer.ini'), ini);
  chmodSync(dir, 0o755);
  chmodSync(authFile, 0o644);
  chmodSync(join(dir, 'pgbouncer.ini'), 0o644);
  // PgBouncer refuses to run as root: as root it switches to nobody, who must read the files.
  const args = process.getuid?.() === 0 ? ['-u', 'nobody', join(dir, 'pgbouncer.ini')] : [join(dir, 'pgbouncer.ini')];
  return startEngine('pgbouncer', args, port, undefined, () => rmSync(dir, { recursive: true, force: true }));
}

/** One service replica from source (as the e2e suites start it), listening on `port`. */
export async function startServiceEngine(env: Record<string, string>): Promise<Engine> {
  const port = await freeLoopbackPort();
  const serviceEnv = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    NODE_ENV: 'test',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json'),
    ...env,
  };
  return startEngine(process.execPath, ['--import', 'tsx', join(root, 'apps/multitenant-sse/src/main.ts')], port, serviceEnv);
}
