import { readdir, readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../../../generated/prisma/client';
import { DatabaseUnavailableError } from '../../errors';
import { pgliteSession } from '../../migrate/sql-session';
import { causeText } from '../cause-text';
import { lockDataDir } from '../data-dir-lock';
import { TRANSACTION_OPTIONS, type Engine } from './engine';
import { pgliteTenantSession } from './pglite-tenant-session';
import { withTenantSessions } from './tenant-adapter';

/** Where PGlite's files are and how to seed an empty directory. */
export interface PgliteSource {
  /** Data directory; undefined or `memory://…` keeps the database in memory. */
  dataDir: string | undefined;
  /** A `dumpDataDir()` tarball to load instead of running initdb when the directory is empty. */
  snapshot?: Blob | File;
  /** The same, as a file read only when needed. */
  snapshotFile?: string;
  /** `embedded PGlite at …`, for messages. */
  description: string;
}

/** Whether the source is a directory on disk (which needs the lock), not memory. */
export function isOnDisk(dataDir: string | undefined): dataDir is string {
  return dataDir !== undefined && !dataDir.startsWith('memory://');
}

/**
 * Starts PGlite on the source. Callers hold the data directory's lock. An existing directory PGlite
 * cannot start from is damaged (a crash mid-write, a truncated copy): the message says how to recover.
 */
export async function startPglite(source: PgliteSource): Promise<PGlite> {
  const { dataDir, description } = source;
  const isEmpty = await isEmptyDir(dataDir);
  try {
    const seed = isEmpty ? (source.snapshot ?? (source.snapshotFile ? new Blob([await readFile(source.snapshotFile)]) : undefined)) : undefined;
    return await PGlite.create(dataDir, seed ? { loadDataDir: seed } : {});
  } catch (error) {
    const recovery =
      isOnDisk(dataDir) && !isEmpty ? `. The data directory looks damaged: move it aside (mv "${dataDir}" "${dataDir}.damaged") and start again to create a fresh one` : '';
    throw new DatabaseUnavailableError(`Cannot open ${description}: ${causeText(error)}${recovery}`, { cause: error });
  }
}

/** PGlite in this process, for this process only: in memory, or a directory held by its lock. */
export async function openEmbedded(source: PgliteSource): Promise<Engine> {
  const lock = isOnDisk(source.dataDir) ? lockDataDir(source.dataDir, source.description) : undefined;
  let pglite: PGlite;
  try {
    pglite = await startPglite(source);
  } catch (error) {
    lock?.release();
    throw error;
  }
  const session = pgliteSession(pglite);
  const openTenantSession = pgliteTenantSession(pglite);
  return {
    prisma: new PrismaClient({ adapter: withTenantSessions(new PrismaPGlite(pglite), (_tx, tenantId) => openTenantSession(tenantId)), transactionOptions: TRANSACTION_OPTIONS }),
    withSession: (fn) => fn(session),
    ping: async () => {
      await pglite.query('SELECT 1');
    },
    dispose: async () => {
      try {
        await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
}

async function isEmptyDir(dir: string | undefined): Promise<boolean> {
  if (!isOnDisk(dir)) return true;
  try {
    return (await readdir(dir)).length === 0;
  } catch {
    return true;
  }
}
