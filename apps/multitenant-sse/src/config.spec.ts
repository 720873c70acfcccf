import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from './config';
import { renderEnvTable, withEnvTable } from '../scripts/env-table';

function problems(env: Record<string, string>, argv: string[] = []): string[] {
  try {
    loadConfig(env, argv);
  } catch (error) {
    return (error as { problems: string[] }).problems;
  }
  return [];
}

describe('multitenant-sse config', () => {
  it('defaults to embedded PGlite in ./data and development settings', () => {
    const config = loadConfig({}, []);
    expect(config.database).toEqual({ engine: 'embedded', dataDir: join(process.cwd(), 'data') });
    expect(config.env).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', STATELESS: false, MAX_SESSIONS_PER_USER: 10 });
    expect(config.logFormat).toBe('pretty');
  });

  it('uses PostgreSQL with the configured pool when DATABASE_URL is set, refusing a privileged login', () => {
    const config = loadConfig({ DATABASE_URL: 'postgresql://app@db:5432/mcp', DB_POOL_SIZE: '4', STATELESS: 'true' }, []);
    expect(config.database).toEqual({
      engine: 'server',
      url: 'postgresql://app@db:5432/mcp',
      poolSize: 4,
      namedStatements: true,
      privilegedRole: { action: 'refuse', override: 'set ALLOW_PRIVILEGED_DB_ROLE=true for local development' },
    });
    expect(config.migrationDatabase).toBeUndefined();
    expect(config.env.STATELESS).toBe(true);
  });

  it('migrates as MIGRATION_DATABASE_URL, and only warns about a privileged login when allowed', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://mcp_runtime@db:5432/mcp',
      MIGRATION_DATABASE_URL: 'postgresql://mcp_owner@db:5432/mcp',
      ALLOW_PRIVILEGED_DB_ROLE: 'true',
    }, []);
    expect(config.migrationDatabase).toEqual({ engine: 'server', url: 'postgresql://mcp_owner@db:5432/mcp', poolSize: 1 });
    expect(config.database).toMatchObject({ url: 'postgresql://mcp_runtime@db:5432/mcp', privilegedRole: { action: 'warn' } });
    expect(problems({ MIGRATION_DATABASE_URL: 'postgresql://mcp_owner@db:5432/mcp' })).toEqual(['MIGRATION_DATABASE_URL: needs DATABASE_URL (the runtime login) as well']);
  });

  it('turns named statements off behind PgBouncer in transaction mode (DATABASE_POOL_MODE=transaction)', () => {
    const url = 'postgresql://mcp_runtime@pgbouncer:6432/mcp';
    expect(loadConfig({ DATABASE_URL: url, DATABASE_POOL_MODE: 'transaction' }, []).database).toMatchObject({ engine: 'server', namedStatements: false });
    expect(loadConfig({ DATABASE_URL: url, DATABASE_POOL_MODE: 'session' }, []).database).toMatchObject({ namedStatements: true });
    expect(problems({ DATABASE_POOL_MODE: 'statement' })).toEqual([expect.stringMatching(/^DATABASE_POOL_MODE: /)]);
  });

  it('shares state through REDIS_URL only with a REPLICA_ID the balancer can route on', () => {
    expect(loadConfig({}, []).env).toMatchObject({ REDIS_KEY_PREFIX: 'mcpf:', DATABASE_POOL_MODE: 'session' });
    expect(loadConfig({}, []).env.REDIS_URL).toBeUndefined();
    const env = loadConfig({ REDIS_URL: 'redis://redis:6379', REPLICA_ID: 'mcp-1', REDIS_KEY_PREFIX: 'svc:' }, []).env;
    expect(env).toMatchObject({ REDIS_URL: 'redis://redis:6379', REPLICA_ID: 'mcp-1', REDIS_KEY_PREFIX: 'svc:' });
    expect(problems({ REDIS_URL: 'redis://redis:6379' })).toEqual(['REPLICA_ID: is required with REDIS_URL (each replica its own, as the balancer names it)']);
    expect(problems({ REDIS_URL: 'http://redis:6379', REPLICA_ID: 'mcp-1' })).toEqual(['REDIS_URL: must be a redis:// or rediss:// URL']);
    expect(problems({ REPLICA_ID: 'Mcp.1' })).toEqual(['REPLICA_ID: must be 1-63 characters of a-z, 0-9 and "-" (not at either end)']);
  });

  it('accepts TEST_TOOL_LIBRARIES only with NODE_ENV=test', () => {
    expect(problems({ TEST_TOOL_LIBRARIES: 'hostile.ts' })).toEqual(['TEST_TOOL_LIBRARIES: is accepted only with NODE_ENV=test']);
    expect(problems({ TEST_TOOL_LIBRARIES: 'hostile.ts', NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), JWT_ISSUER: 'https://issuer.example', JWT_AUDIENCE: 'mcp' })).toEqual([
      'TEST_TOOL_LIBRARIES: is accepted only with NODE_ENV=test',
    ]);
    expect(loadConfig({ TEST_TOOL_LIBRARIES: 'hostile.ts', NODE_ENV: 'test' }, []).testToolLibraries).toBe(join(process.cwd(), 'hostile.ts'));
  });

  it('stops production without a secret or JWKS, and lists every bad variable on its own line', () => {
    expect(problems({ NODE_ENV: 'production' })).toEqual([
      'JWT_SECRET: JWT_SECRET or JWKS_URL is required in production',
      'JWT_ISSUER: JWT_ISSUER is required in production',
      'JWT_AUDIENCE: JWT_AUDIENCE is required in production',
    ]);
    const lines = problems({ PORT: 'abc', JWT_SECRET: 'short', DATABASE_URL: 'mysql://x' });
    expect(lines).toHaveLength(3);
    expect(lines.map((line) => line.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'JWT_SECRET', 'PORT']);
  });

  it('requires issuer and audience with a JWKS, and refuses both key sources', () => {
    expect(problems({ JWKS_URL: 'https://idp.example/jwks.json' })).toEqual([
      'JWT_ISSUER: JWT_ISSUER and JWT_AUDIENCE are required with JWKS_URL',
    ]);
    expect(problems({ JWKS_URL: 'https://idp.example/jwks.json', JWT_SECRET: 'x'.repeat(32), JWT_ISSUER: 'i', JWT_AUDIENCE: 'a' })).toEqual([
      'JWKS_URL: set JWT_SECRET or JWKS_URL, not both',
    ]);
  });

  describe('production guardrails (issue 14)', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), JWT_ISSUER: 'https://idp.example', JWT_AUDIENCE: 'mcp' };

    it('requires issuer and audience with a shared secret too', () => {
      expect(problems({ ...production, JWT_ISSUER: '', JWT_AUDIENCE: '' })).toEqual([
        'JWT_ISSUER: JWT_ISSUER is required in production',
        'JWT_AUDIENCE: JWT_AUDIENCE is required in production',
      ]);
      expect(problems(production)).toEqual([]);
    });

    it('requires https for JWKS_URL', () => {
      expect(problems({ ...production, JWT_SECRET: '', JWKS_URL: 'http://idp.example/jwks.json' })).toEqual(['JWKS_URL: must be an https:// URL in production']);
      expect(problems({ ...production, JWT_SECRET: '', JWKS_URL: 'https://idp.example/jwks.json' })).toEqual([]);
    });

    it('requires PUBLIC_URL and ALLOWED_HOSTS on a non-loopback HOST', () => {
      expect(problems({ ...production, HOST: '0.0.0.0' })).toEqual([
        'PUBLIC_URL: is required in production when HOST (0.0.0.0) is not loopback',
        'ALLOWED_HOSTS: is required in production when HOST (0.0.0.0) is not loopback',
      ]);
      expect(problems({ ...production, HOST: '0.0.0.0', PUBLIC_URL: 'https://mcp.example.com', ALLOWED_HOSTS: 'mcp.example.com' })).toEqual([]);
      expect(problems({ ...production, HOST: '127.0.0.1' })).toEqual([]);
      expect(problems({ NODE_ENV: 'development', HOST: '0.0.0.0' })).toEqual([]);
    });

    it('never prints a development token in production', () => {
      expect(problems({ ...production, DEV_TOKEN: 'print' })).toEqual(['DEV_TOKEN: development tokens are never printed in production']);
      expect(problems(production, ['--print-dev-token'])).toEqual(['DEV_TOKEN: development tokens are never printed in production']);
    });
  });

  it('prints a development token only when asked: --print-dev-token or DEV_TOKEN=print; other arguments are refused', () => {
    expect(loadConfig({}, []).printDevToken).toBe(false);
    expect(loadConfig({}, ['--print-dev-token']).printDevToken).toBe(true);
    expect(loadConfig({ DEV_TOKEN: 'print' }, []).printDevToken).toBe(true);
    expect(problems({}, ['--verbose'])).toEqual(['--verbose: unknown argument (the only one is --print-dev-token)']);
    expect(problems({ DEV_TOKEN: 'yes' })).toHaveLength(1);
  });

  it('reads several issuers, the clock tolerance and the metrics listener', () => {
    const { env } = loadConfig({ JWT_ISSUER: 'https://a.example, https://b.example', JWT_CLOCK_TOLERANCE_S: '10', METRICS_PORT: '9464', METRICS_TOKEN: 't'.repeat(16) }, []);
    expect(env).toMatchObject({ JWT_ISSUER: ['https://a.example', 'https://b.example'], JWT_CLOCK_TOLERANCE_S: 10, METRICS_PORT: 9464, METRICS_HOST: '127.0.0.1' });
    expect(loadConfig({}, []).env.JWT_CLOCK_TOLERANCE_S).toBe(5);
    expect(problems({ METRICS_TOKEN: 'short' })).toEqual(['METRICS_TOKEN: must be at least 16 characters']);
  });

  it('documents every variable in .env.example', () => {
    const example = readFileSync(join(__dirname, '../.env.example'), 'utf8');
    const source = readFileSync(join(__dirname, 'config.ts'), 'utf8');
    const names = [...source.matchAll(/^\s{4}([A-Z][A-Z_]+): /gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
  });

  it("the README's configuration table is the one rendered from .env.example", () => {
    const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');
    const table = renderEnvTable(readFileSync(join(__dirname, '../.env.example'), 'utf8'));
    // Out of date? `npx nx run multitenant-sse:env-table`
    expect(withEnvTable(readme, table)).toBe(readme);
    expect(table.split('\n').length).toBeGreaterThan(30);
  });
});
