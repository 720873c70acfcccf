// The service's tenant session through PgBouncer 1.18 in transaction pooling mode, with a raw pg client:
// role and tenant set transaction-locally work (explicit and implicit transactions) and never reach the
// next transaction on the same server connection; session state (SET, named prepared statements)
// does not survive — what the data-access tenant path must avoid (docs/scale-out.md, "PostgreSQL").
import { randomBytes } from 'node:crypto';
import { describeWithBinaries, describeWithPostgres, testPostgres } from '@mcp-factory/shared-util/testing';
import { Client } from 'pg';
import { createScratchDatabase, type ScratchDatabase } from './support/scratch-database';
import { startPgbouncer, type RunningEngine } from './support/scale-out-stack';

const TENANT_SESSION = "SELECT set_config('role', $1, true), set_config('app.tenant_id', $2, true)";

describeWithBinaries(['pgbouncer'], 'PgBouncer (transaction pooling) in front of PostgreSQL', () => {
  describeWithPostgres('the tenant session through PgBouncer', () => {
    let db: ScratchDatabase;
    const role = `mcpf_pgb_${randomBytes(5).toString('hex')}`;
    const engines: RunningEngine[] = [];
    const clients: Client[] = [];

    /** PgBouncer with `poolSize` server connections for the scratch database. */
    async function bouncer(poolSize: number): Promise<RunningEngine> {
      const server = new URL(db.url);
      const engine = await startPgbouncer({ server: { host: server.hostname, port: Number(server.port || 5432) }, users: [decodeURIComponent(server.username || 'postgres')], defaultPoolSize: poolSize });
      engines.push(engine);
      return engine;
    }
    async function client(engine: RunningEngine): Promise<Client> {
      const c = new Client({ connectionString: db.urlVia(engine.port), connectionTimeoutMillis: 10_000 });
      await c.connect();
      clients.push(c);
      return c;
    }
    const pid = async (c: Client) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const settings = async (c: Client) =>
      (await c.query<{ who: string; tenant: string | null }>("SELECT current_user AS who, nullif(current_setting('app.tenant_id', true), '') AS tenant")).rows[0];

    beforeAll(async () => {
      db = await createScratchDatabase();
      // A tenant table as the migrations make it: RLS forced, the policy reads app.tenant_id.
      await db.query(`CREATE ROLE ${role} NOLOGIN`);
      await db.query(`CREATE TABLE note (tenant_id text NOT NULL, body text NOT NULL)`);
      await db.query(`ALTER TABLE note ENABLE ROW LEVEL SECURITY`);
      await db.query(`ALTER TABLE note FORCE ROW LEVEL SECURITY`);
      await db.query(`CREATE POLICY tenant_isolation ON note USING (tenant_id = current_setting('app.tenant_id', true)) WITH CHECK (tenant_id = current_setting('app.tenant_id', true))`);
      await db.query(`GRANT SELECT, INSERT ON note TO ${role}`);
    }, 120_000);
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.end().catch(() => undefined)));
      await Promise.all(engines.splice(0).map((e) => e.stop()));
    });
    afterAll(async () => {
      if (!db) return;
      await db.drop();
      // Roles are cluster-wide: drop it once the database holding its grants is gone.
      const admin = new Client({ connectionString: testPostgres().url });
      await admin.connect();
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
    });

    it('runs BEGIN; set_config(role, tenant, local); query; COMMIT — and the next client on the same server connection starts clean', async () => {
      const engine = await bouncer(1);
      const [a, b] = [await client(engine), await client(engine)];
      await a.query('BEGIN');
      await a.query(TENANT_SESSION, [role, 'tenant-a']);
      await a.query("INSERT INTO note VALUES ('tenant-a', 'hello')");
      expect(await settings(a)).toEqual({ who: role, tenant: 'tenant-a' });
      const pidA = await pid(a);
      await a.query('COMMIT');
      // One server connection: b gets the very connection a used, with nothing of a's session left.
      expect(await pid(b)).toBe(pidA);
      expect(await settings(b)).toEqual({ who: 'postgres', tenant: null });
      await b.query('BEGIN');
      await b.query(TENANT_SESSION, [role, 'tenant-b']);
      expect((await b.query('SELECT count(*)::int AS n FROM note')).rows[0].n).toBe(0);
      await b.query('COMMIT');
      expect(await db.query('SELECT tenant_id, body FROM note')).toEqual([{ tenant_id: 'tenant-a', body: 'hello' }]);
    });

    it('runs the implicit-transaction form (session statement and query in one simple-protocol round trip)', async () => {
      const engine = await bouncer(1);
      const [a, b] = [await client(engine), await client(engine)];
      await db.query("INSERT INTO note VALUES ('tenant-c', 'one'), ('tenant-c', 'two'), ('tenant-d', 'other')");
      // Both statements run in one implicit transaction: the settings end with it.
      const tenant = a.escapeLiteral('tenant-c');
      const results = (await a.query(`SELECT set_config('role', '${role}', true), set_config('app.tenant_id', ${tenant}, true); SELECT count(*)::int AS n FROM note`)) as unknown as { rows: { n: number }[] }[];
      expect(results[1].rows[0].n).toBe(2);
      expect(await settings(b)).toEqual({ who: 'postgres', tenant: null });
      expect(await settings(a)).toEqual({ who: 'postgres', tenant: null });
    });

    it('never shows one transaction’s tenant to another client, even while it waits for the only server connection', async () => {
      const engine = await bouncer(1);
      const [a, b] = [await client(engine), await client(engine)];
      await a.query('BEGIN');
      await a.query(TENANT_SESSION, [role, 'tenant-e']);
      // b queues behind a's transaction (the only server connection is a's until COMMIT).
      const seenByB = settings(b);
      const order: string[] = [];
      void seenByB.then(() => order.push('b'));
      await a.query("INSERT INTO note VALUES ('tenant-e', 'x')");
      order.push('a-commit');
      await a.query('COMMIT');
      expect(await seenByB).toEqual({ who: 'postgres', tenant: null });
      expect(order).toEqual(['a-commit', 'b']);
    });

    it('keeps parameterized (unnamed) statements working across transactions and server connections', async () => {
      const engine = await bouncer(2);
      const clientsHere = [await client(engine), await client(engine), await client(engine)];
      for (let round = 0; round < 5; round += 1) {
        await Promise.all(
          clientsHere.map(async (c, i) => {
            await c.query('BEGIN');
            await c.query(TENANT_SESSION, [role, `tenant-p${i}`]);
            const { rows } = await c.query<{ t: string }>("SELECT current_setting('app.tenant_id') AS t WHERE $1::int >= 0", [round]);
            expect(rows).toEqual([{ t: `tenant-p${i}` }]);
            await c.query('COMMIT');
          }),
        );
      }
    });

    it('BREAKS session state: a plain SET (not LOCAL) leaks to whichever client gets the server connection next', async () => {
      const engine = await bouncer(1);
      const [a, b] = [await client(engine), await client(engine)];
      await a.query("SET app.tenant_id = 'tenant-leaked'");
      expect(await settings(b)).toEqual({ who: 'postgres', tenant: 'tenant-leaked' });
      await b.query('RESET app.tenant_id');
    });

    it('BREAKS named prepared statements: prepared on one server connection, missing on the next', async () => {
      const engine = await bouncer(2);
      const [a, b, c] = [await client(engine), await client(engine), await client(engine)];
      const named = { name: 'whoami', text: 'SELECT pg_backend_pid() AS pid' };
      const preparedOn = (await a.query<{ pid: number }>(named)).rows[0].pid;
      // Hold the connection that has the statement, so a's next transaction gets the other one.
      await b.query('BEGIN');
      let holder = b;
      if ((await pid(b)) !== preparedOn) {
        await c.query('BEGIN');
        holder = c;
        expect(await pid(c)).toBe(preparedOn);
        await b.query('COMMIT');
      }
      // pg believes 'whoami' is prepared and sends only Bind/Execute: the other server connection does not know it.
      await expect(a.query(named)).rejects.toThrow(/prepared statement "whoami" does not exist/);
      await holder.query('COMMIT');
    });
  });
});
