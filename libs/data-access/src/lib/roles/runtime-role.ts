import type { Logger } from '@mcp-factory/shared-util';
import { DatabaseRoleError } from '../errors';
import type { SqlSession } from '../migrate/sql-session';
import { APP_ROLE } from '../tenancy/tenant-session';

/** Where the role setup is explained; named by every message below. */
export const ROLE_SETUP_DOC = 'docs/postgres-roles.md';

/** What to do when the login is privileged (superuser, BYPASSRLS, owner of the tenant tables). */
export interface PrivilegedRolePolicy {
  /** `refuse`: ERR_DB_ROLE at open. `warn`: one warning line, then serve (local development). */
  action: 'refuse' | 'warn';
  /** How the operator allows it anyway, appended to the refusal, e.g. `set ALLOW_PRIVILEGED_DB_ROLE=true for local development`. */
  override?: string;
}

/** What the login is, read from the catalog once at open. */
export interface RuntimeRoleFacts {
  login: string;
  superuser: boolean;
  bypassRls: boolean;
  appRoleExists: boolean;
  /** May `SET ROLE mcp_app` (always true for a superuser). */
  memberOfAppRole: boolean;
  /** Row-level-security tables of the current schema: the tenant tables. */
  tenantTables: string[];
  /** Tenant tables the login owns or may act as the owner of (it could turn RLS off). */
  ownedTables: string[];
  /** Tenant tables on which mcp_app lacks SELECT, INSERT, UPDATE or DELETE. */
  tablesMissingGrants: string[];
}

const LOGIN_SQL = `
  SELECT r.rolname AS login, r.rolsuper AS superuser, r.rolbypassrls AS bypass_rls,
         a.oid IS NOT NULL AS app_role_exists,
         a.oid IS NOT NULL AND pg_has_role(current_user, a.oid, 'MEMBER') AS member
  FROM pg_roles r LEFT JOIN pg_roles a ON a.rolname = $1
  WHERE r.rolname = current_user`;

// has_table_privilege with a list answers "any of"; each privilege is asked on its own.
const TABLES_SQL = `
  SELECT c.relname AS name,
         pg_has_role(current_user, c.relowner, 'MEMBER') AS owned,
         a.oid IS NOT NULL
           AND has_table_privilege(a.oid, c.oid, 'SELECT') AND has_table_privilege(a.oid, c.oid, 'INSERT')
           AND has_table_privilege(a.oid, c.oid, 'UPDATE') AND has_table_privilege(a.oid, c.oid, 'DELETE') AS granted
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_roles a ON a.rolname = $1
  WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relrowsecurity
  ORDER BY c.relname`;

/** Reads the facts about the connected login (PostgreSQL server engines; PGlite has one user). */
export async function readRuntimeRole(session: SqlSession): Promise<RuntimeRoleFacts> {
  const [login] = await session.query<{ login: string; superuser: boolean; bypass_rls: boolean; app_role_exists: boolean; member: boolean }>(LOGIN_SQL, [APP_ROLE]);
  const tables = await session.query<{ name: string; owned: boolean; granted: boolean }>(TABLES_SQL, [APP_ROLE]);
  return {
    login: login.login,
    superuser: login.superuser,
    bypassRls: login.bypass_rls,
    appRoleExists: login.app_role_exists,
    memberOfAppRole: login.member,
    tenantTables: tables.map((t) => t.name),
    ownedTables: tables.filter((t) => t.owned).map((t) => t.name),
    tablesMissingGrants: tables.filter((t) => !t.granted).map((t) => t.name),
  };
}

/** Why the login is privileged, in a few words; undefined when it is not. */
function privilege(facts: RuntimeRoleFacts): string | undefined {
  if (facts.superuser) return 'is a superuser (row-level security does not bind it)';
  if (facts.bypassRls) return 'has BYPASSRLS (row-level security does not bind it)';
  if (facts.ownedTables.length) return `owns the tenant tables (${facts.ownedTables.join(', ')}), so it can turn row-level security off`;
  return undefined;
}

/** A missing grant that would make every scoped call fail; undefined when none. */
function missingGrant(facts: RuntimeRoleFacts): string | undefined {
  const login = JSON.stringify(facts.login);
  if (!facts.appRoleExists) {
    // No role and no tenant tables: an unmigrated database, which the migrations will set up.
    return facts.tenantTables.length ? `role ${APP_ROLE} does not exist although the tenant tables do: run the migrations as the database owner` : undefined;
  }
  if (!facts.memberOfAppRole) {
    return `login ${login} cannot switch to role ${APP_ROLE}, which every tenant-scoped query runs as: run GRANT ${APP_ROLE} TO ${login} as the database owner`;
  }
  if (facts.tablesMissingGrants.length) {
    return `role ${APP_ROLE} lacks SELECT/INSERT/UPDATE/DELETE on ${facts.tablesMissingGrants.join(', ')}: run the migrations as the tables' owner`;
  }
  return undefined;
}

/**
 * Checks the login once at open: a missing grant is always ERR_DB_ROLE (every scoped call would fail
 * otherwise, and a tenant would be told it was denied); a privileged login is refused or warned
 * about per `policy` (not checked when there is none). One line each, naming the login and the fix.
 */
export function assertRuntimeRole(facts: RuntimeRoleFacts, policy: PrivilegedRolePolicy | undefined, logger: Logger, description: string): void {
  const missing = missingGrant(facts);
  if (missing) throw new DatabaseRoleError(`${description}: ${missing} (see ${ROLE_SETUP_DOC})`);
  if (!policy) return;
  const why = privilege(facts);
  if (!why) return;
  const line = `PostgreSQL login ${JSON.stringify(facts.login)} ${why}`;
  const fix = `serve with a NOSUPERUSER NOBYPASSRLS login that is a member of ${APP_ROLE} and owns nothing (see ${ROLE_SETUP_DOC})`;
  if (policy.action === 'warn') {
    logger.warn(`${line}: tenant isolation rests on the tenant-scoped client alone; ${fix}`, { database: description });
    return;
  }
  throw new DatabaseRoleError(`${description}: ${line}. Refusing to serve tenants with it: ${fix}${policy.override ? `, or ${policy.override}` : ''}`);
}
