import { Prisma } from '../../generated/prisma/client';
import { RawQueryForbiddenError, TenantMissingError } from '../errors';
import { toDataAccessError } from '../client/db-errors';
import { scopeArgs } from './scope-args';
import { runInTenantScope, runOutsideTenantScope } from './tenant-session';

export { APP_ROLE, TENANT_SETTING } from './tenant-session';

/** Throws ERR_TENANT_MISSING unless `tenantId` is a non-empty string. */
export function assertTenantId(tenantId: unknown): asserts tenantId is string {
  if (typeof tenantId !== 'string' || tenantId.trim() === '') {
    throw new TenantMissingError(`A tenant id is required for tenant-scoped data access, got ${JSON.stringify(tenantId) ?? 'undefined'}`);
  }
}

/**
 * `findUnique` calls made in the same tick are batched by Prisma and run later in whichever
 * caller's context scheduled the tick, so the tenant scope cannot follow them: these run in a
 * transaction of their own, started in the scope (the session is opened with its BEGIN).
 */
const BATCHED_BY_PRISMA: ReadonlySet<string> = new Set(['findUnique', 'findUniqueOrThrow']);

type Delegates = Record<string, Record<string, (args: unknown) => Promise<unknown>>>;

function delegateName(model: string): string {
  return model.charAt(0).toLowerCase() + model.slice(1);
}

/**
 * The tenant extension (after prisma-client-extensions/row-level-security `forCompany`):
 * 1. rewrites every model operation so it reads and writes only `tenantId`'s rows, and refuses
 *    raw SQL and any operation naming another tenant;
 * 2. runs it in the tenant's scope (tenancy/tenant-session.ts): the engine opens a tenant session
 *    — the app role and `app.tenant_id`, both transaction-local — in the same transaction as each
 *    statement, so PostgreSQL's row-level security filters it again and the settings never leak to
 *    the next user of a pooled connection. On PostgreSQL a single-statement operation is one
 *    round trip (client/tenant-pool.ts).
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
            if (BATCHED_BY_PRISMA.has(operation)) {
              return await runInTenantScope(tenantId, () =>
                prisma.$transaction((tx) => runOutsideTenantScope(() => (tx as unknown as Delegates)[delegateName(model)][operation](scoped))),
              );
            }
            // Awaited inside the scope: a Prisma query starts when it is awaited, not when it is made.
            return await runInTenantScope(tenantId, async () => await query(scoped as never));
          } catch (error) {
            throw toDataAccessError(error, `${model}.${operation}`);
          }
        },
      },
    }),
  );
}
