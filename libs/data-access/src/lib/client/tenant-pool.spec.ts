import { Client, type PoolClient } from 'pg';
import { createTestDatabase, testServerUrl, type TestDatabase } from '../../testing';
import { APP_ROLE, TENANT_READ_SESSION_SQL, TENANT_SESSION_SQL, TENANT_SETTING } from '../tenancy/tenant-session';
import { sendSegment, TenantSessionPool } from './tenant-pool';

// Server only: PGlite (embedded) has no pool and no round trips.
const describeServer = testServerUrl() ? describe : describe.skip;

type Internals = { _handleReadyForQuery(this: Client, message: unknown): void };
const proto = Client.prototype as unknown as Internals;
const originalReadyForQuery = proto._handleReadyForQuery;
/** ReadyForQuery messages received by any pg client: one per round trip. */
let roundTrips = 0;

async function countRoundTrips(fn: () => Promise<unknown>): Promise<number> {
  const before = roundTrips;
  await fn();
  return roundTrips - before;
}

/** The adapter's way of sending a statement (`PgQueryable.performIO`). */
const adapterQuery = (text: string, values: unknown[] = []) => ({ text, values, rowMode: 'array' as const });

describeServer('TenantSessionPool on PostgreSQL', () => {
  let db: TestDatabase;
  let url: string;
  beforeAll(async () => {
    // Before any connection exists: pg binds this handler per connection.
    proto._handleReadyForQuery = function (this: Client, message: unknown) {
      roundTrips++;
      return originalReadyForQuery.call(this, message);
    };
    db = await createTestDatabase('server', { poolSize: 2 });
    url = (db.config as { url: string }).url;
  });
  afterAll(async () => {
    proto._handleReadyForQuery = originalReadyForQuery;
    await db?.drop();
  });
  beforeEach(async () => {
    await db.database.unscoped.greeting.deleteMany();
    await db.database.unscoped.note.deleteMany();
  });

  describe('round trips', () => {
    it('runs a scoped read in 1 round trip and a scoped single-statement write in 2 (4 each before)', async () => {
      const acme = db.database.forTenant('acme');
      // Warm up: connections opened and statements prepared.
      for (let i = 0; i < 3; i++) {
        await acme.greeting.create({ data: { message: `warm ${i}` } });
        await acme.greeting.findMany({ take: 10 });
        await db.database.unscoped.greeting.findMany({ where: { tenantId: 'acme' }, take: 10 });
      }
      expect(await countRoundTrips(() => db.database.unscoped.greeting.findMany({ where: { tenantId: 'acme' }, take: 10 }))).toBe(1);
      expect(await countRoundTrips(() => acme.greeting.findMany({ take: 10 }))).toBe(1);
      expect(await countRoundTrips(() => acme.greeting.count())).toBe(1);
      expect(await countRoundTrips(() => acme.greeting.create({ data: { message: 'hi' } }))).toBe(2);
      expect(await countRoundTrips(() => acme.greeting.deleteMany({ where: { message: 'hi' } }))).toBe(2);
      // runAsTenant: BEGIN and the session travel with the first statement, then COMMIT.
      expect(await countRoundTrips(() => db.database.runAsTenant('acme', (tx) => tx.$queryRaw`SELECT 1`))).toBe(2);
    });

    it('sends nothing for an empty tenant transaction and ends it without a server round trip', async () => {
      const pool = new TenantSessionPool({ connectionString: url, max: 1 });
      try {
        await pool.query('SELECT 1');
        const client = await pool.connect();
        const trips = await countRoundTrips(async () => {
          await client.query(adapterQuery('BEGIN'));
          await client.query(adapterQuery(TENANT_SESSION_SQL, [APP_ROLE, TENANT_SETTING, 'acme']));
          expect((await client.query(adapterQuery('COMMIT'))).command).toBe('COMMIT');
        });
        expect(trips).toBe(0);
        client.release();
      } finally {
        await pool.end();
      }
    });
  });

  describe('isolation on the new path', () => {
    it('gives each of several tenants interleaving on a 2-connection pool only its own rows', async () => {
      const tenants = ['t1', 't2', 't3', 't4', 't5'];
      await Promise.all(
        tenants.flatMap((tenant) =>
          Array.from({ length: 6 }, (_, i) => db.database.forTenant(tenant).greeting.create({ data: { message: `${tenant}-${i}` } })),
        ),
      );
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
          .runAsTenant(tenant, (tx) =>
            tx.$queryRaw<{ tenant_id: string; who: string; setting: string }[]>`SELECT tenant_id, current_user AS who, current_setting('app.tenant_id', true) AS setting FROM greeting`,
          )
          .then((rows) => {
            expect(rows).toHaveLength(6);
            expect(rows.every((row) => row.tenant_id === tenant && row.who === APP_ROLE && row.setting === tenant)).toBe(true);
          }),
      ]);
      await Promise.all([...checks, ...checks.map(() => db.database.forTenant('t1').greeting.findFirst())]);
      expect(await db.database.unscoped.greeting.count()).toBe(30);
    });

    it('runs every read statement as mcp_app with the tenant set, so RLS alone confines it', async () => {
      await db.database.unscoped.greeting.createMany({
        data: [
          { tenantId: 'alice', message: 'a' },
          { tenantId: 'bob', message: 'b' },
        ],
      });
      const pool = new TenantSessionPool({ connectionString: url, max: 1 });
      try {
        for (const tenant of ['alice', 'bob', "o'brien'); SELECT set_config('role', 'postgres', false); --"]) {
          const client = await pool.connect();
          try {
            await client.query(adapterQuery('BEGIN'));
            await client.query(adapterQuery(TENANT_READ_SESSION_SQL, [APP_ROLE, TENANT_SETTING, tenant]));
            // No tenant filter in the SQL: only row-level security restricts it.
            for (let i = 0; i < 2; i++) {
              const { rows } = await client.query<[string, string, string[] | null]>(
                adapterQuery("SELECT current_user::text, current_setting('app.tenant_id', true), (SELECT array_agg(tenant_id) FROM greeting)"),
              );
              expect(rows[0]).toEqual([APP_ROLE, tenant, tenant.startsWith('o') ? null : [tenant]]);
            }
            await client.query(adapterQuery('COMMIT'));
          } finally {
            client.release();
          }
          await expectCleanConnection(pool);
        }
      } finally {
        await pool.end();
      }
    });
  });

  describe('errors', () => {
    it('rolls back a write that fails mid-transaction and returns a connection with no role or tenant', async () => {
      const single = await createTestDatabase('server', { poolSize: 1 });
      try {
        const acme = single.database.forTenant('acme');
        await acme.note.create({ data: { key: 'k', value: '1' } });
        await expect(acme.note.create({ data: { key: 'k', value: '2' } })).rejects.toMatchObject({ code: 'ERR_DB_QUERY', dbCode: 'P2002' });
        // The pooled connection is idle, not left in a transaction.
        const admin = new Client({ connectionString: (single.config as { url: string }).url });
        await admin.connect();
        try {
          const { rows } = await admin.query('SELECT state FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
          expect(rows).toEqual([{ state: 'idle' }]);
        } finally {
          await admin.end();
        }
        // The only connection, checked out again: no tenant setting, no role.
        const [state] = await single.database.unscoped.$queryRaw<{ who: string; setting: string | null }[]>`
          SELECT current_user::text AS who, current_setting('app.tenant_id', true) AS setting`;
        expect(state.who).not.toBe(APP_ROLE);
        expect(state.setting ?? '').toBe('');
        expect(await acme.note.findMany()).toEqual([expect.objectContaining({ key: 'k', value: '1' })]);
        // Nothing of the failed transaction survived, and the next write works.
        await acme.note.create({ data: { key: 'k2', value: '2' } });
        expect(await acme.note.count()).toBe(2);
      } finally {
        await single.drop();
      }
    });

    it('leaves a clean connection after a failing read and after a failing transaction', async () => {
      const pool = new TenantSessionPool({ connectionString: url, max: 1 });
      try {
        for (const session of [TENANT_READ_SESSION_SQL, TENANT_SESSION_SQL]) {
          const client = await pool.connect();
          await client.query(adapterQuery('BEGIN'));
          await client.query(adapterQuery(session, [APP_ROLE, TENANT_SETTING, 'acme']));
          await expect(client.query(adapterQuery('SELECT 1 / 0'))).rejects.toMatchObject({ code: '22012' });
          await client.query(adapterQuery('ROLLBACK'));
          client.release();
          await expectCleanConnection(pool);
        }
      } finally {
        await pool.end();
      }
    });

    it('skips the query when the prefix fails (one Sync segment), and keeps prepared statements usable', async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        const send = client.query.bind(client) as (query: unknown) => unknown;
        const insert = { name: 'mcpf_test_insert', text: "INSERT INTO greeting (tenant_id, message) VALUES ('x', $1)", values: ['skipped'] };
        await expect(sendSegment(send, [{ text: 'SELECT 1 / 0', values: [] }], insert)).rejects.toMatchObject({ code: '22012' });
        expect((await client.query('SELECT count(*)::int AS n FROM greeting')).rows[0].n).toBe(0);
        // The named statement's Parse was skipped too: pg must parse it again, not assume it exists.
        const result = await sendSegment(send, [{ text: 'BEGIN', values: [] }], { ...insert, values: ['kept'] });
        expect(result.rowCount).toBe(1);
        await client.query('COMMIT');
        expect((await client.query(insert)).rowCount).toBe(1);
        expect((await client.query('SELECT count(*)::int AS n FROM greeting')).rows[0].n).toBe(2);
      } finally {
        await client.end();
      }
    });

    it('passes other queries through untouched', async () => {
      const pool = new TenantSessionPool({ connectionString: url, max: 1 });
      try {
        expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
        const client: PoolClient = await pool.connect();
        expect((await client.query('SELECT $1::text AS v', ['a'])).rows).toEqual([{ v: 'a' }]);
        await client.query('BEGIN');
        expect((await client.query('SELECT now() <> statement_timestamp() AS tx')).rows[0].tx).toBe(true);
        await client.query('ROLLBACK');
        client.release();
      } finally {
        await pool.end();
      }
    });
  });
});

async function expectCleanConnection(pool: TenantSessionPool): Promise<void> {
  const { rows } = await pool.query<{ who: string; setting: string | null; idle: boolean }>(
    "SELECT current_user::text AS who, current_setting('app.tenant_id', true) AS setting, now() = statement_timestamp() AS idle",
  );
  expect(rows[0]).toMatchObject({ who: expect.not.stringMatching(`^${APP_ROLE}$`) });
  expect(rows[0].setting ?? '').toBe('');
  expect(rows[0]).toMatchObject({ idle: true });
}
