import { loose, type Door } from '../door';

/** Writes naming another tenant: plainly, in bulk, nested, through a getter, or by the victim's row ids. */
export const writeDoors: readonly Door[] = [
  {
    name: 'write.createVictim',
    tries: 'create with `tenantId: <victim>`',
    attempt: async (db, _ctx, { victim }) => db.note.create({ data: { tenantId: victim, key: 'planted', value: 'x' } }),
  },
  {
    name: 'write.createManyVictim',
    tries: 'createMany: one own row, one with `tenantId: <victim>`',
    attempt: async (db, _ctx, { victim }) =>
      db.note.createMany({ data: [{ key: 'mine-too', value: 'x' }, { tenantId: victim, key: 'planted', value: 'x' }] }),
  },
  {
    name: 'write.createManyAndReturnVictim',
    tries: 'createManyAndReturn with `tenantId: <victim>`',
    attempt: async (db, _ctx, { victim }) => db.greeting.createManyAndReturn({ data: [{ tenantId: victim, message: 'planted' }] }),
  },
  {
    name: 'write.upsertVictimKey',
    tries: "upsert on the victim's compound key, update `value: 'pwned'`",
    attempt: async (db, _ctx, { victim, noteKey }) =>
      db.note.upsert({ where: { tenantId_key: { tenantId: victim, key: noteKey } }, create: { key: noteKey, value: 'pwned' }, update: { value: 'pwned' } }),
  },
  {
    name: 'write.upsertCreateVictim',
    tries: 'upsert on an own key whose create names `tenantId: <victim>`',
    attempt: async (db, _ctx, { victim }) =>
      db.note.upsert({ where: { tenantId_key: { key: 'fresh' } as never }, create: { tenantId: victim, key: 'fresh', value: 'planted' }, update: {} }),
  },
  {
    name: 'write.updateManyNotMine',
    tries: "updateMany where `tenantId: { not: <me> }`, `value: 'pwned'`",
    attempt: async (db, ctx) => db.note.updateMany({ where: { tenantId: { not: ctx.userId } }, data: { value: 'pwned' } }),
  },
  {
    name: 'write.updateManyOrVictim',
    tries: "updateMany where `OR: [{ tenantId: <victim> }, { key: <victim's key> }]`",
    attempt: async (db, _ctx, { victim, noteKey }) => db.note.updateMany({ where: { OR: [{ tenantId: victim }, { key: noteKey }] }, data: { value: 'pwned' } }),
  },
  {
    name: 'write.updateMoveToVictim',
    tries: "updateMany with `data: { tenantId: <victim> }` (move own rows into the victim's)",
    attempt: async (db, _ctx, { victim }) => db.note.updateMany({ data: { tenantId: victim } }),
  },
  {
    name: 'write.updateSetVictim',
    tries: 'update with `data: { tenantId: { set: <victim> } }`',
    attempt: async (db, _ctx, { victim }) => db.greeting.updateMany({ data: { tenantId: { set: victim } } }),
  },
  {
    name: 'write.updateGetterToVictim',
    tries: 'updateMany whose data has a `tenantId` getter: undefined when checked, <victim> when sent',
    attempt: async (db, _ctx, { victim }) => {
      let reads = 0;
      const data = {
        value: 'moved?',
        get tenantId() {
          return reads++ === 0 ? undefined : victim;
        },
      };
      return db.note.updateMany({ data: loose(data) });
    },
  },
  {
    name: 'write.updateVictimById',
    tries: "update own compound key `tenantId_id` carrying the victim's greeting id",
    attempt: async (db, ctx, { greetingId }) => db.greeting.update({ where: { tenantId_id: { tenantId: ctx.userId, id: greetingId } }, data: { message: 'pwned' } }),
  },
  {
    name: 'write.deleteManyNotMine',
    tries: 'deleteMany where `NOT: { tenantId: <me> }`',
    attempt: async (db, ctx) => db.note.deleteMany({ where: { NOT: { tenantId: ctx.userId } } }),
  },
  {
    name: 'write.deleteVictimKey',
    tries: "delete the victim's note by its compound key",
    attempt: async (db, _ctx, { victim, noteKey }) => db.note.delete({ where: { tenantId_key: { tenantId: victim, key: noteKey } } }),
  },
  {
    name: 'write.deleteVictimById',
    tries: "delete own compound key `tenantId_id` carrying the victim's greeting id",
    attempt: async (db, ctx, { greetingId }) => db.greeting.delete({ where: { tenantId_id: { tenantId: ctx.userId, id: greetingId } } }),
  },
  {
    name: 'write.nestedConnect',
    tries: 'a nested write: `create` with `tenant: { connect: { id: <victim> } }`',
    attempt: async (db, _ctx, { victim }) => db.note.create(loose({ data: { key: 'nested', value: 'x', tenant: { connect: { id: victim } } } })),
  },
];
