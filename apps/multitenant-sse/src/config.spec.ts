import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from './config';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as { problems: string[] }).problems;
  }
  return [];
}

describe('multitenant-sse config', () => {
  it('defaults to embedded PGlite in ./data and development settings', () => {
    const config = loadConfig({});
    expect(config.database).toEqual({ engine: 'embedded', dataDir: join(process.cwd(), 'data') });
    expect(config.env).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', STATELESS: false, MAX_SESSIONS_PER_USER: 10 });
    expect(config.logFormat).toBe('pretty');
  });

  it('uses PostgreSQL with the configured pool when DATABASE_URL is set, refusing a privileged login', () => {
    const config = loadConfig({ DATABASE_URL: 'postgresql://app@db:5432/mcp', DB_POOL_SIZE: '4', STATELESS: 'true' });
    expect(config.database).toEqual({
      engine: 'server',
      url: 'postgresql://app@db:5432/mcp',
      poolSize: 4,
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
    });
    expect(config.migrationDatabase).toEqual({ engine: 'server', url: 'postgresql://mcp_owner@db:5432/mcp', poolSize: 1 });
    expect(config.database).toMatchObject({ url: 'postgresql://mcp_runtime@db:5432/mcp', privilegedRole: { action: 'warn' } });
    expect(problems({ MIGRATION_DATABASE_URL: 'postgresql://mcp_owner@db:5432/mcp' })).toEqual(['MIGRATION_DATABASE_URL: needs DATABASE_URL (the runtime login) as well']);
  });

  it('accepts TEST_TOOL_LIBRARIES only with NODE_ENV=test', () => {
    expect(problems({ TEST_TOOL_LIBRARIES: 'hostile.ts' })).toEqual(['TEST_TOOL_LIBRARIES: is accepted only with NODE_ENV=test']);
    expect(problems({ TEST_TOOL_LIBRARIES: 'hostile.ts', NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) })).toEqual([
      'TEST_TOOL_LIBRARIES: is accepted only with NODE_ENV=test',
    ]);
    expect(loadConfig({ TEST_TOOL_LIBRARIES: 'hostile.ts', NODE_ENV: 'test' }).testToolLibraries).toBe(join(process.cwd(), 'hostile.ts'));
  });

  it('stops production without a secret or JWKS, and lists every bad variable on its own line', () => {
    expect(problems({ NODE_ENV: 'production' })).toEqual(['JWT_SECRET: JWT_SECRET or JWKS_URL is required in production']);
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

  it('documents every variable in .env.example', () => {
    const example = readFileSync(join(__dirname, '../.env.example'), 'utf8');
    const source = readFileSync(join(__dirname, 'config.ts'), 'utf8');
    const names = [...source.matchAll(/^\s{4}([A-Z][A-Z_]+): /gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
  });
});
