// A scratch database set up the way docs/postgres-roles.md says, with the shipped command
// (`setup-roles --apply`): an owner login (NOSUPERUSER, CREATEROLE) that migrates, and a runtime
// login (NOSUPERUSER, NOBYPASSRLS, owns nothing, member of mcp_app) the service serves as. Role
// names are random per test file (roles are cluster-wide) and dropped with the database.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testPostgres } from '@mcp-factory/shared-util/testing';
import { Client } from 'pg';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database';
import { workspaceRoot } from './service-process';

const setupRolesBin = join(workspaceRoot, 'libs/data-access/src/bin/setup-roles.ts');

export interface LeastPrivilegeDatabase extends ScratchDatabase {
  /** The owner login's URL: what MIGRATION_DATABASE_URL holds. */
  migrationUrl: string;
  /** The runtime login's URL: what DATABASE_URL holds. */
  runtimeUrl: string;
  runtimeLogin: string;
  ownerLogin: string;
  /** DATABASE_URL (the runtime login, through a proxy on `viaPort` when given) and MIGRATION_DATABASE_URL. */
  serviceEnv(viaPort?: number): Record<string, string>;
  /** Another login on this database (random name, dropped with it), made by the admin: `grantApp` makes it a member of mcp_app. */
  createLogin(options: { grantApp: boolean }): Promise<string>;
}

function adminUrl(): string {
  const { url, reason } = testPostgres();
  if (url === undefined) throw new Error(`These tests need PostgreSQL: ${reason}`);
  return url;
}

function loginUrl(databaseUrl: string, login: string, port?: number): string {
  const url = new URL(databaseUrl);
  url.username = login;
  url.password = '';
  if (port !== undefined) {
    url.hostname = '127.0.0.1';
    url.port = String(port);
  }
  return url.toString();
}

async function asAdmin(statements: string[]): Promise<void> {
  const client = new Client({ connectionString: adminUrl(), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function createLeastPrivilegeDatabase(): Promise<LeastPrivilegeDatabase> {
  const scratch = await createScratchDatabase();
  const suffix = randomBytes(5).toString('hex');
  const ownerLogin = `mcpf_e2e_owner_${suffix}`;
  const runtimeLogin = `mcpf_e2e_rt_${suffix}`;
  const extraLogins: string[] = [];
  const dropRoles = () => asAdmin([runtimeLogin, ...extraLogins, ownerLogin].map((role) => `DROP ROLE IF EXISTS "${role}"`));
  try {
    await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', setupRolesBin, '--apply', '--admin-url', adminUrl(), '--database', scratch.name, '--owner', ownerLogin, '--runtime', runtimeLogin],
      { cwd: workspaceRoot, env: { ...process.env, TSX_TSCONFIG_PATH: join(workspaceRoot, 'tsconfig.base.json') }, timeout: 60_000 },
    );
  } catch (error) {
    await scratch.drop();
    await dropRoles();
    throw error;
  }
  const migrationUrl = loginUrl(scratch.url, ownerLogin);
  const runtimeUrl = loginUrl(scratch.url, runtimeLogin);
  return {
    ...scratch,
    migrationUrl,
    runtimeUrl,
    runtimeLogin,
    ownerLogin,
    serviceEnv: (viaPort) => ({ DATABASE_URL: loginUrl(scratch.url, runtimeLogin, viaPort), MIGRATION_DATABASE_URL: migrationUrl }),
    async createLogin({ grantApp }) {
      const login = `mcpf_e2e_extra_${randomBytes(5).toString('hex')}`;
      extraLogins.push(login);
      await asAdmin([`CREATE ROLE "${login}" LOGIN NOSUPERUSER NOINHERIT`, ...(grantApp ? [`GRANT mcp_app TO "${login}"`] : [])]);
      return loginUrl(scratch.url, login);
    },
    async drop() {
      await scratch.drop();
      await dropRoles();
    },
  };
}
