import { PGlite } from '@electric-sql/pglite';
import { createSilentLogger, type Logger } from '@mcp-factory/shared-util';
import { Client } from 'pg';
import { describeConfig, validateConfig, type DatabaseConfig } from '../config/database-config';
import { causeText } from '../client/cause-text';
import { toDataAccessError } from '../client/db-errors';
import { DatabaseInUseError, DatabaseUnavailableError } from '../errors';
import { lockDataDir } from '../client/data-dir-lock';
import { readMigrations } from './migration-files';
import { runMigrations, type MigrateResult } from './migrator';
import { pgliteSession, type SqlSession } from './sql-session';

export interface MigrateDatabaseOptions {
  logger?: Logger;
  /** Folder of Prisma-layout migrations; default: the lib's `prisma/migrations`. */
  migrationsDir?: string;
}

/**
 * Applies pending migrations to the configured database on its own connection, then closes it.
 * What the `migrate` CLI and Nx target run; openDatabase migrates by itself.
 *
 * @example
 * const { applied } = await migrate({ engine: 'server', url }, { logger });
 */
export async function migrate(config: DatabaseConfig, options: MigrateDatabaseOptions = {}): Promise<MigrateResult> {
  validateConfig(config);
  const logger = options.logger ?? createSilentLogger();
  const description = describeConfig(config);
  const migrations = readMigrations(options.migrationsDir);
  let session: SqlSession;
  let release: () => Promise<void>;
  try {
    if (config.engine === 'embedded') {
      const onDisk = config.dataDir !== undefined && !config.dataDir.startsWith('memory://');
      const lock = onDisk ? lockDataDir(config.dataDir as string, description) : undefined;
      const pglite = await PGlite.create(config.dataDir).catch((error) => {
        lock?.release();
        throw error;
      });
      session = pgliteSession(pglite);
      release = () => pglite.close().finally(() => lock?.release());
    } else {
      const client = new Client({ connectionString: config.url, connectionTimeoutMillis: config.connectTimeoutMs ?? 5000 });
      client.on('error', () => undefined);
      await client.connect();
      session = { exec: async (sql) => void (await client.query(sql)), query: async (sql, params) => (await client.query(sql, params)).rows };
      release = () => client.end();
    }
  } catch (error) {
    if (error instanceof DatabaseInUseError) throw error;
    throw new DatabaseUnavailableError(`Cannot open ${description}: ${causeText(error)}`, { cause: error });
  }
  try {
    return await runMigrations(session, { migrations, logger });
  } catch (error) {
    throw toDataAccessError(error, `Migrating ${description}`);
  } finally {
    await release().catch(() => undefined);
  }
}
