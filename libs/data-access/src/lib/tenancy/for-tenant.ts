import { Prisma } from '../../generated/prisma/client';
import { RawQueryForbiddenError, TenantMissingError } from '../errors';
import { toDataAccessError } from '../client/db-errors';
import { scopeArgs } from './scope-args';

/** The non-superuser role (created by the row_level_security migration) every scoped transaction runs as. */
export const APP_ROLE = 'mcp_app';
/** The setting the RLS policies read. */
export const TENANT_SETTING = 'app.tenant_id';

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
          try {
            const [, result] = await prisma.$transaction([
              prisma.$executeRaw`SELECT set_config('role', ${APP_ROLE}, true), set_config(${TENANT_SETTING}, ${tenantId}, true)`,
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
