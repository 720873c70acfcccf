import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseInUseError } from '../errors';

/** A held lock on an embedded data directory; `release()` is idempotent. */
export interface DataDirLock {
  readonly file: string;
  release(): void;
}

/**
 * PGlite has no lock of its own: two processes opening one directory would both write it and corrupt
 * it. So the first takes `<dataDir>.lock` (created exclusively, holding its pid); a second gets
 * ERR_DB_IN_USE naming that pid. A lock whose process is gone (a crash) is taken over.
 */
export function lockDataDir(dataDir: string, description: string): DataDirLock {
  const file = `${dataDir}.lock`;
  mkdirSync(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
      closeSync(fd);
      let held = true;
      return {
        file,
        release() {
          if (!held) return;
          held = false;
          if (ownerPid(file) === process.pid) unlinkSync(file);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = ownerPid(file);
      if (pid !== undefined && isAlive(pid)) {
        throw new DatabaseInUseError(
          `The ${description} is in use by process ${pid}: close the other app using it, or set MCP_DATA_DIR to another directory`,
        );
      }
      // Stale (its process is gone) or unreadable: take it over.
      try {
        unlinkSync(file);
      } catch {
        // another process removed it first; try again
      }
    }
  }
  throw new DatabaseInUseError(`The ${description} is being opened by another process at the same moment; try again`);
}

function ownerPid(file: string): number | undefined {
  try {
    const pid = Number(JSON.parse(readFileSync(file, 'utf8')).pid);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
