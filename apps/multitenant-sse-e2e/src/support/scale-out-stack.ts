// Starts the engines of a scale-out stack on loopback as child processes with generated configuration
// in a temporary directory: HAProxy in front of replicas, PgBouncer in front of PostgreSQL (a private
// redis-server comes from @mcp-factory/shared-util/testing). Each `stop()` ends its process and removes its files.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort, startChildService, type ChildService } from '@mcp-factory/shared-util/testing';
import { renderHaproxyConfig, type HaproxyReplica } from './haproxy-config';
import { renderPgbouncerConfig } from './pgbouncer-config';

export interface RunningEngine {
  readonly port: number;
  /** The configuration file it runs with. */
  readonly configPath: string;
  readonly service: ChildService;
  stop(): Promise<void>;
}

async function startWithConfig(name: string, fileName: string, render: (dir: string, port: number) => string, args: (configPath: string) => string[]): Promise<RunningEngine> {
  const dir = mkdtempSync(join(tmpdir(), `mcpf-${name}-`));
  const port = await freeLoopbackPort();
  const configPath = join(dir, fileName);
  writeFileSync(configPath, render(dir, port));
  chmodSync(dir, 0o755);
  try {
    const service = await startChildService({ name, command: name, args: args(configPath), port, cwd: dir });
    return {
      port,
      configPath,
      service,
      async stop() {
        await service.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** HAProxy on 127.0.0.1 in front of the replicas (in the foreground, `-db`). */
export function startHaproxy(replicas: readonly HaproxyReplica[], options: { checkIntervalMs?: number } = {}): Promise<RunningEngine> {
  return startWithConfig(
    'haproxy',
    'haproxy.cfg',
    (_dir, port) => renderHaproxyConfig({ bind: `127.0.0.1:${port}`, replicas, checkIntervalMs: options.checkIntervalMs ?? 500, maxConnections: 1_000 }),
    (configPath) => ['-db', '-f', configPath],
  );
}

/** PgBouncer on 127.0.0.1 in transaction mode in front of PostgreSQL (trust: the test server is trust on loopback). */
export function startPgbouncer(options: { server: { host: string; port: number }; users: readonly string[]; defaultPoolSize?: number }): Promise<RunningEngine> {
  return startWithConfig(
    'pgbouncer',
    'pgbouncer.ini',
    (dir, port) => {
      const authFile = join(dir, 'userlist.txt');
      writeFileSync(authFile, options.users.map((user) => `"${user}" ""\n`).join(''));
      return renderPgbouncerConfig({ listenAddr: '127.0.0.1', listenPort: port, server: options.server, authType: 'trust', authFile, defaultPoolSize: options.defaultPoolSize });
    },
    // PgBouncer refuses to run as root: as root (CI), it switches to nobody, who must read the files.
    (configPath) => (process.getuid?.() === 0 ? ['-u', 'nobody', configPath] : [configPath]),
  );
}
