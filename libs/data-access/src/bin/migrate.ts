/**
 * Applies pending migrations, then exits.
 *
 *   npx tsx libs/data-access/src/bin/migrate.ts                      # DATABASE_URL, else ./data (PGlite)
 *   npx tsx libs/data-access/src/bin/migrate.ts --data-dir ~/.mcpf   # embedded PGlite in that folder
 *   npx tsx libs/data-access/src/bin/migrate.ts --url postgresql://...
 *   npx nx run data-access:migrate
 *
 * The only place in the lib, with testing.ts, that reads the environment.
 */
import { createLogger, errorMessage } from '@mcp-factory/shared-util';
import type { DatabaseConfig } from '../lib/config/database-config';
import { describeConfig } from '../lib/config/database-config';
import { migrate } from '../lib/migrate/migrate-database';

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  if (index >= 0) return process.argv[index + 1];
  const inline = process.argv.find((arg) => arg.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

function configFromArgs(): DatabaseConfig {
  const url = argValue('--url') ?? (argValue('--data-dir') ? undefined : process.env['DATABASE_URL']);
  if (url) return { engine: 'server', url };
  return { engine: 'embedded', dataDir: argValue('--data-dir') ?? process.env['MCP_DATA_DIR'] ?? 'data' };
}

async function main(): Promise<void> {
  const logger = createLogger({ format: 'pretty', defaultMeta: { service: 'migrate' } });
  const config = configFromArgs();
  try {
    const result = await migrate(config, { logger });
    logger.info(`${describeConfig(config)}: ${result.applied.length} applied, ${result.skipped.length} already applied`, result);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'ERROR';
    logger.error(`${code}: ${errorMessage(error)}`);
    process.exitCode = 1;
  }
}

void main();
