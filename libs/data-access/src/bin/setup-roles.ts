/**
 * Prints (default) or applies the least-privilege PostgreSQL setup: the app role mcp_app, an owner
 * login that runs the migrations, a runtime login the service connects as (docs/postgres-roles.md).
 *
 *   npx nx run data-access:setup-roles -- --database mcp --owner mcp_owner --runtime mcp_runtime
 *   npx nx run data-access:setup-roles -- --database mcp --apply --admin-url postgresql://postgres@db:5432/postgres
 *
 * Passwords come from MCP_OWNER_PASSWORD and MCP_RUNTIME_PASSWORD (not arguments: those show in `ps`).
 * With the lib's other bin and testing.ts, the only place in the lib that reads the environment.
 */
import { errorMessage } from '@mcp-factory/shared-util';
import { maskUrl } from '../lib/config/database-config';
import { applyRoleSetup, roleSetupSql, type RoleSetupOptions } from '../lib/roles/role-setup';

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  if (index >= 0) return process.argv[index + 1];
  return process.argv.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
}

async function main(): Promise<void> {
  const options: RoleSetupOptions = {
    database: argValue('--database') ?? 'mcp',
    owner: argValue('--owner') ?? 'mcp_owner',
    runtime: argValue('--runtime') ?? 'mcp_runtime',
    ownerPassword: process.env['MCP_OWNER_PASSWORD'] || undefined,
    runtimePassword: process.env['MCP_RUNTIME_PASSWORD'] || undefined,
  };
  if (!process.argv.includes('--apply')) {
    process.stdout.write(roleSetupSql(options));
    return;
  }
  const adminUrl = argValue('--admin-url');
  if (!adminUrl) throw new Error('--apply needs --admin-url postgresql://<superuser>@<host>/<any database>');
  const { migrationUrl, runtimeUrl } = await applyRoleSetup(adminUrl, options);
  process.stdout.write(`MIGRATION_DATABASE_URL=${maskUrl(migrationUrl)}\nDATABASE_URL=${maskUrl(runtimeUrl)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`setup-roles: ${errorMessage(error)}\n`);
  process.exitCode = 1;
});
