import { RawQueryForbiddenError, TenantMismatchError } from '../errors';

/** The column every tenant table carries (Prisma field name). */
export const TENANT_FIELD = 'tenantId';

type Args = Record<string, unknown> | undefined;
type Data = Record<string, unknown>;

const WHERE_OPS = [
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'findUnique',
  'findUniqueOrThrow',
  'count',
  'aggregate',
  'groupBy',
  'delete',
  'deleteMany',
] as const;
const CREATE_OPS = ['create', 'createMany', 'createManyAndReturn'] as const;
const UPDATE_OPS = ['update', 'updateMany', 'updateManyAndReturn'] as const;

/** Every model operation scopeArgs confines to a tenant; any other is refused (fail closed). */
export const SCOPED_OPERATIONS = [...WHERE_OPS, ...CREATE_OPS, ...UPDATE_OPS, 'upsert'] as const;
export type ScopedOperation = (typeof SCOPED_OPERATIONS)[number];

const whereOps: ReadonlySet<string> = new Set(WHERE_OPS);
const createOps: ReadonlySet<string> = new Set(CREATE_OPS);
const updateOps: ReadonlySet<string> = new Set(UPDATE_OPS);

function isPlainObject(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function mismatch(model: string, operation: string, where: string, other: unknown, tenantId: string): TenantMismatchError {
  return new TenantMismatchError(
    `${model}.${operation}: ${where} names tenant ${JSON.stringify(other)} but this client is scoped to tenant ${JSON.stringify(tenantId)}`,
  );
}

/**
 * A copy of the caller's object, read once: every check below looks at the copy Prisma receives, so
 * a getter or Proxy cannot answer one thing to the check and another to the query.
 */
function ownCopy(value: unknown, model: string, operation: string, place: string): Data {
  if (!isPlainObject(value)) throw new TenantMismatchError(`${model}.${operation}: ${place} must be an object`);
  return { ...value };
}

/** Checks a tenantId the caller wrote in data: absent or equal is fine, anything else is refused. */
function scopeData(data: unknown, tenantId: string, model: string, operation: string, place: string): Data {
  const copy = ownCopy(data, model, operation, place);
  const given = copy[TENANT_FIELD];
  if (given !== undefined && given !== tenantId) throw mismatch(model, operation, `${place}.${TENANT_FIELD}`, given, tenantId);
  return { ...copy, [TENANT_FIELD]: tenantId };
}

/** Update data may not move a row to another tenant; the tenant column is left alone. */
function scopeUpdateData(data: unknown, tenantId: string, model: string, operation: string, place: string): Data {
  const { [TENANT_FIELD]: given, ...rest } = ownCopy(data, model, operation, place);
  if (given === undefined) return rest;
  const value = isPlainObject(given) && 'set' in given ? given.set : given;
  if (value !== tenantId) throw mismatch(model, operation, `${place}.${TENANT_FIELD}`, value, tenantId);
  return rest;
}

/**
 * Fills the tenant into compound keys (`tenantId_key: { key }`) and refuses a different tenant named
 * at the top level of a where or a cursor. Returns a copy.
 */
function scopeKeys(input: unknown, tenantId: string, model: string, operation: string, place: string): Data {
  const scoped = ownCopy(input, model, operation, place);
  for (const [key, value] of Object.entries(scoped)) {
    if (key.startsWith(`${TENANT_FIELD}_`) && isPlainObject(value)) {
      const compound = { ...value };
      const given = compound[TENANT_FIELD];
      if (given !== undefined && given !== tenantId) throw mismatch(model, operation, `${place}.${key}.${TENANT_FIELD}`, given, tenantId);
      scoped[key] = { ...compound, [TENANT_FIELD]: tenantId };
    }
  }
  const given = scoped[TENANT_FIELD];
  if (typeof given === 'string' && given !== tenantId) throw mismatch(model, operation, `${place}.${TENANT_FIELD}`, given, tenantId);
  if (isPlainObject(given) && typeof given.equals === 'string' && given.equals !== tenantId) {
    throw mismatch(model, operation, `${place}.${TENANT_FIELD}.equals`, given.equals, tenantId);
  }
  return scoped;
}

/**
 * Adds the tenant to a where (plain or unique): fills compound keys, refuses a different tenant
 * named at the top level, and ANDs `{ tenantId }` so no OR/NOT written by the caller can widen the match.
 */
function scopeWhere(where: unknown, tenantId: string, model: string, operation: string): Data {
  if (where === undefined) return { [TENANT_FIELD]: tenantId };
  const scoped = scopeKeys(where, tenantId, model, operation, 'where');
  const and = scoped.AND === undefined ? [] : Array.isArray(scoped.AND) ? [...scoped.AND] : [scoped.AND];
  scoped.AND = [...and, { [TENANT_FIELD]: tenantId }];
  return scoped;
}

/**
 * Rewrites one model operation's arguments so it can only touch `tenantId`'s rows. Throws
 * ERR_TENANT_MISMATCH when the caller named another tenant, ERR_RAW_QUERY_FORBIDDEN for an
 * operation it does not know (fail closed: a new Prisma operation is refused until handled here).
 */
export function scopeArgs(model: string, operation: string, args: Args, tenantId: string): Data {
  const input: Data = { ...(args ?? {}) };
  if (whereOps.has(operation)) {
    const scoped: Data = { ...input, where: scopeWhere(input.where, tenantId, model, operation) };
    // A cursor names a row by its unique key: another tenant's key is refused like in a where.
    if (input.cursor !== undefined) scoped.cursor = scopeKeys(input.cursor, tenantId, model, operation, 'cursor');
    return scoped;
  }
  if (createOps.has(operation)) {
    const data = input.data;
    return {
      ...input,
      data: Array.isArray(data)
        ? data.map((row, i) => scopeData(row, tenantId, model, operation, `data[${i}]`))
        : scopeData(data, tenantId, model, operation, 'data'),
    };
  }
  if (updateOps.has(operation)) {
    return {
      ...input,
      where: scopeWhere(input.where, tenantId, model, operation),
      data: scopeUpdateData(input.data, tenantId, model, operation, 'data'),
    };
  }
  if (operation === 'upsert') {
    return {
      ...input,
      where: scopeWhere(input.where, tenantId, model, operation),
      create: scopeData(input.create, tenantId, model, operation, 'create'),
      update: scopeUpdateData(input.update, tenantId, model, operation, 'update'),
    };
  }
  throw new RawQueryForbiddenError(`${model}.${operation} is not allowed on a tenant-scoped client`);
}
