/** The non-superuser role (created by the row_level_security migration) every scoped transaction runs as. */
export const APP_ROLE = 'mcp_app';
/** The setting the RLS policies read. */
export const TENANT_SETTING = 'app.tenant_id';

/**
 * The statement that opens a tenant session: switches to APP_ROLE and sets TENANT_SETTING, both
 * transaction-local (`is_local = true`), so they end with the transaction. Parameters:
 * `[APP_ROLE, TENANT_SETTING, tenantId]`.
 *
 * On PostgreSQL the pool (client/tenant-pool.ts) recognises this exact text right after a `BEGIN`
 * and sends both in the same round trip as the transaction's first real statement.
 */
export const TENANT_SESSION_SQL = "SELECT set_config('role', $1, true), set_config($2, $3, true)";

/**
 * The same statement, marking a read-only model operation (findMany, count, …): every statement
 * of it may run in its own implicit transaction, each prefixed by this statement, so no
 * BEGIN/COMMIT round trips are needed. Used only by the forTenant extension, whose reads are
 * Prisma-generated SELECTs; the pool falls back to a real transaction for anything else.
 */
export const TENANT_READ_SESSION_SQL = `${TENANT_SESSION_SQL} /* mcpf:read */`;

/** Model operations that never write: the forTenant extension opens their session with TENANT_READ_SESSION_SQL. */
export const READ_OPERATIONS: ReadonlySet<string> = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
  'aggregate',
  'groupBy',
]);
