import { Client } from 'pg';
import { DatabaseConfigError } from '../errors';
import { APP_ROLE } from '../tenancy/tenant-session';

/** The two logins of a least-privilege setup and the database they share. */
export interface RoleSetupOptions {
  /** Database to create (or hand over to the owner when it exists). */
  database: string;
  /** Owner login: owns the database and its tables, runs the migrations. NOSUPERUSER, CREATEROLE. */
  owner: string;
  /** Runtime login the service connects as: NOSUPERUSER, NOBYPASSRLS, owns nothing, member of mcp_app. */
  runtime: string;
  ownerPassword?: string;
  runtimePassword?: string;
}

/** The statements, split by who runs them and where. */
export interface RoleSetupStatements {
  /** As a superuser (once), on any database of the cluster. */
  adminCluster: string[];
  /** As the superuser, on the new database. */
  adminDatabase: string[];
  /** As the owner, on the new database: a CREATEROLE owner is enough for these. */
  owner: string[];
}

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function checkName(what: string, name: string): string {
  if (!NAME.test(name)) throw new DatabaseConfigError(`Invalid ${what} name ${JSON.stringify(name)}: use lower-case letters, digits and _ (at most 63)`);
  return `"${name}"`;
}

function password(value: string | undefined): string {
  return value === undefined ? '' : ` PASSWORD '${value.replace(/'/g, "''")}'`;
}

/**
 * The SQL of a least-privilege setup (see docs/postgres-roles.md). mcp_app is created here, before
 * the migrations, and granted to the owner WITH ADMIN OPTION: on PostgreSQL 16+ a CREATEROLE owner
 * may grant only roles it holds with ADMIN, so an mcp_app created by someone else (another
 * database's migrations) would otherwise stop its migrations.
 */
export function roleSetupStatements(options: RoleSetupOptions): RoleSetupStatements {
  const database = checkName('database', options.database);
  const owner = checkName('owner', options.owner);
  const runtime = checkName('runtime login', options.runtime);
  return {
    adminCluster: [
      `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN CREATE ROLE ${APP_ROLE} NOLOGIN NOSUPERUSER NOINHERIT NOBYPASSRLS; END IF; END $$`,
      `CREATE ROLE ${owner} LOGIN${password(options.ownerPassword)} NOSUPERUSER NOBYPASSRLS CREATEROLE NOCREATEDB`,
      `GRANT ${APP_ROLE} TO ${owner} WITH ADMIN OPTION`,
      `CREATE DATABASE ${database} OWNER ${owner}`,
    ],
    adminDatabase: [
      // PostgreSQL 15+ gives the public schema to the database owner already; older versions let
      // everyone create tables in it.
      `ALTER SCHEMA public OWNER TO ${owner}`,
      `REVOKE CREATE ON SCHEMA public FROM PUBLIC`,
    ],
    owner: [
      // NOINHERIT: outside a tenant session (SET ROLE mcp_app) the login itself may read nothing.
      `CREATE ROLE ${runtime} LOGIN${password(options.runtimePassword)} NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB NOINHERIT`,
      `GRANT ${APP_ROLE} TO ${runtime}`,
      `GRANT CONNECT ON DATABASE ${database} TO ${runtime}`,
    ],
  };
}

/** The setup as one psql script, with comments saying who runs what. */
export function roleSetupSql(options: RoleSetupOptions): string {
  const { adminCluster, adminDatabase, owner } = roleSetupStatements(options);
  const lines = (statements: string[]) => statements.map((s) => `${s};`).join('\n');
  return [
    `-- Least-privilege PostgreSQL setup for mcp-factory (docs/postgres-roles.md).`,
    `-- 1. As a superuser, once: the app role, the owner login (migrations) and its database.`,
    lines(adminCluster),
    `\\connect ${options.database}`,
    lines(adminDatabase),
    `-- 2. As the owner (${options.owner}; a CREATEROLE owner is enough), on ${options.database}: the runtime login.`,
    `SET ROLE ${checkName('owner', options.owner)};`,
    lines(owner),
    `RESET ROLE;`,
    `-- 3. Migrate as the owner (MIGRATION_DATABASE_URL), serve as ${options.runtime} (DATABASE_URL).`,
    '',
  ].join('\n');
}

async function run(url: string, statements: string[]): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

function urlFor(base: string, database: string, user?: string, secret?: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  if (user !== undefined) {
    url.username = user;
    url.password = secret ?? '';
  }
  return url.toString();
}

/**
 * Applies the setup: the admin part on `adminUrl` (a superuser), the owner part connected as the
 * owner itself. Returns the two URLs the service takes. An existing database is handed to the owner.
 */
export async function applyRoleSetup(adminUrl: string, options: RoleSetupOptions): Promise<{ migrationUrl: string; runtimeUrl: string }> {
  const { adminCluster, adminDatabase, owner } = roleSetupStatements(options);
  const admin = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  await admin.connect();
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database])).rowCount;
    const createDatabase = adminCluster[adminCluster.length - 1];
    for (const statement of adminCluster.slice(0, -1)) await admin.query(statement);
    await admin.query(exists ? `ALTER DATABASE "${options.database}" OWNER TO "${options.owner}"` : createDatabase);
  } finally {
    await admin.end();
  }
  await run(urlFor(adminUrl, options.database), adminDatabase);
  const migrationUrl = urlFor(adminUrl, options.database, options.owner, options.ownerPassword);
  await run(migrationUrl, owner);
  return { migrationUrl, runtimeUrl: urlFor(adminUrl, options.database, options.runtime, options.runtimePassword) };
}
