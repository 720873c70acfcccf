import fc from 'fast-check';
import { createTestDatabase, describeEachEngine, type TestDatabase } from '../../testing';
import type { TenantTransactionClient } from '../client/open-database';

const TENANTS = ['alice', 'bob', 'carol'] as const;
const KEYS = ['a', 'b', 'c'] as const;

type Command =
  | { kind: 'greet'; tenant: number; message: string }
  | { kind: 'clearGreetings'; tenant: number }
  | { kind: 'setNote'; tenant: number; key: number; value: string }
  | { kind: 'updateNote'; tenant: number; key: number; value: string }
  | { kind: 'deleteNote'; tenant: number; key: number };

const tenant = fc.integer({ min: 0, max: TENANTS.length - 1 });
const key = fc.integer({ min: 0, max: KEYS.length - 1 });
const text = fc.string({ maxLength: 8 });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('greet' as const), tenant, message: text }),
  fc.record({ kind: fc.constant('clearGreetings' as const), tenant }),
  fc.record({ kind: fc.constant('setNote' as const), tenant, key, value: text }),
  fc.record({ kind: fc.constant('updateNote' as const), tenant, key, value: text }),
  fc.record({ kind: fc.constant('deleteNote' as const), tenant, key }),
);

describeEachEngine('tenant isolation', (engine) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(engine);
  }, 120_000);
  afterAll(() => db?.drop());
  beforeEach(async () => {
    await db.database.unscoped.greeting.deleteMany();
    await db.database.unscoped.note.deleteMany();
  });

  it('gives each tenant exactly its own rows under random creates, reads, updates and deletes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (commands) => {
        await db.database.unscoped.greeting.deleteMany();
        await db.database.unscoped.note.deleteMany();
        const greetings = TENANTS.map(() => [] as string[]);
        const notes = TENANTS.map(() => new Map<string, string>());
        for (const c of commands) {
          const client = db.database.forTenant(TENANTS[c.tenant]);
          switch (c.kind) {
            case 'greet':
              await client.greeting.create({ data: { message: c.message } });
              greetings[c.tenant].push(c.message);
              break;
            case 'clearGreetings':
              expect((await client.greeting.deleteMany()).count).toBe(greetings[c.tenant].length);
              greetings[c.tenant] = [];
              break;
            case 'setNote':
              await client.note.upsert({
                where: { tenantId_key: { tenantId: TENANTS[c.tenant], key: KEYS[c.key] } },
                create: { key: KEYS[c.key], value: c.value },
                update: { value: c.value },
              });
              notes[c.tenant].set(KEYS[c.key], c.value);
              break;
            case 'updateNote': {
              const { count } = await client.note.updateMany({ where: { key: KEYS[c.key] }, data: { value: c.value } });
              expect(count).toBe(notes[c.tenant].has(KEYS[c.key]) ? 1 : 0);
              if (count) notes[c.tenant].set(KEYS[c.key], c.value);
              break;
            }
            case 'deleteNote': {
              const { count } = await client.note.deleteMany({ where: { key: KEYS[c.key] } });
              expect(count).toBe(notes[c.tenant].delete(KEYS[c.key]) ? 1 : 0);
              break;
            }
          }
        }
        for (const [i, id] of TENANTS.entries()) {
          const client = db.database.forTenant(id);
          const seenGreetings = await client.greeting.findMany();
          expect(seenGreetings.map((g) => g.message).sort()).toEqual([...greetings[i]].sort());
          expect(seenGreetings.every((g) => g.tenantId === id)).toBe(true);
          const seenNotes = await client.note.findMany({ orderBy: { key: 'asc' } });
          expect(seenNotes.map((n) => [n.key, n.value])).toEqual([...notes[i].entries()].sort(([a], [b]) => a.localeCompare(b)));
          expect(await client.note.count()).toBe(notes[i].size);
        }
      }),
      { numRuns: 12 },
    );
  });

  it('cannot read, update or delete another tenant row even by its exact primary key', async () => {
    const alice = db.database.forTenant('alice');
    const bob = db.database.forTenant('bob');
    const greeting = await alice.greeting.create({ data: { name: 'Ada', message: 'hello' } });
    expect(greeting).toMatchObject({ tenantId: 'alice', name: 'Ada', message: 'hello' });
    await alice.note.create({ data: { key: 'k', value: 'alice' } });

    expect(await bob.greeting.findFirst({ where: { id: greeting.id } })).toBeNull();
    expect(await bob.greeting.findMany({ where: { OR: [{ id: greeting.id }, { message: 'hello' }] } })).toEqual([]);
    expect(await bob.note.findUnique({ where: { tenantId_key: { tenantId: 'bob', key: 'k' } } })).toBeNull();
    expect((await bob.greeting.updateMany({ where: { id: greeting.id }, data: { message: 'pwned' } })).count).toBe(0);
    expect((await bob.note.deleteMany({})).count).toBe(0);
    await expect(bob.note.update({ where: { tenantId_key: { tenantId: 'bob', key: 'k' } }, data: { value: 'x' } })).rejects.toMatchObject({
      code: 'ERR_DB_QUERY',
      dbCode: 'P2025',
    });
    expect(await alice.note.findUnique({ where: { tenantId_key: { tenantId: 'alice', key: 'k' } } })).toMatchObject({ value: 'alice' });
    expect(await alice.greeting.findFirst()).toMatchObject({ message: 'hello' });
  });

  it('refuses another tenant id in where or data with ERR_TENANT_MISMATCH', async () => {
    const alice = db.database.forTenant('alice');
    await expect(alice.greeting.create({ data: { tenantId: 'bob', message: 'x' } })).rejects.toMatchObject({
      code: 'ERR_TENANT_MISMATCH',
      message: 'Greeting.create: data.tenantId names tenant "bob" but this client is scoped to tenant "alice"',
    });
    await expect(alice.note.findMany({ where: { tenantId: 'bob' } })).rejects.toMatchObject({
      code: 'ERR_TENANT_MISMATCH',
      message: 'Note.findMany: where.tenantId names tenant "bob" but this client is scoped to tenant "alice"',
    });
    expect(await db.database.unscoped.greeting.count()).toBe(0);
  });

  it('refuses raw SQL on a tenant client with ERR_RAW_QUERY_FORBIDDEN', async () => {
    const alice = db.database.forTenant('alice');
    expect(() => alice.$queryRaw`SELECT * FROM greeting`).toThrow(
      expect.objectContaining({
        code: 'ERR_RAW_QUERY_FORBIDDEN',
        message: '$queryRaw is not allowed on a tenant-scoped client: it could step outside the tenant',
      }),
    );
    expect(() => alice.$executeRawUnsafe('DELETE FROM note')).toThrow(expect.objectContaining({ code: 'ERR_RAW_QUERY_FORBIDDEN' }));
    expect(await db.database.unscoped.note.count()).toBe(0);
  });

  it('refuses a missing tenant id with ERR_TENANT_MISSING', () => {
    expect(() => db.database.forTenant('')).toThrow(
      expect.objectContaining({ code: 'ERR_TENANT_MISSING', message: 'A tenant id is required for tenant-scoped data access, got ""' }),
    );
    expect(() => db.database.forTenant(undefined as never)).toThrow(expect.objectContaining({ code: 'ERR_TENANT_MISSING' }));
  });

  it('caches tenant clients', () => {
    expect(db.database.forTenant('alice')).toBe(db.database.forTenant('alice'));
  });

  describe('row-level security (defence in depth)', () => {
    beforeEach(async () => {
      await db.database.forTenant('alice').greeting.createMany({ data: [{ message: 'a1' }, { message: 'a2' }] });
      await db.database.forTenant('bob').greeting.create({ data: { message: 'b1' } });
    });

    it('lets an unscoped SELECT * inside the tenant transaction see only that tenant', async () => {
      const rows = await db.database.runAsTenant('alice', (tx) => tx.$queryRaw<{ tenant_id: string; message: string }[]>`SELECT * FROM greeting ORDER BY message`);
      expect(rows.map((r) => [r.tenant_id, r.message])).toEqual([
        ['alice', 'a1'],
        ['alice', 'a2'],
      ]);
      const who = await db.database.runAsTenant('bob', (tx) => tx.$queryRaw<{ u: string; t: string }[]>`SELECT current_user AS u, current_setting('app.tenant_id', true) AS t`);
      expect(who).toEqual([{ u: 'mcp_app', t: 'bob' }]);
      // Unextended delegates inside the transaction: filtered by RLS alone.
      expect(await db.database.runAsTenant('bob', (tx) => tx.greeting.count())).toBe(1);
    });

    it('refuses an insert with another tenant id (ERR_TENANT_ACCESS_DENIED) and rolls the transaction back', async () => {
      await expect(
        db.database.runAsTenant('alice', async (tx) => {
          await tx.greeting.create({ data: { message: 'mine' } });
          return tx.$executeRaw`INSERT INTO greeting (tenant_id, message) VALUES ('bob', 'sneaky')`;
        }),
      ).rejects.toMatchObject({
        code: 'ERR_TENANT_ACCESS_DENIED',
        message: expect.stringContaining('new row violates row-level security policy for table "greeting"'),
      });
      expect(await db.database.unscoped.greeting.count({ where: { message: { in: ['mine', 'sneaky'] } } })).toBe(0);
    });

    it('cannot move a row to another tenant, update or delete its rows with raw SQL', async () => {
      await expect(db.database.runAsTenant('alice', (tx) => tx.$executeRaw`UPDATE greeting SET tenant_id = 'bob'`)).rejects.toMatchObject({
        code: 'ERR_TENANT_ACCESS_DENIED',
      });
      expect(await db.database.runAsTenant('alice', (tx) => tx.$executeRaw`DELETE FROM greeting WHERE tenant_id = 'bob'`)).toBe(0);
      expect(await db.database.unscoped.greeting.count({ where: { tenantId: 'bob' } })).toBe(1);
    });

    it('sees nothing and can insert nothing when no tenant is set', async () => {
      const asAppRole = <T>(fn: (tx: TenantTransactionClient) => Promise<T>) =>
        db.database.unscoped.$transaction(async (tx) => {
          await tx.$executeRaw`SELECT set_config('role', 'mcp_app', true)`;
          return fn(tx);
        });
      expect(await asAppRole((tx) => tx.$queryRaw<unknown[]>`SELECT * FROM greeting`)).toEqual([]);
      await expect(asAppRole((tx) => tx.$executeRaw`INSERT INTO greeting (message) VALUES ('no tenant')`)).rejects.toThrow(/row-level security|null value in column "tenant_id"/);
      await expect(asAppRole((tx) => tx.$executeRaw`INSERT INTO greeting (tenant_id, message) VALUES ('', 'empty tenant')`)).rejects.toThrow(
        /greeting_tenant_id_not_empty|row-level security/,
      );
      expect(await db.database.unscoped.greeting.count({ where: { message: { in: ['no tenant', 'empty tenant'] } } })).toBe(0);
    });

    it('keeps the scope per transaction: settings never leak to the next query on the connection', async () => {
      await db.database.forTenant('alice').greeting.findMany();
      const after = await db.database.unscoped.$queryRaw<{ reset: boolean; t: string | null }[]>`
        SELECT current_user = session_user AS reset, nullif(current_setting('app.tenant_id', true), '') AS t`;
      expect(after).toEqual([{ reset: true, t: null }]);
    });

    it('runs a batch $transaction on one connection, as forTenant relies on (concurrently, on the pool)', async () => {
      const prisma = db.database.unscoped;
      const ids = Array.from({ length: 16 }, (_, i) => `t${i}`);
      const results = await Promise.all(
        ids.map((id) =>
          prisma.$transaction([
            prisma.$executeRaw`SELECT set_config('role', 'mcp_app', true), set_config('app.tenant_id', ${id}, true)`,
            prisma.$queryRaw<{ u: string; t: string }[]>`SELECT current_user AS u, current_setting('app.tenant_id', true) AS t`,
          ]),
        ),
      );
      expect(results.map(([, rows]) => rows[0])).toEqual(ids.map((t) => ({ u: 'mcp_app', t })));
    });

    it('runs concurrent tenants on a shared pool without mixing them', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? 'alice' : 'bob')).map(async (id) => ({ id, rows: await db.database.forTenant(id).greeting.findMany() })),
      );
      for (const { id, rows } of results) {
        expect(rows.length).toBe(id === 'alice' ? 2 : 1);
        expect(rows.every((r) => r.tenantId === id)).toBe(true);
      }
    });
  });
});
