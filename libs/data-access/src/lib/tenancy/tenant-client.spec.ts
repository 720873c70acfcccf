// The tenant client is all a tool gets: nothing reachable from it may lead back to the Prisma
// client, whose `$parent`, `$extends`, `$transaction(fn)` and `$queryRaw*` step outside the tenant.
import { createTestDatabase, type TestDatabase } from '../../testing';
import { leaseTenantClient, REFUSED_METHODS } from './tenant-client';
import { SCOPED_OPERATIONS } from './scope-args';

/** The realm's own prototypes: every function leads to them, and nothing of ours hangs off them. */
const INTRINSICS: ReadonlySet<unknown> = new Set([
  Object.prototype,
  Function.prototype,
  Object.getPrototypeOf(async () => undefined),
  Promise.prototype,
  Array.prototype,
  Error.prototype,
]);

/** Every value reachable from `root` by own properties (getters read), prototypes and function properties, up to the intrinsics. */
function reachable(root: unknown, limit = 20_000): Set<unknown> {
  const seen = new Set<unknown>();
  const queue: unknown[] = [root];
  while (queue.length && seen.size < limit) {
    const value = queue.shift();
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value) || INTRINSICS.has(value)) continue;
    seen.add(value);
    queue.push(Object.getPrototypeOf(value));
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (!descriptor) continue;
      if ('value' in descriptor) queue.push(descriptor.value);
      for (const accessor of [descriptor.get, descriptor.set]) if (accessor) queue.push(accessor);
      if (descriptor.get) {
        try {
          queue.push(descriptor.get.call(value));
        } catch {
          // A getter that refuses its receiver leads nowhere.
        }
      }
    }
  }
  return seen;
}

describe('tenant client (embedded)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('embedded');
  }, 120_000);
  afterAll(() => db?.drop());

  it('holds the model delegates with the scoped operations and the refused methods, and nothing else', () => {
    const client = db.database.forTenant('alice');
    expect(Object.getPrototypeOf(client)).toBeNull();
    expect(Object.isFrozen(client)).toBe(true);
    expect(Reflect.ownKeys(client).sort()).toEqual(['greeting', 'note', ...REFUSED_METHODS].sort());
    for (const model of [client.greeting, client.note]) {
      expect(Object.getPrototypeOf(model)).toBeNull();
      expect(Object.isFrozen(model)).toBe(true);
      expect(Reflect.ownKeys(model).sort()).toEqual([...SCOPED_OPERATIONS].sort());
    }
    const loose = client as unknown as Record<string, unknown>;
    for (const name of ['$parent', '_originalClient', '_engine', '_executeRequest', '_transactionWithCallback', 'constructor', '__proto__']) {
      expect({ name, value: loose[name] }).toEqual({ name, value: undefined });
    }
    expect((client.note as unknown as Record<string, unknown>)['$parent']).toBeUndefined();
  });

  it('reaches neither the Prisma client nor any object with its internals, however deep one looks', () => {
    const everything = reachable(db.database.forTenant('alice'));
    expect(everything.size).toBeGreaterThan(40);
    expect(everything.has(db.database.unscoped)).toBe(false);
    for (const value of everything) {
      const record = value as Record<string, unknown>;
      const internals = ['_engine', '_originalClient', '$parent', '_executeRequest', '_requestHandler'].filter((key) => {
        try {
          return key in record;
        } catch {
          return false;
        }
      });
      expect(internals).toEqual([]);
    }
  });

  it('refuses raw SQL, interactive transactions, new extensions and the connection, with ERR_RAW_QUERY_FORBIDDEN', async () => {
    const client = db.database.forTenant('alice');
    for (const method of REFUSED_METHODS) {
      expect(() => (client[method] as (...args: unknown[]) => unknown)(async () => undefined)).toThrow(
        expect.objectContaining({ code: 'ERR_RAW_QUERY_FORBIDDEN', message: `${method} is not allowed on a tenant-scoped client: it could step outside the tenant` }),
      );
    }
    // The shared pool was not closed by $disconnect: the tenant still works.
    await client.greeting.create({ data: { message: 'still connected' } });
    expect(await client.greeting.count()).toBe(1);
  });

  it('cannot be changed, for itself or for the other callers of the cached client', () => {
    const client = db.database.forTenant('alice') as unknown as Record<string, Record<string, unknown>>;
    expect(() => {
      client['note'] = {};
    }).toThrow(TypeError);
    expect(() => {
      client['note']['findMany'] = () => 'hijacked';
    }).toThrow(TypeError);
    expect(() => Object.defineProperty(client, '$queryRaw', { value: () => 'hijacked' })).toThrow(TypeError);
    expect(db.database.forTenant('alice')).toBe(client);
  });

  it('answers with plain promises, not PrismaPromises a batch $transaction could take', async () => {
    const pending = db.database.forTenant('alice').greeting.findMany();
    const rows = await pending;
    expect(Array.isArray(rows)).toBe(true);
    expect(pending).toBeInstanceOf(Promise);
    expect(Object.getOwnPropertyNames(pending)).toEqual([]);
    expect(pending.then).toBe(Promise.prototype.then);
  });

  it('leases a client to one call: after revoke() it serves no one, and the original is untouched', async () => {
    const client = db.database.forTenant('alice');
    const lease = leaseTenantClient(client);
    await lease.client.note.create({ data: { key: 'leased', value: 'during the call' } });
    lease.revoke();
    await expect(lease.client.note.findMany()).rejects.toMatchObject({
      code: 'ERR_TENANT_CLIENT_REVOKED',
      message: 'note.findMany: this tenant client belonged to a tool call that has ended; call ctx.db() in the call that uses it',
    });
    expect(() => lease.client.$queryRawUnsafe('SELECT 1')).toThrow(expect.objectContaining({ code: 'ERR_RAW_QUERY_FORBIDDEN' }));
    expect(Reflect.ownKeys(lease.client).sort()).toEqual(Reflect.ownKeys(client).sort());
    expect(everythingIsPlain(lease.client)).toBe(true);
    expect((await client.note.findMany()).map((n) => n.value)).toEqual(['during the call']);
  });
});

/** No object reachable from `root` is the Prisma client or carries its internals. */
function everythingIsPlain(root: unknown): boolean {
  return [...reachable(root)].every((value) => !['_engine', '_originalClient', '$parent'].some((key) => key in (value as object)));
}
