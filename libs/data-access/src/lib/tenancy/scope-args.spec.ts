import { scopeArgs } from './scope-args';

const T = 'tenant-a';

describe('scopeArgs', () => {
  it('ANDs the tenant into every where, keeping the caller filter', () => {
    expect(scopeArgs('Note', 'findMany', { where: { OR: [{ key: 'a' }, { key: 'b' }] } }, T)).toEqual({
      where: { OR: [{ key: 'a' }, { key: 'b' }], AND: [{ tenantId: T }] },
    });
    expect(scopeArgs('Note', 'count', undefined, T)).toEqual({ where: { tenantId: T } });
    expect(scopeArgs('Note', 'deleteMany', { where: { AND: { key: 'x' } } }, T)).toEqual({
      where: { AND: [{ key: 'x' }, { tenantId: T }] },
    });
  });

  it('fills compound unique keys and sets create data', () => {
    expect(scopeArgs('Note', 'findUnique', { where: { tenantId_key: { key: 'k' } } }, T)).toEqual({
      where: { tenantId_key: { key: 'k', tenantId: T }, AND: [{ tenantId: T }] },
    });
    expect(scopeArgs('Greeting', 'create', { data: { message: 'hi' } }, T)).toEqual({ data: { message: 'hi', tenantId: T } });
    expect(scopeArgs('Greeting', 'createMany', { data: [{ message: 'a' }, { message: 'b', tenantId: T }] }, T)).toEqual({
      data: [
        { message: 'a', tenantId: T },
        { message: 'b', tenantId: T },
      ],
    });
  });

  it('scopes upsert where, create and update', () => {
    expect(scopeArgs('Note', 'upsert', { where: { tenantId_key: { tenantId: T, key: 'k' } }, create: { key: 'k', value: '1' }, update: { value: '2' } }, T)).toEqual({
      where: { tenantId_key: { tenantId: T, key: 'k' }, AND: [{ tenantId: T }] },
      create: { key: 'k', value: '1', tenantId: T },
      update: { value: '2' },
    });
  });

  it('refuses another tenant anywhere with ERR_TENANT_MISMATCH', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['findMany', { where: { tenantId: 'b' } }, 'Note.findMany: where.tenantId names tenant "b" but this client is scoped to tenant "tenant-a"'],
      ['findMany', { where: { tenantId: { equals: 'b' } } }, 'Note.findMany: where.tenantId.equals names tenant "b" but this client is scoped to tenant "tenant-a"'],
      ['findUnique', { where: { tenantId_key: { tenantId: 'b', key: 'k' } } }, 'Note.findUnique: where.tenantId_key.tenantId names tenant "b" but this client is scoped to tenant "tenant-a"'],
      ['create', { data: { tenantId: 'b', key: 'k', value: 'v' } }, 'Note.create: data.tenantId names tenant "b" but this client is scoped to tenant "tenant-a"'],
      ['createMany', { data: [{ key: 'k', value: 'v' }, { tenantId: 'b', key: 'k', value: 'v' }] }, 'Note.createMany: data[1].tenantId names tenant "b" but this client is scoped to tenant "tenant-a"'],
      ['updateMany', { data: { tenantId: 'b' } }, 'Note.updateMany: data.tenantId names tenant "b" but this client is scoped to tenant "tenant-a"'],
      ['update', { where: { tenantId_key: { key: 'k' } }, data: { tenantId: { set: 'b' } } }, 'Note.update: data.tenantId names tenant "b" but this client is scoped to tenant "tenant-a"'],
      ['upsert', { where: { tenantId_key: { key: 'k' } }, create: { tenantId: 'b' }, update: {} }, 'Note.upsert: create.tenantId names tenant "b" but this client is scoped to tenant "tenant-a"'],
    ];
    for (const [operation, args, message] of cases) {
      expect(() => scopeArgs('Note', operation, args, T)).toThrow(expect.objectContaining({ code: 'ERR_TENANT_MISMATCH', message }));
    }
  });

  it('scopes a cursor like a unique where: fills the tenant, refuses another', () => {
    expect(scopeArgs('Note', 'findMany', { cursor: { tenantId_key: { key: 'k' } }, take: 2 }, T)).toEqual({
      cursor: { tenantId_key: { key: 'k', tenantId: T } },
      take: 2,
      where: { tenantId: T },
    });
    expect(() => scopeArgs('Note', 'findMany', { cursor: { tenantId_key: { tenantId: 'b', key: 'k' } } }, T)).toThrow(
      expect.objectContaining({ code: 'ERR_TENANT_MISMATCH', message: 'Note.findMany: cursor.tenantId_key.tenantId names tenant "b" but this client is scoped to tenant "tenant-a"' }),
    );
  });

  it('checks the very copy it hands on: a getter cannot answer the check and the query differently', () => {
    const shifty = (first: unknown, later: unknown) => {
      let reads = 0;
      return {
        key: 'k',
        get tenantId() {
          return reads++ === 0 ? first : later;
        },
      };
    };
    const update = scopeArgs('Note', 'updateMany', { data: shifty(undefined, 'b') }, T);
    expect(update.data).toEqual({ key: 'k' });
    const create = scopeArgs('Note', 'create', { data: shifty(undefined, 'b') }, T);
    expect(create.data).toEqual({ key: 'k', tenantId: T });
    const where = scopeArgs('Note', 'findMany', { where: shifty(undefined, 'b') }, T);
    expect(where.where).toEqual({ key: 'k', tenantId: undefined, AND: [{ tenantId: T }] });
  });

  it('drops an update that sets the same tenant, and refuses unknown operations', () => {
    expect(scopeArgs('Note', 'updateMany', { data: { tenantId: T, value: 'v' } }, T)).toEqual({ where: { tenantId: T }, data: { value: 'v' } });
    expect(() => scopeArgs('Note', 'findRaw', {}, T)).toThrow(
      expect.objectContaining({ code: 'ERR_RAW_QUERY_FORBIDDEN', message: 'Note.findRaw is not allowed on a tenant-scoped client' }),
    );
  });
});
