import { PGlite } from '@electric-sql/pglite';
import { APP_ROLE } from '../../tenancy/tenant-session';
import { pgliteTenantSession } from './pglite-tenant-session';

const SETTINGS = "SELECT current_user AS role, current_setting('app.tenant_id', true) AS tenant";

describe('pgliteTenantSession (the session statement in one protocol exchange)', () => {
  let pglite: PGlite;
  let openSession: (tenantId: string) => Promise<void>;
  beforeAll(async () => {
    pglite = await PGlite.create();
    await pglite.exec(`CREATE ROLE ${APP_ROLE} NOLOGIN`);
    openSession = pgliteTenantSession(pglite);
  }, 120_000);
  afterAll(() => pglite.close());

  it('sets the role and the tenant for the rest of the transaction only', async () => {
    const inside = await pglite.transaction(async (tx) => {
      await openSession("t'1");
      return (await tx.query<{ role: string; tenant: string }>(SETTINGS)).rows[0];
    });
    expect(inside).toEqual({ role: APP_ROLE, tenant: "t'1" });
    const after = (await pglite.query<{ role: string; tenant: string | null }>(SETTINGS)).rows[0];
    expect(after.role).toBe('postgres');
    expect(after.tenant ?? '').toBe('');
  });

  it('refuses to run outside a transaction (its Sync would commit the settings into the session)', async () => {
    await expect(openSession('t1')).rejects.toThrow('tenant session statement outside a transaction');
    expect((await pglite.query<{ role: string }>(SETTINGS)).rows[0].role).toBe('postgres');
  });

  it('throws the database error and leaves the transaction aborted, so nothing runs without its session', async () => {
    await pglite.exec(`DROP ROLE ${APP_ROLE}`);
    try {
      let afterError: unknown;
      await expect(
        pglite.transaction(async (tx) => {
          await openSession('t1').catch(async (error: unknown) => {
            afterError = await tx.query('SELECT 1').catch((e: unknown) => e);
            throw error;
          });
        }),
      ).rejects.toMatchObject({ message: expect.stringContaining(APP_ROLE) });
      expect(afterError).toMatchObject({ code: '25P02' }); // in_failed_sql_transaction
    } finally {
      await pglite.exec(`CREATE ROLE ${APP_ROLE} NOLOGIN`);
    }
  });
});
