import { Prisma } from '../../generated/prisma/client';
import { RawQueryForbiddenError, TenantMissingError } from '../errors';
import { toDataAccessError } from '../client/db-errors';
import { scopeArgs } from './scope-args';
import { APP_ROLE, READ_OPERATIONS, TENANT_READ_SESSION_SQL, TENANT_SESSION_SQL, TENANT_SETTING } from './tenant-session';

export { APP_ROLE, TENANT_SETTING } from './tenant-session';

/** Throws ERR_TENANT_MISSING unless `tenantId` is a non-empty string. */
export function assertTenantId(tenantId: unknown): asserts tenantId is string {
  if (typeof tenantId !== 'string' || tenantId.trim() === '') {
    throw new TenantMissingError(`A tenant id is required for tenant-scoped data access, got ${JSON.stringify(tenantId) ?? 'undefined'}`);
  }
}

/**
 * The tenant extension (after prisma-client-extensions/row-level-security `forCompany`):
 * 1. rewrites every model operation so it reads and writes only `tenantId`'s rows, and refuses
 *    raw SQL and any operation naming another tenant;
 * 2. runs it in a transaction that switches to the app role and sets `app.tenant_id`, both
 *    transaction-local, so PostgreSQL's row-level security filters it again and the settings
 *    never leak to the next user of a pooled connection.
 *
 * A batch `$transaction` runs on one connection with driver adapters too (the adapter opens one
 * transaction and sends every statement through it); the isolation specs would fail otherwise.
 * On PostgreSQL the pool saves the round trips: BEGIN and the session statement travel with the
 * first query, and reads run without BEGIN/COMMIT (see client/tenant-pool.ts).
 *
 * @example
 * const db = prisma.$extends(forTenant('acme'));
 * await db.greeting.create({ data: { message: 'hi' } }); // tenantId filled in
 */
export function forTenant(tenantId: string) {
  assertTenantId(tenantId);
  return Prisma.defineExtension((prisma) =>
    prisma.$extends({
      name: 'forTenant',
      query: {
        async $allOperations({ model, operation, args, query }) {
          if (!model) {
            throw new RawQueryForbiddenError(`${operation} is not allowed on a tenant-scoped client: raw SQL could cross tenants`);
          }
          const scoped = scopeArgs(model, operation, args as Record<string, unknown> | undefined, tenantId);
          const session = READ_OPERATIONS.has(operation) ? TENANT_READ_SESSION_SQL : TENANT_SESSION_SQL;
          try {
            const [, result] = await prisma.$transaction([
              // Constant SQL, the tenant bound as a parameter.
              prisma.$executeRawUnsafe(session, APP_ROLE, TENANT_SETTING, tenantId),
              query(scoped as never),
            ]);
            return result;
          } catch (error) {
            throw toDataAccessError(error, `${model}.${operation}`);
          }
        },
      },
    }),
  );
}
