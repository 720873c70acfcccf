import { Socket } from 'node:net';
import { Client, type PoolClient, type QueryResult } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../testing';
import { APP_ROLE, runInTenantScope } from '../tenancy/tenant-session';
import { openDatabase, type Database } from './open-database';
import { TenantSessionPool } from './tenant-pool';
import { describeWithPostgres } from '@mcp-factory/shared-util/testing';

// Server only: PGlite (embedded) has no pool and no round trips.

/** A socket that counts how often it hands data to the kernel (one per write, or one per corked batch). */
class CountingSocket extends Socket {
  static flushes = 0;
  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    CountingSocket.flushes++;
    super._write(chunk, encoding, callback);
  }
  override _writev(chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>, callback: (error?: Error | null) => void): void {
    CountingSocket.flushes++;
    super._writev?.(chunks, callback);
  }
}

/** The adapter's way of sending a statement (`PgQueryable.performIO`). */
const adapterQuery = (text: string, values: unknown[] = []) => ({ text, values, rowMode: 'array' as const });

/** `text` sent through `pool` in `tenant`'s scope, as the adapter sends a single-statement operation. */
const inScope = (pool: TenantSessionPool, tenant: string, text: string) => runInTenantScope(tenant, () => pool.query(adapterQuery(text)) as Promise<QueryResult<unknown[]>>);

