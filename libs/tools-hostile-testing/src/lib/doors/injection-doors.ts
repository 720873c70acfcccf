import { loose, seen, type Door } from '../door';

/** SQL in values and field names: the role and tenant setting must stay out of reach. */
export const injectionDoors: readonly Door[] = [
  {
    name: 'inject.whereValue',
    tries: "a where value `x'; RESET ROLE; SELECT set_config('app.tenant_id', <victim>, false); --`",
    attempt: async (db, _ctx, { victim }) =>
      seen(await db.note.findMany({ where: { key: `x'; RESET ROLE; SELECT set_config('app.tenant_id', '${victim}', false); --` } })),
  },
  {
    name: 'inject.orderByField',
    tries: 'an orderBy field name carrying `"; RESET ROLE; --`',
    attempt: async (db) => seen(await db.note.findMany(loose({ orderBy: { 'key"; RESET ROLE; --': 'asc' } }))),
  },
  {
    name: 'inject.tenantIdValue',
    tries: "where tenantId `<me>' OR '1'='1`",
    attempt: async (db, ctx) => seen(await db.note.findMany({ where: { tenantId: `${ctx.userId}' OR '1'='1` } })),
  },
];
