// `nx run multitenant-sse:migrate` / the container's migrate command: applies pending migrations, then exits.
import { migrateDatabase } from '@mcp-factory/core-factory/host';
import { createLogger, errorMessage } from '@mcp-factory/shared-util';
import { loadConfig } from './config';

async function main(): Promise<void> {
  const { env, database, migrationDatabase, logFormat } = loadConfig();
  const logger = createLogger({ level: env.LOG_LEVEL, format: logFormat, defaultMeta: { app: 'multitenant-sse', job: 'migrate' } });
  // The owner login (MIGRATION_DATABASE_URL) when set: the runtime login has no DDL rights.
  const result = await migrateDatabase(migrationDatabase ?? database, { logger });
  logger.info('Migrations done', { applied: result.applied, skipped: result.skipped.length });
}

main().catch((error: unknown) => {
  process.stderr.write(`migrate: ${errorMessage(error)}\n`);
  process.exit(1);
});
