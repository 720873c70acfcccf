// No empty tenant: once a scoped call has run on a connection, the tenant setting reads '' there
// (not NULL). With one pooled connection, the unscoped statements below run on exactly that connection.
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../../testing';

describeEachEngine('no empty tenant', (engine) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(engine, { poolSize: 1 });
  }, 120_000);
  afterAll(() => db?.drop());

  beforeEach(async () => {
    await db.database.forTenant('alice').greeting.create({ data: { message: 'scoped first' } });
  });

  it('leaves the setting at empty, not unset, on the connection a scoped call used', async () => {
    const [row] = await db.database.unscoped.$queryRaw<{ t: string | null }[]>`SELECT current_setting('app.tenant_id', true) AS t`;
    expect(row.t).toBe('');
  });

  it('refuses an unscoped insert that names no tenant (the default is NULL, not "")', async () => {
    await expect(db.database.unscoped.$executeRaw`INSERT INTO greeting (message) VALUES ('no tenant')`).rejects.toThrow(/null value in column "tenant_id"/);
    await expect(db.database.unscoped.note.create({ data: { key: 'k', value: 'no tenant' } })).rejects.toThrow(/tenant_id/);
    expect(await db.database.unscoped.greeting.count({ where: { tenantId: { not: 'alice' } } })).toBe(0);
    expect(await db.database.unscoped.note.count()).toBe(0);
  });

  it('refuses an explicitly empty tenant id, even from a login that bypasses row-level security', async () => {
    await expect(db.database.unscoped.$executeRaw`INSERT INTO greeting (tenant_id, message) VALUES ('', 'empty')`).rejects.toThrow(
      /greeting_tenant_id_not_empty/,
    );
    await expect(db.database.unscoped.$executeRaw`UPDATE greeting SET tenant_id = ''`).rejects.toThrow(/greeting_tenant_id_not_empty/);
    expect(await db.database.unscoped.greeting.count({ where: { tenantId: '' } })).toBe(0);
  });

  it('shows a session with no tenant none of the rows, on the same connection', async () => {
    const rows = await db.database.unscoped.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('role', 'mcp_app', true)`;
      return tx.$queryRaw<unknown[]>`SELECT * FROM greeting`;
    });
    expect(rows).toEqual([]);
  });
});
