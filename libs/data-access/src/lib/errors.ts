import { McpFactoryError } from '@mcp-factory/shared-util';

/**
 * Every typed error data-access throws. One subclass per code; each code is listed in the README
 * (a spec keeps the two in sync). Callers `switch (err.code)` and turn them into tool errors.
 */

/** The database could not be opened or reached (at open, on ping, or mid-query). Retryable. */
export class DatabaseUnavailableError extends McpFactoryError {
  static override readonly code = 'ERR_DB_UNAVAILABLE';
  override readonly code = 'ERR_DB_UNAVAILABLE';
}

/** Another process has the embedded data directory open; the message names its pid. */
export class DatabaseInUseError extends McpFactoryError {
  static override readonly code = 'ERR_DB_IN_USE';
  override readonly code = 'ERR_DB_IN_USE';
}

/** A query failed for a reason other than reachability (constraint, bad input...). `dbCode` carries Prisma's or PostgreSQL's code when known. */
export class DatabaseQueryError extends McpFactoryError {
  static override readonly code = 'ERR_DB_QUERY';
  override readonly code = 'ERR_DB_QUERY';
  constructor(
    message: string,
    readonly dbCode?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The database configuration is invalid (bad URL, bad pool size). */
export class DatabaseConfigError extends McpFactoryError {
  static override readonly code = 'ERR_DB_CONFIG';
  override readonly code = 'ERR_DB_CONFIG';
}

/**
 * The PostgreSQL login is unfit to serve tenants: privileged (superuser, BYPASSRLS, owner of the
 * tenant tables) where least privilege is required, or missing a grant (membership in mcp_app).
 * A configuration error, found at open, never reported to a tenant as a denial.
 */
export class DatabaseRoleError extends McpFactoryError {
  static override readonly code = 'ERR_DB_ROLE';
  override readonly code = 'ERR_DB_ROLE';
}

/** An already-applied migration file was edited: its checksum no longer matches the recorded one. */
export class MigrationChecksumError extends McpFactoryError {
  static override readonly code = 'ERR_MIGRATION_CHECKSUM';
  override readonly code = 'ERR_MIGRATION_CHECKSUM';
}

/** A migration failed to apply; it was rolled back. */
export class MigrationFailedError extends McpFactoryError {
  static override readonly code = 'ERR_MIGRATION_FAILED';
  override readonly code = 'ERR_MIGRATION_FAILED';
}

/** forTenant() was called without a usable tenant id. */
export class TenantMissingError extends McpFactoryError {
  static override readonly code = 'ERR_TENANT_MISSING';
  override readonly code = 'ERR_TENANT_MISSING';
}

/** A scoped operation named a different tenant in its where or data. */
export class TenantMismatchError extends McpFactoryError {
  static override readonly code = 'ERR_TENANT_MISMATCH';
  override readonly code = 'ERR_TENANT_MISMATCH';
}

/** PostgreSQL row-level security refused the operation (a row of another tenant). */
export class TenantAccessDeniedError extends McpFactoryError {
  static override readonly code = 'ERR_TENANT_ACCESS_DENIED';
  override readonly code = 'ERR_TENANT_ACCESS_DENIED';
}

/** Raw SQL ($queryRaw, $executeRaw, ...) or an unknown operation on a tenant-scoped client. */
export class RawQueryForbiddenError extends McpFactoryError {
  static override readonly code = 'ERR_RAW_QUERY_FORBIDDEN';
  override readonly code = 'ERR_RAW_QUERY_FORBIDDEN';
}

/** A tenant client leased to one tool call was used after the call ended (kept in module state, say). */
export class TenantClientRevokedError extends McpFactoryError {
  static override readonly code = 'ERR_TENANT_CLIENT_REVOKED';
  override readonly code = 'ERR_TENANT_CLIENT_REVOKED';
}

/** Every error class, keyed by code (the registry the errors spec checks against the README). */
export const dataAccessErrors = {
  ERR_DB_UNAVAILABLE: DatabaseUnavailableError,
  ERR_DB_IN_USE: DatabaseInUseError,
  ERR_DB_QUERY: DatabaseQueryError,
  ERR_DB_CONFIG: DatabaseConfigError,
  ERR_DB_ROLE: DatabaseRoleError,
  ERR_MIGRATION_CHECKSUM: MigrationChecksumError,
  ERR_MIGRATION_FAILED: MigrationFailedError,
  ERR_TENANT_MISSING: TenantMissingError,
  ERR_TENANT_MISMATCH: TenantMismatchError,
  ERR_TENANT_ACCESS_DENIED: TenantAccessDeniedError,
  ERR_RAW_QUERY_FORBIDDEN: RawQueryForbiddenError,
  ERR_TENANT_CLIENT_REVOKED: TenantClientRevokedError,
} as const;

/** Union of data-access error codes. */
export type DataAccessErrorCode = keyof typeof dataAccessErrors;

/** Any data-access error, discriminated on `code`. */
export type AnyDataAccessError = InstanceType<(typeof dataAccessErrors)[DataAccessErrorCode]>;

/** HTTP status for a data-access error code: the one mapping the HTTP service uses. */
export function httpStatusForDataAccessError(code: DataAccessErrorCode): number {
  switch (code) {
    case 'ERR_DB_UNAVAILABLE':
    case 'ERR_DB_IN_USE':
      return 503;
    case 'ERR_TENANT_MISSING':
      return 401;
    case 'ERR_TENANT_MISMATCH':
    case 'ERR_TENANT_ACCESS_DENIED':
    case 'ERR_RAW_QUERY_FORBIDDEN':
      return 403;
    case 'ERR_DB_QUERY':
      return 400;
    case 'ERR_DB_CONFIG':
    case 'ERR_DB_ROLE':
    case 'ERR_TENANT_CLIENT_REVOKED':
    case 'ERR_MIGRATION_CHECKSUM':
    case 'ERR_MIGRATION_FAILED':
      return 500;
  }
}
