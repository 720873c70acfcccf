// A scratch PostgreSQL database set up as docs/postgres-roles.md says (data-access's applyRoleSetup, what
// `setup-roles --apply` runs): an owner login that migrates, a runtime login (NOSUPERUSER NOBYPASSRLS
// NOINHERIT, owns nothing, member of mcp_app) that serves. Role names are random; drop() removes them.
import { randomBytes } from 'node:crypto';
import { applyRoleSetup } from '@mcp-factory/data-access';
import { testServerUrl, withDatabaseName } from '@mcp-factory/data-access/testing';
import { Client } from 'pg';

export interface BenchDatabase {
  /** The superuser on this database (seeding; the peers, which no row-level security binds). */
  adminUrl: string;
  migrationUrl: string;
  runtimeUrl: string;
  drop(): Promise<void>;
}

async function asAdmin(url: string, statements: string[]): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const admin = testServerUrl();
  if (!admin) throw new Error('PostgreSQL is needed: set TEST_DATABASE_URL');
  const suffix = randomBytes(5).toString('hex');
  const database = `mcpf_bench_${suffix}`;
  const owner = `mcpf_bench_owner_${suffix}`;
  const runtime = `mcpf_bench_rt_${suffix}`;
  const drop = () => asAdmin(admin, [`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`, `DROP ROLE IF EXISTS "${runtime}"`, `DROP ROLE IF EXISTS "${owner}"`]);
  try {
    const { migrationUrl, runtimeUrl } = await applyRoleSetup(admin, { database, owner, runtime });
    return { adminUrl: withDatabaseName(admin, database), migrationUrl, runtimeUrl, drop };
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
}

/** `perUser` greetings for each of users `<prefix>0…`, in one statement (as the superuser). */
export async function seedGreetings(adminUrl: string, users: number, perUser: number, prefix = 'u'): Promise<void> {
  await asAdmin(adminUrl, [
    `INSERT INTO greeting (tenant_id, message, created_at)
     SELECT '${prefix}' || u, 'seed ' || i || ' for ${prefix}' || u, now() - (i || ' seconds')::interval
     FROM generate_series(0, ${users - 1}) AS u, generate_series(1, ${perUser}) AS i`,
    'ANALYZE greeting',
  ]);
}
