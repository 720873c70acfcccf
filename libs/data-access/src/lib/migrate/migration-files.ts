import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One migration in Prisma's layout: `<timestamp>_<name>/migration.sql`. */
export interface MigrationFile {
  /** The folder name, e.g. `20260101000000_init`; migrations apply in this order. */
  name: string;
  sql: string;
  /** sha256 of the file, hex. */
  checksum: string;
}

/** Where the lib's migrations live in the repository. */
export const DEFAULT_MIGRATIONS_DIR = path.resolve(__dirname, '../../../prisma/migrations');

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** Reads every `*\/migration.sql` under `dir`, sorted by folder name. */
export function readMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: checksumOf(sql) };
    });
}
