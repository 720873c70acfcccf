// Two logins, two URLs: the owner migrates, the runtime login serves, and open() refuses a login
// that row-level security does not bind or that cannot switch to mcp_app. Server only: PGlite has
// one user. Roles are cluster-wide, so every name here is random and dropped afterwards.
import { randomBytes } from 'node:crypto';
import { createMemoryLogger } from '@mcp-factory/shared-util';
import { Client } from 'pg';
import { testServerUrl, withDatabaseName } from '../../testing';
import { openDatabase, type Database } from '../client/open-database';
import { migrate } from '../migrate/migrate-database';
import { applyRoleSetup, roleSetupSql, type RoleSetupOptions } from './role-setup';
import type { PrivilegedRolePolicy } from './runtime-role';
import { describeWithPostgres } from '@mcp-factory/shared-util/testing';

const adminUrl = () => testServerUrl() as string;

async function admin<T>(fn: (client: Client) => Promise<T>, database?: string): Promise<T> {
  const client = new Client({ connectionString: database ? withDatabaseName(adminUrl(), database) : adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function loginUrl(database: string, login: string): string {
  const url = new URL(withDatabaseName(adminUrl(), database));
  url.username = login;
  url.password = '';
  return url.toString();
}

describeWithPostgres('least-privilege PostgreSQL logins', () => {
  const suffix = randomBytes(4).toString('hex');
  const setup: RoleSetupOptions = { database: `mcpf_lp_${suffix}`, owner: `mcpf_owner_${suffix}`, runtime: `mcpf_rt_${suffix}` };
  const extraLogins = { bypass: `mcpf_bypass_${suffix}`, stranger: `mcpf_stranger_${suffix}` };
  const refuse: PrivilegedRolePolicy = { action: 'refuse', override: 'set ALLOW_PRIVILEGED_DB_ROLE=true for local development' };
  let urls: { migrationUrl: string; runtimeUrl: string };
  const open: Database[] = [];

  async function openAs(url: string, privilegedRole: PrivilegedRolePolicy | undefined = refuse, logger = createMemoryLogger().logger): Promise<Database> {
    const database = await openDatabase({ engine: 'server', url, poolSize: 2, privilegedRole }, { migrate: false, logger });
    open.push(database);
    return database;
  }

  beforeAll(async () => {
    urls = await applyRoleSetup(adminUrl(), setup);
    await admin(async (c) => {
      await c.query(`CREATE ROLE "${extraLogins.bypass}" LOGIN NOSUPERUSER BYPASSRLS NOINHERIT`);
      await c.query(`GRANT mcp_app TO "${extraLogins.bypass}"`);
      await c.query(`CREATE ROLE "${extraLogins.stranger}" LOGIN NOSUPERUSER NOINHERIT`);
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(open.map((d) => d.close()));
    await admin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS "${setup.database}" WITH (FORCE)`);
      for (const role of [extraLogins.bypass, extraLogins.stranger, setup.runtime, setup.owner]) await c.query(`DROP ROLE IF EXISTS "${role}"`);
    });
  });

  it('prints the setup as one psql script naming both logins', () => {
    const sql = roleSetupSql(setup);
    expect(sql).toContain(`CREATE ROLE "${setup.owner}" LOGIN NOSUPERUSER NOBYPASSRLS CREATEROLE NOCREATEDB;`);
    expect(sql).toContain(`GRANT mcp_app TO "${setup.owner}" WITH ADMIN OPTION;`);
    expect(sql).toContain(`CREATE ROLE "${setup.runtime}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB NOINHERIT;`);
    expect(sql).toContain(`GRANT mcp_app TO "${setup.runtime}";`);
    expect(() => roleSetupSql({ ...setup, owner: 'x"; DROP ROLE postgres; --' })).toThrow(expect.objectContaining({ code: 'ERR_DB_CONFIG' }));
  });

  it('migrates as the owner (NOSUPERUSER, CREATEROLE) and serves tenants as the runtime login', async () => {
    const result = await migrate({ engine: 'server', url: urls.migrationUrl });
    expect(result.applied.length).toBeGreaterThanOrEqual(3);
    const database = await openAs(urls.runtimeUrl);
    await database.forTenant('alice').greeting.create({ data: { message: 'from the runtime login' } });
    expect((await database.forTenant('alice').greeting.findMany()).map((g) => g.message)).toEqual(['from the runtime login']);
    expect(await database.forTenant('bob').greeting.count()).toBe(0);
  });

  it('gives the runtime login no way around the policies: no DDL, no rows outside a tenant session', async () => {
    const database = await openAs(urls.runtimeUrl);
    await expect(database.unscoped.$executeRawUnsafe('ALTER TABLE greeting DISABLE ROW LEVEL SECURITY')).rejects.toThrow(/must be owner/);
    await expect(database.unscoped.$executeRawUnsafe('CREATE TABLE stolen (x int)')).rejects.toThrow(/permission denied for schema public/);
    await expect(database.unscoped.$queryRawUnsafe('SELECT * FROM greeting')).rejects.toThrow(/permission denied for table greeting/);
    const [who] = await database.unscoped.$queryRawUnsafe<{ superuser: boolean; bypass: boolean }[]>(
      'SELECT rolsuper AS superuser, rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user',
    );
    expect(who).toEqual({ superuser: false, bypass: false });
  });

  it('refuses a superuser with one line naming it and the fix, or warns when allowed', async () => {
    const superuser = new URL(adminUrl()).username || 'postgres';
    const superUrl = withDatabaseName(adminUrl(), setup.database);
    await expect(openAs(superUrl)).rejects.toMatchObject({
      code: 'ERR_DB_ROLE',
      message: expect.stringMatching(
        new RegExp(`^PostgreSQL at .*: PostgreSQL login "${superuser}" is a superuser \\(row-level security does not bind it\\)\\. Refusing to serve tenants with it: serve with a NOSUPERUSER NOBYPASSRLS login that is a member of mcp_app and owns nothing \\(see docs/postgres-roles\\.md\\), or set ALLOW_PRIVILEGED_DB_ROLE=true for local development$`),
      ),
    });
    const memory = createMemoryLogger();
    const allowed = await openAs(superUrl, { action: 'warn' }, memory.logger);
    expect(await allowed.forTenant('alice').greeting.count()).toBe(1);
    const warnings = memory.entries.filter((e) => e.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toMatch(new RegExp(`^PostgreSQL login "${superuser}" is a superuser`));
  });

  it('refuses a BYPASSRLS login and the owner of the tenant tables', async () => {
    await expect(openAs(loginUrl(setup.database, extraLogins.bypass))).rejects.toMatchObject({
      code: 'ERR_DB_ROLE',
      message: expect.stringContaining(`PostgreSQL login "${extraLogins.bypass}" has BYPASSRLS`),
    });
    await expect(openAs(urls.migrationUrl)).rejects.toMatchObject({
      code: 'ERR_DB_ROLE',
      message: expect.stringContaining(`PostgreSQL login "${setup.owner}" owns the tenant tables (greeting, note), so it can turn row-level security off`),
    });
  });

  it('makes a missing GRANT mcp_app a configuration error at open, with the statement to run', async () => {
    await expect(openAs(loginUrl(setup.database, extraLogins.stranger))).rejects.toMatchObject({
      code: 'ERR_DB_ROLE',
      message: expect.stringContaining(
        `login "${extraLogins.stranger}" cannot switch to role mcp_app, which every tenant-scoped query runs as: run GRANT mcp_app TO "${extraLogins.stranger}" as the database owner (see docs/postgres-roles.md)`,
      ),
    });
    // Even with no privilege policy (tests, desktop): a login that cannot switch would fail every call.
    await expect(openAs(loginUrl(setup.database, extraLogins.stranger), undefined)).rejects.toMatchObject({ code: 'ERR_DB_ROLE' });
  });

  it('reports a grant revoked after open as the login’s configuration, never as a tenant denial', async () => {
    await admin((c) => c.query(`GRANT mcp_app TO "${extraLogins.stranger}"`));
    const database = await openAs(loginUrl(setup.database, extraLogins.stranger));
    expect(await database.forTenant('alice').greeting.count()).toBe(1);
    await admin((c) => c.query(`REVOKE mcp_app FROM "${extraLogins.stranger}"`));
    await expect(database.forTenant('alice').greeting.count()).rejects.toMatchObject({
      code: 'ERR_DB_ROLE',
      message: expect.stringMatching(/^Greeting\.count failed: the database login lacks a privilege \(.*permission denied to set role .*mcp_app.*\); see docs\/postgres-roles\.md$/s),
    });
  });

  it('lets a NOSUPERUSER CREATEROLE owner run every migration on its own database, mcp_app already existing', async () => {
    const owner = `mcpf_owner2_${suffix}`;
    const database = `mcpf_lp2_${suffix}`;
    await admin(async (c) => {
      await c.query(`CREATE ROLE "${owner}" LOGIN NOSUPERUSER NOBYPASSRLS CREATEROLE`);
      await c.query(`CREATE DATABASE "${database}" OWNER "${owner}"`);
    });
    try {
      const result = await migrate({ engine: 'server', url: loginUrl(database, owner) });
      expect(result.applied.length).toBeGreaterThanOrEqual(3);
    } finally {
      await admin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        await c.query(`DROP ROLE IF EXISTS "${owner}"`);
      });
    }
  });
});