describeWithPostgres('TenantSessionPool on PostgreSQL', () => {
  let db: TestDatabase;
  let url: string;
  let pool: TenantSessionPool;
  beforeAll(async () => {
    db = await createTestDatabase('server', { poolSize: 2 });
    url = (db.config as { url: string }).url;
  }, 120_000);
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    await db.database.unscoped.greeting.deleteMany();
    await db.database.unscoped.note.deleteMany();
    pool = new TenantSessionPool({ connectionString: url, max: 1, stream: () => new CountingSocket() });
  });
  afterEach(async () => {
    await pool.end();
  });

  it('runs a statement of a tenant scope as mcp_app with the tenant set, so RLS alone confines it', async () => {
    await db.database.unscoped.greeting.createMany({
      data: [
        { tenantId: 'alice', message: 'a' },
        { tenantId: 'bob', message: 'b' },
      ],
    });
    for (const tenant of ['alice', 'bob', "o'brien'); SELECT set_config('role', 'postgres', false); --"]) {
      // No tenant filter in the SQL: only row-level security restricts it.
      const { rows } = await inScope(pool, tenant, "SELECT current_user::text, current_setting('app.tenant_id', true), (SELECT array_agg(tenant_id) FROM greeting)");
      expect(rows[0]).toEqual([APP_ROLE, tenant, tenant.startsWith('o') ? null : [tenant]]);
      await expectCleanConnection(pool);
    }
  });

  it('sends BEGIN, the session, the statement and COMMIT in one write and answers after COMMIT', async () => {
    await pool.query('SELECT 1'); // connected
    const before = CountingSocket.flushes;
    const result = await inScope(pool, 'acme', "INSERT INTO greeting (message) VALUES ('hi') RETURNING tenant_id");
    expect(CountingSocket.flushes - before).toBe(1);
    expect(result.rows).toEqual([['acme']]);
    // Committed: another connection sees it.
    expect(await db.database.unscoped.greeting.count({ where: { tenantId: 'acme' } })).toBe(1);
  });

  it('never runs the statement when the session statement fails (fail closed), and says why', async () => {
    // A NUL byte cannot be bound as text: the session statement fails, the insert (which would bypass
    // row-level security as this superuser) must not run.
    await expect(inScope(pool, 'a\u0000b', "INSERT INTO greeting (tenant_id, message) VALUES ('victim', 'planted')")).rejects.toMatchObject({ code: '22021' });
    expect(await db.database.unscoped.greeting.count()).toBe(0);
    await expectCleanConnection(pool);
  });

  it('rolls back a failing statement and returns a clean, idle connection', async () => {
    await inScope(pool, 'acme', "INSERT INTO note (key, value, updated_at) VALUES ('k', '1', now())");
    await expect(inScope(pool, 'acme', "INSERT INTO note (key, value, updated_at) VALUES ('k', '2', now())")).rejects.toMatchObject({
      code: '23505',
    });
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      const { rows } = await admin.query("SELECT state FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = ''");
      expect(rows.every((row) => row.state === 'idle')).toBe(true);
    } finally {
      await admin.end();
    }
    await expectCleanConnection(pool);
    expect(await db.database.unscoped.note.findMany({ select: { tenantId: true, value: true } })).toEqual([{ tenantId: 'acme', value: '1' }]);
  });

  it('opens the session with the BEGIN of a transaction started in a tenant scope, and only then', async () => {
    const client: PoolClient = await runInTenantScope('acme', () => pool.connect());
    try {
      await client.query(adapterQuery('BEGIN'));
      const { rows } = await client.query(adapterQuery("SELECT current_user::text, current_setting('app.tenant_id', true)"));
      expect(rows).toEqual([[APP_ROLE, 'acme']]);
      await client.query(adapterQuery('COMMIT'));
    } finally {
      client.release();
    }
    await expectCleanConnection(pool);
    const refused = await runInTenantScope('acme', () => pool.connect());
    try {
      await expect(refused.query(adapterQuery('SELECT 1'))).rejects.toThrow('must start with BEGIN');
    } finally {
      refused.release();
    }
    await expectCleanConnection(pool);
  });

  describe('group commit while the pool is busy', () => {
    const insert = (tenant: string, message: string) => inScope(pool, tenant, `INSERT INTO greeting (message) VALUES ('${message}') RETURNING tenant_id, current_setting('app.tenant_id', true), txid_current()::text`);

    it('commits several tenants’ statements in one transaction, each under its own tenant', async () => {
      await pool.query('SELECT 1');
      const before = CountingSocket.flushes;
      const tenants = Array.from({ length: 20 }, (_, i) => `t${i}`);
      const results = await Promise.all(tenants.map((tenant) => insert(tenant, `m-${tenant}`)));
      results.forEach((result, i) => expect(result.rows).toEqual([[tenants[i], tenants[i], expect.any(String)]]));
      // One connection: the first goes alone, the others wait and go together (at most MAX_GROUP at once).
      const transactions = new Set(results.map((result) => result.rows[0][2]));
      expect(transactions.size).toBeLessThan(tenants.length);
      expect(CountingSocket.flushes - before).toBe(transactions.size);
      const rows = await db.database.unscoped.greeting.findMany({ select: { tenantId: true, message: true } });
      expect(rows.sort((a, b) => a.tenantId.localeCompare(b.tenantId))).toEqual(tenants.map((t) => ({ tenantId: t, message: `m-${t}` })).sort((a, b) => a.tenantId.localeCompare(b.tenantId)));
    });

    it('fails only the failing statement of a group: the others are committed, each on its own', async () => {
      await inScope(pool, 'acme', "INSERT INTO note (key, value, updated_at) VALUES ('taken', '1', now())");
      const calls = [
        insert('t1', 'ok-1'),
        inScope(pool, 'acme', "INSERT INTO note (key, value, updated_at) VALUES ('taken', '2', now())"),
        insert('t2', 'ok-2'),
        // A session statement that fails: its statement (which would bypass RLS as this superuser) must not run.
        inScope(pool, 'a\u0000b', "INSERT INTO greeting (tenant_id, message) VALUES ('victim', 'planted')"),
        insert('t3', 'ok-3'),
      ];
      const settled = await Promise.allSettled(calls);
      expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
      expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: '23505' });
      expect((settled[3] as PromiseRejectedResult).reason).toMatchObject({ code: '22021' });
      const messages = (await db.database.unscoped.greeting.findMany({ select: { message: true } })).map((g) => g.message).sort();
      expect(messages).toEqual(['ok-1', 'ok-2', 'ok-3']);
      expect(await db.database.unscoped.note.count()).toBe(1);
      await expectCleanConnection(pool);
    });
  });

  it('prepares no named statement with namedStatements: false (PgBouncer in transaction mode before 1.21)', async () => {
    const prepared = (database: Database) => database.runAsTenant('acme', (tx) => tx.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM pg_prepared_statements`);
    for (const namedStatements of [false, true]) {
      const database = await openDatabase({ engine: 'server', url, poolSize: 1, namedStatements }, { migrate: false });
      try {
        await database.forTenant('acme').greeting.create({ data: { message: `named ${namedStatements}` } });
        expect(await database.forTenant('acme').greeting.count({ where: { message: `named ${namedStatements}` } })).toBe(1);
        const [{ n }] = await prepared(database);
        expect(n > 0).toBe(namedStatements);
      } finally {
        await database.close();
      }
    }
  });

  it('is an ordinary pool outside a tenant scope', async () => {
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect(((await pool.query(adapterQuery('SELECT current_user::text'))) as QueryResult<unknown[]>).rows[0]).not.toEqual([APP_ROLE]);
    const client: PoolClient = await pool.connect();
    try {
      expect((await client.query('SELECT $1::text AS v', ['a'])).rows).toEqual([{ v: 'a' }]);
      await client.query('BEGIN');
      expect((await client.query("SELECT current_setting('app.tenant_id', true) AS t")).rows[0].t ?? '').toBe('');
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });

  it('gives each of several tenants interleaving on a 2-connection pool only its own rows', async () => {
    const tenants = ['t1', 't2', 't3', 't4', 't5'];
    await Promise.all(tenants.flatMap((tenant) => Array.from({ length: 6 }, (_, i) => db.database.forTenant(tenant).greeting.create({ data: { message: `${tenant}-${i}` } }))));
    const checks = tenants.flatMap((tenant) => [
      db.database
        .forTenant(tenant)
        .greeting.findMany()
        .then((rows) => {
          expect(rows).toHaveLength(6);
          expect(rows.every((row) => row.tenantId === tenant && row.message.startsWith(`${tenant}-`))).toBe(true);
        }),
      db.database
        .forTenant(tenant)
        .greeting.count()
        .then((count) => expect(count).toBe(6)),
      // An unscoped raw SELECT inside the tenant transaction: only RLS filters it.
      db.database
        .runAsTenant(tenant, (tx) => tx.$queryRaw<{ tenant_id: string; who: string; setting: string }[]>`SELECT tenant_id, current_user AS who, current_setting('app.tenant_id', true) AS setting FROM greeting`)
        .then((rows) => {
          expect(rows).toHaveLength(6);
          expect(rows.every((row) => row.tenant_id === tenant && row.who === APP_ROLE && row.setting === tenant)).toBe(true);
        }),
    ]);
    await Promise.all(checks);
    expect(await db.database.unscoped.greeting.count()).toBe(30);
  });
});

async function expectCleanConnection(pool: TenantSessionPool): Promise<void> {
  const { rows } = (await pool.query(
    "SELECT current_user::text AS who, current_setting('app.tenant_id', true) AS setting, now() = statement_timestamp() AS idle",
  )) as QueryResult<{ who: string; setting: string | null; idle: boolean }>;
  expect(rows[0].who).not.toBe(APP_ROLE);
  expect(rows[0].setting ?? '').toBe('');
  expect(rows[0].idle).toBe(true);
}
