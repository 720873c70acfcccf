import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, realpathSync, rmdirSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { DatabaseInUseError } from '../errors';

/** What the lock file says about the process holding an embedded data directory. */
export interface DataDirLockInfo {
  pid: number;
  /** When it took the lock (ISO time). */
  since: string;
  /** Random per lock: tells a new holder from an old one with a reused pid, and a stale file from its replacement. */
  nonce: string;
  /** Where the holder serves the database to other processes (shared mode), if it does. */
  socket?: string;
}

/** A held lock on an embedded data directory; `release()` is idempotent. */
export interface DataDirLock {
  readonly file: string;
  readonly info: DataDirLockInfo;
  release(): void;
}

/** The lock file of a data directory: `<dataDir>.lock`, beside it, on the directory's real path. */
export function lockFileOf(dataDir: string): string {
  return `${canonicalPath(dataDir)}.lock`;
}

/**
 * PGlite has no lock of its own: two processes opening one directory would both write it and corrupt
 * it. So the first takes `<dataDir>.lock`, which appears with its content in one step (written to a
 * temporary file, then hard-linked into place: `link` fails if the name exists), so no reader ever
 * sees it empty. A second process gets ERR_DB_IN_USE naming the holder's pid. A lock whose process is
 * gone (a crash) is removed under a short takeover guard, and only if it is still the same stale file.
 */
export function lockDataDir(dataDir: string, description: string, options: { socket?: string } = {}): DataDirLock {
  const file = lockFileOf(dataDir);
  mkdirSync(path.dirname(file), { recursive: true });
  const info: DataDirLockInfo = { pid: process.pid, since: new Date().toISOString(), nonce: randomBytes(8).toString('hex'), ...(options.socket ? { socket: options.socket } : {}) };
  const content = JSON.stringify(info);
  for (let attempt = 0; attempt < 10; attempt++) {
    if (createWithContent(file, content)) return heldLock(file, info, content);
    const holder = readHolder(file);
    if (holder.state === 'alive') {
      throw new DatabaseInUseError(`The ${description} is in use by process ${holder.info.pid}: close the other app using it, or set MCP_DATA_DIR to another directory`);
    }
    if (holder.state === 'stale') removeIfUnchanged(file, holder.raw);
  }
  throw new DatabaseInUseError(`The ${description} is being opened by another process at the same moment; try again`);
}

/** The live process holding `dataDir`'s lock, or undefined when there is none (or it is gone). */
export function lockHolder(dataDir: string): DataDirLockInfo | undefined {
  const holder = readHolder(lockFileOf(dataDir));
  return holder.state === 'alive' ? holder.info : undefined;
}

function heldLock(file: string, info: DataDirLockInfo, content: string): DataDirLock {
  let held = true;
  return {
    file,
    info,
    release() {
      if (!held) return;
      held = false;
      try {
        if (readFileSync(file, 'utf8') === content) unlinkSync(file);
      } catch {
        // already gone
      }
    },
  };
}

/** Creates `file` holding `content`, atomically; false when it already exists. */
function createWithContent(file: string, content: string): boolean {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, content, { flag: 'wx', mode: 0o600 });
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links (FAT, some network mounts): exclusive create, then one write.
    // A reader may see it empty for an instant; readHolder waits that out instead of calling it stale.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EOPNOTSUPP') return createExclusive(file, content);
    throw error;
  } finally {
    try {
      unlinkSync(temporary);
    } catch {
      // nothing to clean
    }
  }
}

function createExclusive(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

type Holder = { state: 'alive'; info: DataDirLockInfo } | { state: 'stale'; raw: string } | { state: 'gone' };

/** How long a lock file may stay unreadable (being written without link support) before it counts as stale. */
const UNREADABLE_GRACE_MS = 1000;

function readHolder(file: string): Holder {
  const deadline = Date.now() + UNREADABLE_GRACE_MS;
  for (;;) {
    let raw: string;
    try {
      raw = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'gone' };
      throw error;
    }
    const info = parseInfo(raw);
    if (info) return isAlive(info.pid) ? { state: 'alive', info } : { state: 'stale', raw };
    if (Date.now() > deadline) return { state: 'stale', raw };
    sleepSync(10);
  }
}

function parseInfo(raw: string): DataDirLockInfo | undefined {
  try {
    const parsed = JSON.parse(raw) as Partial<DataDirLockInfo>;
    const pid = Number(parsed.pid);
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    return {
      pid,
      since: String(parsed.since ?? ''),
      nonce: String(parsed.nonce ?? ''),
      ...(typeof parsed.socket === 'string' ? { socket: parsed.socket } : {}),
    };
  } catch {
    return undefined;
  }
}

/** A takeover guard left by a process killed inside it is cleared after this long. */
const ABANDONED_GUARD_MS = 10_000;

/**
 * Removes a stale lock file, unless it changed since it was read as stale: two processes may find
 * the same stale lock, and the slower must not delete the lock the faster has just created. The
 * check and the unlink happen inside a guard (an exclusive `mkdir`) held for two system calls.
 */
function removeIfUnchanged(file: string, staleRaw: string): void {
  const guard = `${file}.takeover`;
  if (!enterGuard(guard)) return;
  try {
    if (readFileSync(file, 'utf8') === staleRaw) unlinkSync(file);
  } catch {
    // gone already
  } finally {
    leaveGuard(guard);
  }
}

function leaveGuard(guard: string): void {
  try {
    rmdirSync(guard);
  } catch {
    // cleared as abandoned meanwhile (this process was paused for over ABANDONED_GUARD_MS)
  }
}

function enterGuard(guard: string): boolean {
  const deadline = Date.now() + 2000;
  for (;;) {
    try {
      mkdirSync(guard);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    try {
      if (Date.now() - statSync(guard).mtimeMs > ABANDONED_GUARD_MS) rmdirSync(guard);
    } catch {
      // released meanwhile
    }
    if (Date.now() > deadline) return false;
    sleepSync(5);
  }
}

/** Whether process `pid` runs (a zombie, killed but not yet reaped by its parent, does not). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) === 'Z';
  } catch {
    return false;
  }
}

/** The directory's real path (so two spellings of one directory share one lock); as given when it does not exist yet. */
export function canonicalPath(dir: string): string {
  const absolute = path.resolve(dir);
  try {
    return realpathSync(absolute);
  } catch {
    try {
      return path.join(realpathSync(path.dirname(absolute)), path.basename(absolute));
    } catch {
      return absolute;
    }
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
