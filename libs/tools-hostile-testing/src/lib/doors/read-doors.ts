import { loose, seen, type Door } from '../door';

/** Reads aimed at another tenant: by its ids, widened filters, cursors, aggregates, relations. */
export const readDoors: readonly Door[] = [
  {
    name: 'read.findFirstVictimId',
    tries: "findFirst where `id: <victim's greeting id>`",
    attempt: async (db, _ctx, { greetingId }) => seen(await db.greeting.findFirst({ where: { id: greetingId } })),
  },
  {
    name: 'read.findUniqueVictim',
    tries: "findUnique on the victim's compound key",
    attempt: async (db, _ctx, { victim, noteKey }) => seen(await db.note.findUnique({ where: { tenantId_key: { tenantId: victim, key: noteKey } } })),
  },
  {
    name: 'read.findManyInBoth',
    tries: 'findMany where `tenantId: { in: [<me>, <victim>] }`',
    attempt: async (db, ctx, { victim }) => seen(await db.greeting.findMany({ where: { tenantId: { in: [ctx.userId, victim] } } })),
  },
  {
    name: 'read.findManyNotMine',
    tries: 'findMany where `OR: [{ NOT: { tenantId: <me> } }]`',
    attempt: async (db, ctx) => seen(await db.note.findMany({ where: { OR: [{ NOT: { tenantId: ctx.userId } }] } })),
  },
  {
    name: 'read.cursorVictim',
    tries: "findMany with `cursor` on the victim's compound key",
    attempt: async (db, _ctx, { victim, noteKey }) => seen(await db.note.findMany({ cursor: { tenantId_key: { tenantId: victim, key: noteKey } } })),
  },
  {
    name: 'read.cursorVictimKey',
    tries: "findMany with `cursor: { tenantId_key: { key: <victim's key> } }` (no tenant)",
    attempt: async (db, _ctx, { noteKey }) => seen(await db.note.findMany({ cursor: { tenantId_key: { key: noteKey } as never } })),
  },
  {
    name: 'read.groupByTenant',
    tries: 'groupBy `tenantId` with counts',
    attempt: async (db) => seen(await db.greeting.groupBy({ by: ['tenantId'], _count: { _all: true } })),
  },
  {
    name: 'read.aggregateVictim',
    tries: 'aggregate `_count` where `OR: [{ tenantId: <victim> }]`',
    attempt: async (db, _ctx, { victim }) => db.note.aggregate({ where: { OR: [{ tenantId: victim }] }, _count: { _all: true } }),
  },
  {
    name: 'read.countVictim',
    tries: 'count where `tenantId: <victim>`',
    attempt: async (db, _ctx, { victim }) => db.note.count({ where: { tenantId: victim } }),
  },
  {
    name: 'read.includeRelation',
    tries: 'findMany with `include` of a relation into another tenant',
    attempt: async (db) => seen(await db.note.findMany(loose({ include: { tenant: true } }))),
  },
];
