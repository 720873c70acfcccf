// The committed balancer and pooler configuration is exactly what the loopback suites run (rendered by
// the same functions), and the engines themselves accept it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithBinaries, findBinary } from '@mcp-factory/shared-util/testing';
import { renderHaproxyConfig } from './support/haproxy-config';
import { renderPgbouncerConfig } from './support/pgbouncer-config';
import { COMPOSE_HAPROXY, COMPOSE_PGBOUNCER } from './support/deploy-topology';

const root = join(__dirname, '../../..');
const haproxyCfg = join(root, 'deploy/haproxy/haproxy.cfg');
const pgbouncerIni = join(root, 'deploy/pgbouncer/pgbouncer.ini');

describe('deploy/haproxy and deploy/pgbouncer', () => {
  it('are the rendered configuration (regenerate: REGENERATE_DEPLOY_CONFIGS=1 npx jest … deploy-configs)', () => {
    const expected = { [haproxyCfg]: renderHaproxyConfig(COMPOSE_HAPROXY), [pgbouncerIni]: renderPgbouncerConfig(COMPOSE_PGBOUNCER) };
    for (const [path, text] of Object.entries(expected)) {
      if (process.env['REGENERATE_DEPLOY_CONFIGS'] === '1') writeFileSync(path, text);
      expect(readFileSync(path, 'utf8')).toBe(text);
    }
  });
});

describeWithBinaries(['haproxy'], 'deploy/haproxy/haproxy.cfg', () => {
  it('is valid for HAProxy (haproxy -c; replica names that do not resolve here start as down)', () => {
    const out = execFileSync(findBinary('haproxy') as string, ['-c', '-f', haproxyCfg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toContain('Configuration file is valid');
  });
});

describeWithBinaries(['pgbouncer'], 'deploy/pgbouncer/pgbouncer.ini', () => {
  it('is accepted by PgBouncer’s parser (it starts with it, then is stopped)', () => {
    // PgBouncer has no check mode: run it with the file's settings on a scratch port for a moment.
    const dir = mkdtempSync(join(tmpdir(), 'mcpf-pgb-check-'));
    try {
      const ini = readFileSync(pgbouncerIni, 'utf8').replace('listen_port = 6432', 'listen_port = 0').replace('/run/pgbouncer/userlist.txt', join(dir, 'userlist.txt'));
      writeFileSync(join(dir, 'userlist.txt'), '"mcp_runtime" "x"\n');
      writeFileSync(join(dir, 'pgbouncer.ini'), ini);
      // -v: it logs each setting as parsed, then stops (as root it refuses to run; otherwise the timeout ends it).
      const result = (() => {
        try {
          return execFileSync(findBinary('pgbouncer') as string, ['-v', join(dir, 'pgbouncer.ini')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5_000 });
        } catch (error) {
          return String((error as { stderr?: string }).stderr ?? '') + String((error as { stdout?: string }).stdout ?? '');
        }
      })();
      // It got past the whole file (the auth file is read after it); a bad line is an ERROR and a FATAL.
      expect(result).toContain('loading auth_file');
      expect(result).not.toMatch(/ERROR|cannot load config/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
