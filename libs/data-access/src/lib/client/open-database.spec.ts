import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMemoryLogger } from '@mcp-factory/shared-util';
import { describeWithPostgres } from '@mcp-factory/shared-util/testing';
import { Client } from 'pg';
import { createScratchDatabase, createTestDatabase, describeEachEngine, testServerUrl, withDatabaseName, type TestDatabase } from '../../testing';
import { openDatabase } from './open-database';

describeEachEngine('openDatabase', (engine) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(engine);
  }, 120_000);
  afterAll(() => db?.drop());

  it('describes itself and answers ping', async () => {
    expect(db.database.engine).toBe(engine);
    expect(db.database.description).toMatch(engine === 'embedded' ? /^embedded PGlite in memory$/ : /^PostgreSQL at postgresql:\/\/.*\/mcpf_[0-9a-f]{12}$/);
    await expect(db.database.ping()).resolves.toBeUndefined();
  });

  it('turns a failing query into ERR_DB_QUERY carrying the database code', async () => {
    const tenant = db.database.forTenant('dup');
    await tenant.note.create({ data: { key: 'k', value: '1' } });
    await expect(tenant.note.create({ data: { key: 'k', value: '2' } })).rejects.toMatchObject({
      code: 'ERR_DB_QUERY',
      dbCode: 'P2002',
      message: expect.stringMatching(/^Note\.create failed: .*Unique constraint failed/),
    });
    // The client still works after the failure.
    expect(await tenant.note.count()).toBe(1);
  });

  it('re-running migrations on an open database is a no-op', async () => {
    expect((await db.database.migrate()).applied).toEqual([]);
  });
});

describe('openDatabase faults', () => {
  it('fails with one line naming the masked URL when PostgreSQL is unreachable (ERR_DB_UNAVAILABLE)', async () => {
    const error = await openDatabase({ engine: 'server', url: 'postgresql://app:s3cret@127.0.0.1:1/mcp', connectTimeoutMs: 2000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ERR_DB_UNAVAILABLE',
      message: 'Cannot open PostgreSQL at postgresql://app:***@127.0.0.1:1/mcp: connect ECONNREFUSED 127.0.0.1:1',
    });
    expect(String((error as Error).message)).not.toContain('s3cret');
  });

  it('rejects a bad config before connecting (ERR_DB_CONFIG)', async () => {
    await expect(openDatabase({ engine: 'server', url: 'postgresql://h/db', poolSize: -1 })).rejects.toMatchObject({
      code: 'ERR_DB_CONFIG',
      message: 'Invalid pool size -1: expected a positive integer',
    });
  });

});

describeWithPostgres('openDatabase faults on PostgreSQL', () => {
  it('fails with ERR_DB_UNAVAILABLE when the database does not exist', async () => {
    const url = withDatabaseName(testServerUrl() ?? '', 'mcpf_does_not_exist');
    await expect(openDatabase({ engine: 'server', url })).rejects.toMatchObject({
      code: 'ERR_DB_UNAVAILABLE',
      message: expect.stringMatching(/^Cannot open PostgreSQL at postgresql:\/\/.*\/mcpf_does_not_exist: database "mcpf_does_not_exist" does not exist$/),
    });
  });

  it('recovers the pool after the server drops every connection, without reopening', async () => {
    const scratch = await createScratchDatabase();
    const { logger, entries } = createMemoryLogger();
    const database = await openDatabase({ engine: 'server', url: scratch.url, poolSize: 3 }, { logger });
    try {
      const tenant = database.forTenant('t');
      await Promise.all([tenant.greeting.create({ data: { message: 'before' } }), tenant.note.count(), tenant.greeting.count()]);
      const admin = new Client({ connectionString: testServerUrl() });
      await admin.connect();
      const name = new URL(scratch.url).pathname.slice(1);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      await admin.end();

      // A query may land on a dead connection and fail as unavailable; the pool then replaces it.
      const outcomes: string[] = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          expect(await tenant.greeting.count()).toBe(1);
          outcomes.push('ok');
          break;
        } catch (error) {
          expect(error).toMatchObject({ code: 'ERR_DB_UNAVAILABLE', message: expect.stringMatching(/^Greeting\.count failed: database unavailable/) });
          outcomes.push('unavailable');
        }
      }
      expect(outcomes[outcomes.length - 1]).toBe('ok');
      await expect(database.ping()).resolves.toBeUndefined();
      expect(await tenant.greeting.findMany()).toHaveLength(1);
      expect(entries.filter((e) => e.level === 'warn').every((e) => !String(e['database']).includes(':5432/') || !String(e['database']).includes('password'))).toBe(true);
    } finally {
      await database.close();
      await scratch.drop();
    }
  });
});

describe('openDatabase embedded data directory', () => {
  it('keeps embedded data in its data directory across reopen, and close is idempotent', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mcpf-pglite-'));
    try {
      const first = await openDatabase({ engine: 'embedded', dataDir: dir });
      expect(first.description).toBe(`embedded PGlite at ${dir}`);
      await first.forTenant('alice').greeting.create({ data: { message: 'persisted' } });
      await first.close();
      await first.close();
      await expect(first.ping()).rejects.toMatchObject({ code: 'ERR_DB_UNAVAILABLE', message: expect.stringMatching(new RegExp(`^embedded PGlite at ${dir} is unavailable: `)) });

      const second = await openDatabase({ engine: 'embedded', dataDir: dir });
      try {
        expect((await second.forTenant('alice').greeting.findMany()).map((g) => g.message)).toEqual(['persisted']);
        expect(await second.forTenant('bob').greeting.findMany()).toEqual([]);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('embedded snapshot (first launch without initdb)', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'mcpf-snapshot-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('seeds an empty data dir from snapshotFile, already migrated, and then keeps its own data', async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const { writeFileSync } = await import('node:fs');
    const source = path.join(root, 'source');
    const seeded = await openDatabase({ engine: 'embedded', dataDir: source });
    await seeded.close();
    const pglite = await PGlite.create(source);
    const tarball = await pglite.dumpDataDir('gzip');
    await pglite.close();
    const snapshotFile = path.join(root, 'snapshot.tar.gz');
    writeFileSync(snapshotFile, Buffer.from(await tarball.arrayBuffer()));

    const dataDir = path.join(root, 'fresh');
    const { logger, entries } = createMemoryLogger();
    const first = await openDatabase({ engine: 'embedded', dataDir, snapshotFile }, { logger });
    // The snapshot was migrated: opening applies nothing.
    expect(entries.filter((e) => e.message === 'database migrated')).toEqual([]);
    await first.forTenant('ada').greeting.create({ data: { message: 'from the first launch' } });
    await first.close();

    // A non-empty dir is opened as it is; the snapshot is not loaded over it.
    const second = await openDatabase({ engine: 'embedded', dataDir, snapshotFile });
    expect((await second.forTenant('ada').greeting.findMany()).map((g) => g.message)).toEqual(['from the first launch']);
    await second.close();
  }, 180_000); // three PGlite opens in one test: over 60 s at load 20+ on 2 cores
});
