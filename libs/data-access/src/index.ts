export { openDatabase } from './lib/client/open-database';
export type { Database, OpenDatabaseOptions, TenantClient, TenantTransactionClient } from './lib/client/open-database';
export { describeConfig, maskUrl } from './lib/config/database-config';
export type { DatabaseConfig, EmbeddedDatabaseConfig, ServerDatabaseConfig } from './lib/config/database-config';
export { migrate } from './lib/migrate/migrate-database';
export type { MigrateDatabaseOptions } from './lib/migrate/migrate-database';
export type { MigrateResult } from './lib/migrate/migrator';
export { forTenant, APP_ROLE, TENANT_SETTING } from './lib/tenancy/for-tenant';
export { leaseTenantClient } from './lib/tenancy/tenant-client';
export type { TenantClientLease, TenantModel, TenantModelName } from './lib/tenancy/tenant-client';
export { roleSetupSql, roleSetupStatements, applyRoleSetup } from './lib/roles/role-setup';
export type { RoleSetupOptions, RoleSetupStatements } from './lib/roles/role-setup';
export type { PrivilegedRolePolicy } from './lib/roles/runtime-role';
export {
  DatabaseUnavailableError,
  DatabaseInUseError,
  DatabaseQueryError,
  DatabaseConfigError,
  DatabaseRoleError,
  MigrationChecksumError,
  MigrationFailedError,
  TenantMissingError,
  TenantMismatchError,
  TenantAccessDeniedError,
  RawQueryForbiddenError,
  TenantClientRevokedError,
  dataAccessErrors,
  httpStatusForDataAccessError,
} from './lib/errors';
export type { DataAccessErrorCode, AnyDataAccessError } from './lib/errors';
export type { Greeting, Note } from './generated/prisma/client';
