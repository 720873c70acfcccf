import { PGlite } from '@electric-sql/pglite';
import { Pool } from 'pg';
import { describeWithPostgres } from '@mcp-factory/shared-util/testing';
import { createScratchDatabase } from '../../testing';
import { migrate } from './migrate-database';
import { checksumOf, readMigrations, type MigrationFile } from './migration-files';
import { MIGRATIONS_TABLE, runMigrations } from './migrator';
import { pgSession, pgliteSession } from './sql-session';

const ALL = readMigrations().map((m) => m.name);

function edited(migrations: MigrationFile[], name: string): MigrationFile[] {
  return migrations.map((m) => (m.name === name ? { ...m, sql: `${m.sql}\n-- edited`, checksum: checksumOf(`${m.sql}\n-- edited`) } : m));
}

describe('migrator on embedded PGlite', () => {
  let pglite: PGlite;
  beforeAll(async () => {
    pglite = await PGlite.create();
  });
  afterAll(() => pglite?.close());

  it('reads the Prisma-layout migrations in order', () => {
    expect(ALL).toEqual(['20260101000000_init', '20260101000100_row_level_security', '20260102000000_no_empty_tenant']);
  });

  it('applies pending migrations, then skips them on a re-run (idempotent)', async () => {
    const session = pgliteSession(pglite);
    expect(await runMigrations(session)).toEqual({ applied: ALL, skipped: [] });
    expect(await runMigrations(session)).toEqual({ applied: [], skipped: ALL });
    const rows = (await pglite.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM "${MIGRATIONS_TABLE}" ORDER BY name`)).rows;
    expect(rows).toEqual(readMigrations().map(({ name, checksum }) => ({ name, checksum })));
  });

  it('refuses to run when an applied migration changed, naming it (ERR_MIGRATION_CHECKSUM)', async () => {
    const migrations = edited(readMigrations(), '20260101000000_init');
    await expect(runMigrations(pgliteSession(pglite), { migrations })).rejects.toMatchObject({
      code: 'ERR_MIGRATION_CHECKSUM',
      message: expect.stringMatching(/^Migration 20260101000000_init was changed after it was applied \(checksum [0-9a-f]{12} != recorded [0-9a-f]{12}\)/),
    });
  });

  it('rolls a failing migration back and names it (ERR_MIGRATION_FAILED)', async () => {
    const broken: MigrationFile = { name: '20991231000000_broken', sql: 'CREATE TABLE half_done (id int); SELECT * FROM no_such_table;', checksum: 'x' };
    await expect(runMigrations(pgliteSession(pglite), { migrations: [...readMigrations(), broken] })).rejects.toMatchObject({
      code: 'ERR_MIGRATION_FAILED',
      message: expect.stringMatching(/^Migration 20991231000000_broken failed and was rolled back: relation "no_such_table" does not exist/),
    });
    expect((await pglite.query(`SELECT to_regclass('half_done') AS t`)).rows).toEqual([{ t: null }]);
    expect((await pglite.query(`SELECT count(*)::int AS n FROM "${MIGRATIONS_TABLE}"`)).rows).toEqual([{ n: ALL.length }]);
  });
});

describeWithPostgres('migrator on PostgreSQL', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  beforeAll(async () => {
    scratch = await createScratchDatabase();
  });
  afterAll(() => scratch?.drop());

  it('applies once when two migrators start together (advisory lock)', async () => {
    const results = await Promise.all([migrate({ engine: 'server', url: scratch.url }), migrate({ engine: 'server', url: scratch.url })]);
    const applied = results.map((r) => r.applied).sort((a, b) => b.length - a.length);
    expect(applied).toEqual([ALL, []]);
    expect(results.flatMap((r) => r.skipped).sort()).toEqual(ALL);
  });

  it('is idempotent and detects an edited migration through the public migrate()', async () => {
    expect(await migrate({ engine: 'server', url: scratch.url })).toEqual({ applied: [], skipped: ALL });
    const pool = new Pool({ connectionString: scratch.url, max: 1 });
    try {
      const client = await pool.connect();
      try {
        await expect(runMigrations(pgSession(client), { migrations: edited(readMigrations(), '20260101000100_row_level_security') })).rejects.toMatchObject({
          code: 'ERR_MIGRATION_CHECKSUM',
          message: expect.stringContaining('Migration 20260101000100_row_level_security was changed after it was applied'),
        });
        // The advisory lock was released: a normal run still proceeds.
        expect(await runMigrations(pgSession(client))).toEqual({ applied: [], skipped: ALL });
      } finally {
        client.release();
      }
    } finally {
      await pool.end();
    }
  });

  it('creates the cluster-wide app role idempotently, in parallel across databases', async () => {
    const others = await Promise.all([createScratchDatabase(), createScratchDatabase()]);
    try {
      const results = await Promise.all(others.map((o) => migrate({ engine: 'server', url: o.url })));
      expect(results.map((r) => r.applied)).toEqual([ALL, ALL]);
    } finally {
      await Promise.all(others.map((o) => o.drop()));
    }
  });

  it('fails with ERR_DB_UNAVAILABLE naming the masked URL when the server is unreachable', async () => {
    await expect(migrate({ engine: 'server', url: 'postgresql://app:s3cret@127.0.0.1:1/nope', connectTimeoutMs: 2000 })).rejects.toMatchObject({
      code: 'ERR_DB_UNAVAILABLE',
      message: expect.stringMatching(/^Cannot open PostgreSQL at postgresql:\/\/app:\*\*\*@127\.0\.0\.1:1\/nope: .*ECONNREFUSED/),
    });
  });
});
