import type { Door } from '../door';

/** Raw SQL, transactions, extensions and the connection: every `$` door of a Prisma client. */
export const rawDoors: readonly Door[] = [
  {
    name: 'raw.queryRaw',
    tries: '`$queryRaw` SELECT * FROM note',
    attempt: async (db) => db.$queryRaw`SELECT * FROM note`,
  },
  {
    name: 'raw.queryRawUnsafe',
    tries: "`$queryRawUnsafe('SELECT * FROM greeting')`",
    attempt: async (db) => db.$queryRawUnsafe('SELECT * FROM greeting'),
  },
  {
    name: 'raw.executeRawUnsafe',
    tries: "`$executeRawUnsafe(\"UPDATE note SET value = 'pwned'\")`",
    attempt: async (db) => db.$executeRawUnsafe("UPDATE note SET value = 'pwned'"),
  },
  {
    name: 'raw.resetRole',
    tries: '`$executeRawUnsafe("RESET ROLE; SET ROLE postgres")`, then read',
    attempt: async (db) => {
      await db.$executeRawUnsafe('RESET ROLE; SET ROLE postgres');
      return db.$queryRawUnsafe('SELECT * FROM note');
    },
  },
  {
    name: 'raw.setConfig',
    tries: "`$executeRaw` set_config('app.tenant_id', <victim>, false)",
    attempt: async (db, _ctx, { victim }) => db.$executeRaw`SELECT set_config('app.tenant_id', ${victim}, false)`,
  },
  {
    name: 'raw.transactionCallback',
    tries: "`$transaction(async (tx) => tx.$queryRawUnsafe(\"SELECT set_config('app.tenant_id', <victim>, true); SELECT …\"))`",
    attempt: async (db, _ctx, { victim }) =>
      db.$transaction(async (tx: { $queryRawUnsafe(sql: string): Promise<unknown> }) =>
        tx.$queryRawUnsafe(`SELECT set_config('app.tenant_id', '${victim}', true); SELECT * FROM note`),
      ),
  },
  {
    name: 'raw.transactionBatch',
    tries: '`$transaction([ … ])` batching scoped calls with raw ones',
    attempt: async (db) => db.$transaction([db.$queryRawUnsafe('SELECT * FROM note')]),
  },
  {
    name: 'raw.extends',
    tries: '`$extends` with a query hook that passes args through unscoped',
    attempt: async (db) => {
      const widened = db.$extends({ query: { $allModels: { $allOperations: ({ args, query }: { args: unknown; query: (a: unknown) => unknown }) => query(args) } } }) as unknown as {
        note: { findMany(): Promise<unknown> };
      };
      return widened.note.findMany();
    },
  },
  {
    name: 'raw.runCommandRaw',
    tries: '`$runCommandRaw`, `$queryRawTyped`, `$on`',
    attempt: async (db) => {
      const refusals = [];
      for (const call of [() => db.$runCommandRaw({}), () => db.$queryRawTyped({}), () => db.$on('query', () => undefined)]) {
        try {
          call();
          refusals.push('allowed');
        } catch (error) {
          refusals.push((error as { code?: string }).code ?? 'error');
        }
      }
      return { refusals };
    },
  },
  {
    name: 'raw.disconnect',
    tries: '`$disconnect()` the shared pool (every tenant would lose the database), then `$connect()`',
    attempt: async (db) => {
      try {
        await db.$disconnect();
      } finally {
        await db.$connect();
      }
    },
  },
];
