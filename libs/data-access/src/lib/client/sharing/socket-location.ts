import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseUnavailableError } from '../../errors';

/** The socket's file name: PostgreSQL's, so `psql -h <its folder>` connects too. */
export const SOCKET_NAME = '.s.PGSQL.5432';

/** The longest Unix socket path every platform accepts (macOS: 104 bytes with the NUL; Linux: 108). */
export const MAX_SOCKET_PATH_BYTES = 103;

/**
 * Where the process hosting `dataDir` serves it: `<dataDir>/.s.PGSQL.5432` (the data directory is
 * private to its user), or, when that path is too long for a Unix socket,
 * `<fallbackDir>/mcp-factory-<uid>/<hash of dataDir>/.s.PGSQL.5432`; on Windows a named pipe.
 * The holder records the path it chose in the lock file, so other processes never have to agree on it.
 */
export function socketPathFor(dataDir: string, fallbackDir: string = tmpdir()): string {
  const digest = createHash('sha256').update(dataDir).digest('hex');
  if (process.platform === 'win32') return `\\\\.\\pipe\\mcp-factory-${digest.slice(0, 32)}`;
  const inside = path.join(dataDir, SOCKET_NAME);
  if (Buffer.byteLength(inside) <= MAX_SOCKET_PATH_BYTES) return inside;
  const fallback = path.join(fallbackDir, `mcp-factory-${process.getuid?.() ?? 'user'}`, digest.slice(0, 12), SOCKET_NAME);
  if (Buffer.byteLength(fallback) > MAX_SOCKET_PATH_BYTES) {
    throw new DatabaseUnavailableError(`Cannot share the embedded database: both ${inside} and ${fallback} are too long for a Unix socket path; use a shorter data directory or socket folder`);
  }
  return fallback;
}

/**
 * Makes the socket's folder (the data directory, or the fallback folders) exist, belong to this
 * user and be closed to everyone else (0700), and removes a socket a crashed holder left there.
 * Call it only while holding the data directory's lock.
 */
export function prepareSocketPath(socketPath: string, dataDir: string): void {
  if (process.platform === 'win32') return;
  const folder = path.dirname(socketPath);
  if (folder === dataDir) {
    ensurePrivateDir(dataDir);
  } else {
    // <fallbackDir>/mcp-factory-<uid>: in a shared temp folder someone else could have made it first.
    ensurePrivateDir(path.dirname(folder));
    ensurePrivateDir(folder);
  }
  removeStaleSocket(socketPath);
}

function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) {
    throw new DatabaseUnavailableError(`Cannot share the embedded database: ${dir} is not a directory owned by this user; remove it or choose another folder`);
  }
  if ((stat.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

function removeStaleSocket(socketPath: string): void {
  let stat;
  try {
    stat = lstatSync(socketPath);
  } catch {
    return;
  }
  if (!stat.isSocket()) {
    throw new DatabaseUnavailableError(`Cannot share the embedded database: ${socketPath} exists and is not a socket; remove it`);
  }
  rmSync(socketPath, { force: true });
}
