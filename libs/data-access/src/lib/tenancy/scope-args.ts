import { RawQueryForbiddenError, TenantMismatchError } from '../errors';

/** The column every tenant table carries (Prisma field name). */
export const TENANT_FIELD = 'tenantId';

type Args = Record<string, unknown> | undefined;
type Data = Record<string, unknown>;

const WHERE_OPS = new Set([
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
]);
const CREATE_OPS = new Set(['create', 'createMany', 'createManyAndReturn']);
const UPDATE_OPS = new Set(['update', 'updateMany', 'updateManyAndReturn']);

function isPlainObject(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function mismatch(model: string, operation: string, where: string, other: unknown, tenantId: string): TenantMismatchError {
  return new TenantMismatchError(
    `${model}.${operation}: ${where} names tenant ${JSON.stringify(other)} but this client is scoped to tenant ${JSON.stringify(tenantId)}`,
  );
}

/** Checks a tenantId the caller wrote in data: absent or equal is fine, anything else is refused. */
function scopeData(data: unknown, tenantId: string, model: string, operation: string, place: string): Data {
  if (!isPlainObject(data)) throw new TenantMismatchError(`${model}.${operation}: ${place} must be an object`);
  const given = data[TENANT_FIELD];
  if (given !== undefined && given !== tenantId) throw mismatch(model, operation, `${place}.${TENANT_FIELD}`, given, tenantId);
  return { ...data, [TENANT_FIELD]: tenantId };
}

/** Update data may not move a row to another tenant; the tenant column is left alone. */
function scopeUpdateData(data: unknown, tenantId: string, model: string, operation: string, place: string): Data {
  if (!isPlainObject(data)) throw new TenantMismatchError(`${model}.${operation}: ${place} must be an object`);
  const given = data[TENANT_FIELD];
  if (given === undefined) return data;
  const value = isPlainObject(given) && 'set' in given ? given.set : given;
  if (value !== tenantId) throw mismatch(model, operation, `${place}.${TENANT_FIELD}`, value, tenantId);
  const { [TENANT_FIELD]: _dropped, ...rest } = data;
  return rest;
}

/**
 * Adds the tenant to a where (plain or unique): fills compound keys (`tenantId_key: { key }`),
 * refuses a different tenant named anywhere at the top level, and ANDs `{ tenantId }` so no
 * OR/NOT written by the caller can widen the match.
 */
function scopeWhere(where: unknown, tenantId: string, model: string, operation: string): Data {
  if (where === undefined) return { [TENANT_FIELD]: tenantId };
  if (!isPlainObject(where)) throw new TenantMismatchError(`${model}.${operation}: where must be an object`);
  const scoped: Data = { ...where };
  for (const [key, value] of Object.entries(where)) {
    if (key.startsWith(`${TENANT_FIELD}_`) && isPlainObject(value)) {
      const given = value[TENANT_FIELD];
      if (given !== undefined && given !== tenantId) throw mismatch(model, operation, `where.${key}.${TENANT_FIELD}`, given, tenantId);
      scoped[key] = { ...value, [TENANT_FIELD]: tenantId };
    }
  }
  const given = where[TENANT_FIELD];
  if (typeof given === 'string' && given !== tenantId) throw mismatch(model, operation, `where.${TENANT_FIELD}`, given, tenantId);
  if (isPlainObject(given) && typeof given.equals === 'string' && given.equals !== tenantId) {
    throw mismatch(model, operation, `where.${TENANT_FIELD}.equals`, given.equals, tenantId);
  }
  const and = where.AND === undefined ? [] : Array.isArray(where.AND) ? where.AND : [where.AND];
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
  if (WHERE_OPS.has(operation)) {
    return { ...input, where: scopeWhere(input.where, tenantId, model, operation) };
  }
  if (CREATE_OPS.has(operation)) {
    const data = input.data;
    return {
      ...input,
      data: Array.isArray(data)
        ? data.map((row, i) => scopeData(row, tenantId, model, operation, `data[${i}]`))
        : scopeData(data, tenantId, model, operation, 'data'),
    };
  }
  if (UPDATE_OPS.has(operation)) {
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
