import { AsyncLocalStorage } from 'node:async_hooks';

/** The non-superuser role (created by the row_level_security migration) every scoped transaction runs as. */
export const APP_ROLE = 'mcp_app';
/** The setting the RLS policies read. */
export const TENANT_SETTING = 'app.tenant_id';

/**
 * The statement that opens a tenant session: switches to APP_ROLE and sets TENANT_SETTING, both
 * transaction-local (`is_local = true`), so they end with the transaction. Parameters:
 * `[APP_ROLE, TENANT_SETTING, tenantId]` — the tenant is always a bound parameter.
 */
export const TENANT_SESSION_SQL = "SELECT set_config('role', $1, true), set_config($2, $3, true)";

/** The session statement's parameters for `tenantId`. */
export function tenantSessionValues(tenantId: string): [string, string, string] {
  return [APP_ROLE, TENANT_SETTING, tenantId];
}

/**
 * The tenant the current asynchronous call chain works for. The tenant extension and `runAsTenant`
 * set it around one Prisma operation; the engines (client/tenant-pool.ts on PostgreSQL,
 * client/engines/tenant-adapter.ts on PGlite) read it when Prisma hands them a statement or starts
 * a transaction, and open a tenant session for it in the same transaction. Prisma passes nothing of
 * the caller down to its driver adapter, and the statement that sets the tenant had to be a raw
 * query in a batch `$transaction` before, which Prisma compiles anew on every call.
 *
 * Only operations that Prisma runs in the caller's own call chain may rely on it: Prisma batches
 * `findUnique` calls made in the same tick and runs them later, in whichever caller's context
 * scheduled the tick, so the extension gives those a transaction of their own (see for-tenant.ts).
 */
const scope = new AsyncLocalStorage<string>();

/** Runs `fn` (and everything it starts) for `tenantId`. `fn` must start its work before returning. */
export function runInTenantScope<T>(tenantId: string, fn: () => Promise<T>): Promise<T> {
  return scope.run(tenantId, fn);
}

/** Runs `fn` outside any tenant scope (for code that must not be confined, e.g. a callback given a transaction). */
export function runOutsideTenantScope<T>(fn: () => T): T {
  return scope.exit(fn);
}

/** The tenant of the current call chain, if any. */
export function currentTenant(): string | undefined {
  return scope.getStore();
}
