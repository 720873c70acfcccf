import { McpFactoryError } from '@mcp-factory/shared-util';
import { causeText } from './cause-text';
import { DatabaseQueryError, DatabaseRoleError, DatabaseUnavailableError, TenantAccessDeniedError } from '../errors';

/**
 * Prisma codes that mean the database could not be reached, not that the query was wrong. P2024: no
 * pool connection in time; P2028: a transaction could not start (or outlived its timeout) in time.
 */
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
/** Driver-adapter error kinds for a connection that failed or dropped (e.g. ECONNRESET → ConnectionClosed). */
const UNAVAILABLE_ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout']);
/** Node socket errors and PostgreSQL classes 08 (connection) and 57P (shutdown / cannot connect now). */
const UNAVAILABLE_PATTERN = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EPIPE|Connection terminated|terminating connection|connection (is )?(closed|refused|ended)|Can't reach database|timeout exceeded when trying to connect|Client has encountered a connection error|Server has closed the connection/i;

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const record = current as { code?: unknown; kind?: unknown; meta?: { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown; kind?: unknown } } }; cause?: unknown };
    if (typeof record.code === 'string') codes.push(record.code);
    // A DriverAdapterError thrown as is (not wrapped by Prisma) carries `cause: { kind }`.
    if (typeof record.kind === 'string') codes.push(record.kind);
    if (typeof record.meta?.code === 'string') codes.push(record.meta.code);
    const adapterCause = record.meta?.driverAdapterError?.cause;
    if (typeof adapterCause?.originalCode === 'string') codes.push(adapterCause.originalCode);
    if (typeof adapterCause?.kind === 'string') codes.push(adapterCause.kind);
    current = record.cause;
  }
  return codes;
}

/** Whether an error means the database is unreachable (a retry later may work). */
export function isUnavailable(error: unknown): boolean {
  const codes = codesOf(error);
  if (codes.some((code) => UNAVAILABLE_PRISMA_CODES.has(code) || code.startsWith('08') || code.startsWith('57P') || UNAVAILABLE_ADAPTER_KINDS.has(code))) return true;
  return UNAVAILABLE_PATTERN.test(causeText(error));
}

/**
 * Turns whatever a query threw into one of our typed errors, keeping the original as `cause`.
 * Our own errors pass through unchanged.
 */
export function toDataAccessError(error: unknown, what: string): McpFactoryError {
  if (error instanceof McpFactoryError) return error;
  const message = causeText(error);
  if (isUnavailable(error)) {
    const retry = /retry/i.test(message) ? '' : '; retry the call';
    return new DatabaseUnavailableError(`${what} failed: database unavailable (${message})${retry}`, { cause: error });
  }
  const codes = codesOf(error);
  if (/row-level security/i.test(message)) {
    return new TenantAccessDeniedError(`${what} refused by row-level security: ${message}`, { cause: error });
  }
  // Any other insufficient_privilege (`permission denied to set role "mcp_app"`, `… for table`) is the
  // login's configuration, not the tenant's doing: say so instead of denying the tenant.
  if (codes.includes('42501')) {
    return new DatabaseRoleError(`${what} failed: the database login lacks a privilege (${message}); see docs/postgres-roles.md`, { cause: error });
  }
  return new DatabaseQueryError(`${what} failed: ${message}`, codes[0], { cause: error });
}
