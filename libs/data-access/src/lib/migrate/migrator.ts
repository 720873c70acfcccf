import { createSilentLogger, type Logger } from '@mcp-factory/shared-util';
import { causeText } from '../client/cause-text';
import { MigrationChecksumError, MigrationFailedError } from '../errors';
import { readMigrations, type MigrationFile } from './migration-files';
import type { SqlSession } from './sql-session';

/** The table recording applied migrations. Not a tenant table: RLS does not apply to it. */
export const MIGRATIONS_TABLE = '_mcp_factory_migrations';

/** Arbitrary constant key for pg_advisory_lock: every replica migrating this schema takes the same one. */
const ADVISORY_LOCK_KEY = 727_001_003;

export interface MigrateOptions {
  /** Migrations to apply; default: the lib's `prisma/migrations`. */
  migrations?: MigrationFile[];
  logger?: Logger;
}

export interface MigrateResult {
  /** Migrations applied by this run, in order. */
  applied: string[];
  /** Migrations already applied before this run. */
  skipped: string[];
}

/**
 * Applies pending migrations in name order, each in its own transaction, under a session advisory
 * lock so replicas starting together migrate once (the second waits, then finds nothing to do).
 * Refuses to run (ERR_MIGRATION_CHECKSUM) when an applied migration's file changed.
 */
export async function runMigrations(session: SqlSession, options: MigrateOptions = {}): Promise<MigrateResult> {
  const logger = options.logger ?? createSilentLogger();
  const migrations = options.migrations ?? readMigrations();
  await session.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
  try {
    await session.exec(
      `CREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}" (
         "name" TEXT PRIMARY KEY,
         "checksum" TEXT NOT NULL,
         "applied_at" TIMESTAMPTZ NOT NULL DEFAULT now()
       )`,
    );
    const rows = await session.query<{ name: string; checksum: string }>(`SELECT "name", "checksum" FROM "${MIGRATIONS_TABLE}"`);
    const recorded = new Map(rows.map((row) => [row.name, row.checksum]));

    for (const migration of migrations) {
      const checksum = recorded.get(migration.name);
      if (checksum !== undefined && checksum !== migration.checksum) {
        throw new MigrationChecksumError(
          `Migration ${migration.name} was changed after it was applied (checksum ${migration.checksum.slice(0, 12)} != recorded ${checksum.slice(0, 12)}); add a new migration instead of editing it`,
        );
      }
    }
    const known = new Set(migrations.map((m) => m.name));
    for (const name of recorded.keys()) {
      if (!known.has(name)) logger.warn('database has a migration this build does not know', { migration: name });
    }

    const result: MigrateResult = { applied: [], skipped: [] };
    for (const migration of migrations) {
      if (recorded.has(migration.name)) {
        result.skipped.push(migration.name);
        continue;
      }
      try {
        await session.exec('BEGIN');
        await session.exec(migration.sql);
        await session.query(`INSERT INTO "${MIGRATIONS_TABLE}" ("name", "checksum") VALUES ($1, $2)`, [migration.name, migration.checksum]);
        await session.exec('COMMIT');
      } catch (error) {
        await session.exec('ROLLBACK').catch(() => undefined);
        throw new MigrationFailedError(`Migration ${migration.name} failed and was rolled back: ${causeText(error)}`, { cause: error });
      }
      logger.info('migration applied', { migration: migration.name });
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    await session.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]).catch(() => undefined);
  }
}
