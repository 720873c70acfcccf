import { seen, type Door } from '../door';

/** Names of the Prisma client's ways back to its base or its engine. */
const INTERNALS = ['$parent', '_originalClient', '_engine', '_executeRequest', '_requestHandler', '_transactionWithCallback', '_createItxClient'];

/** The realm's own prototypes: every function leads there, and nothing of the service hangs off them. */
const INTRINSICS: ReadonlySet<unknown> = new Set([Object.prototype, Function.prototype, Object.getPrototypeOf(async () => undefined), Promise.prototype, Array.prototype]);

const hasFunctions = (value: Record<string, unknown>, names: string[]) => names.every((name) => typeof value[name] === 'function');

/**
 * Walks everything reachable from `roots` (own properties, getters, prototypes, Map and Set entries)
 * and counts what could open the database: a Prisma client or its internals, a pg Pool/Client, a PGlite.
 */
function crawl(roots: unknown[], limit = 50_000) {
  const seenValues = new Set<unknown>();
  const queue = [...roots];
  const found = { prismaLike: 0, pgLike: 0, pgliteLike: 0 };
  while (queue.length && seenValues.size < limit) {
    const value = queue.shift();
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seenValues.has(value) || INTRINSICS.has(value)) continue;
    seenValues.add(value);
    const record = value as Record<string, unknown>;
    try {
      if (INTERNALS.some((name) => name in record)) found.prismaLike++;
      if (hasFunctions(record, ['query', 'connect']) && (typeof record['release'] === 'function' || typeof record['end'] === 'function')) found.pgLike++;
      if (hasFunctions(record, ['query', 'exec', 'dumpDataDir'])) found.pgliteLike++;
    } catch {
      // A Proxy that refuses `in` leads nowhere.
    }
    queue.push(Object.getPrototypeOf(value));
    if (value instanceof Map || value instanceof Set) for (const entry of value.entries()) queue.push(...entry);
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (!descriptor) continue;
      if ('value' in descriptor) queue.push(descriptor.value);
      else if (descriptor.get) {
        try {
          queue.push(descriptor.get.call(value));
        } catch {
          // A getter that refuses its receiver leads nowhere.
        }
      }
    }
  }
  return { ...found, exhausted: queue.length === 0 };
}

/** Reflection on what `ctx` holds: hidden properties, the object graph, mutation, the environment. */
export const reflectionDoors: readonly Door[] = [
  {
    name: 'reflect.internals',
    tries: '`$parent`, `_originalClient`, `_engine`, `constructor`, prototypes of the client and its delegates',
    attempt: async (db) => {
      const holders: Record<string, unknown> = { db, note: db.note, greeting: db.greeting, proto: Object.getPrototypeOf(db) };
      const found: string[] = [];
      for (const [holder, value] of Object.entries(holders)) {
        if (value === null || value === undefined) continue;
        for (const name of [...INTERNALS, 'constructor']) if ((value as Record<string, unknown>)[name] !== undefined) found.push(`${holder}.${name}`);
      }
      return { found };
    },
  },
  {
    name: 'reflect.crawl',
    tries: 'walks every object reachable from ctx and the client (properties, getters, prototypes, Maps) for a Prisma client, pg pool or PGlite',
    attempt: async (db, ctx) => crawl([ctx, db, ctx.logger, ctx.signal]),
  },
  {
    name: 'reflect.mutateClient',
    tries: "replaces `note.findMany`, `note`, defines `$queryRaw`, swaps the client's prototype",
    attempt: async (db) => {
      const original = db.note.findMany;
      const attempts = [
        () => Object.assign(db.note, { findMany: () => 'hijacked' }),
        () => Object.assign(db, { note: {} }),
        () => Object.defineProperty(db, '$queryRaw', { value: () => 'hijacked' }),
        () => Object.setPrototypeOf(db, { hijacked: true }),
      ];
      let refused = 0;
      for (const attempt of attempts) {
        try {
          attempt();
        } catch {
          refused++;
        }
      }
      return { refused, changed: db.note.findMany !== original };
    },
  },
  {
    name: 'reflect.mutateCtx',
    tries: 'sets `ctx.userId = <victim>`, defines it, swaps the prototype of ctx, then reads through `ctx.db()`',
    attempt: async (_db, ctx, { victim }) => {
      const attempts = [
        () => Object.assign(ctx, { userId: victim }),
        () => Object.defineProperty(ctx, 'userId', { value: victim }),
        () => Object.setPrototypeOf(ctx, { userId: victim }),
      ];
      for (const attempt of attempts) {
        try {
          attempt();
        } catch {
          // Refused: the point.
        }
      }
      return { userId: ctx.userId, ...seen(await (await ctx.db()).note.findMany()) };
    },
  },
  {
    name: 'reflect.environment',
    tries: '`globalThis.process.env` for the database URLs and the JWT secret',
    attempt: async () => {
      const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
      return { secrets: ['DATABASE_URL', 'MIGRATION_DATABASE_URL', 'JWT_SECRET'].filter((name) => env[name] !== undefined) };
    },
  },
];
