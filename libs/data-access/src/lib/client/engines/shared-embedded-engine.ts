import { connect } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { errorMessage, type Logger } from '@mcp-factory/shared-util';
import type { Pool } from 'pg';
import { PrismaClient } from '../../../generated/prisma/client';
import { DatabaseInUseError, DatabaseUnavailableError } from '../../errors';
import type { MigrationFile } from '../../migrate/migration-files';
import { runMigrations } from '../../migrate/migrator';
import { pgSession, pgliteSession } from '../../migrate/sql-session';
import { toDataAccessError } from '../db-errors';
import { canonicalPath, lockDataDir, lockHolder, type DataDirLock, type DataDirLockInfo } from '../data-dir-lock';
import { HostSocket, type HostLocator } from '../sharing/host-socket';
import { PgliteRelay } from '../sharing/pglite-relay';
import { prepareSocketPath, socketPathFor } from '../sharing/socket-location';
import { TenantSessionPool } from '../tenant-pool';
import { startPglite, type PgliteSource } from './embedded-engine';
import { TRANSACTION_OPTIONS, type Engine } from './engine';

export interface SharedEmbeddedOptions extends PgliteSource {
  dataDir: string;
  /** Where the socket goes when the data directory's path is too long for one (default: the OS temp dir). */
  socketFallbackDir?: string;
  /** Applied by whichever process opens the directory, before it serves anyone; undefined: no migrations. */
  migrations?: MigrationFile[];
  logger: Logger;
  /** How long to wait for a live holder to start answering on its socket. Default 60 s. */
  hostWaitMs?: number;
  /** Passed to the relay (see PgliteRelayOptions). */
  holdIdleTimeoutMs?: number;
}

/** Connections this process keeps to the host; PGlite runs one statement at a time anyway. */
const POOL_SIZE = 4;
/** How often a guest looks at the lock file to notice that its host is gone. */
const WATCH_INTERVAL_MS = 250;
/** How long a call waits for a connection, e.g. while another process takes the directory over. */
const HAND_OVER_WAIT_MS = 10_000;
/** After a failed takeover (a damaged directory, say), the next attempt waits this long. */
const RETRY_BACKOFF_MS = 2000;

interface Hosting {
  lock: DataDirLock;
  pglite: PGlite;
  relay: PgliteRelay;
}

/**
 * One embedded data directory used by several processes at once. The process that takes the lock
 * opens PGlite, migrates it and serves it on a private local socket (PgliteRelay); every process,
 * that one included, reaches the database as a PostgreSQL client through that socket (`pg` +
 * `@prisma/adapter-pg`), so all callers share one queue and run the same code. When the host exits
 * or dies, a guest notices (its connections close; the lock's pid is gone), takes the lock, opens
 * the directory and serves it; the others connect to it. Only the lock holder ever opens PGlite.
 */
class SharedDataDir implements HostLocator {
  readonly dataDir: string;
  private readonly ownSocket: string;
  private hosting: Hosting | undefined;
  private host: DataDirLockInfo | undefined;
  private switching: Promise<void> | undefined;
  private nextAttemptAt = 0;
  /** Why the last election failed (a damaged directory, say): what calls report until one succeeds. */
  private lastFailure: string | undefined;
  private closed = false;
  private watch: NodeJS.Timeout | undefined;
  readonly pool: Pool;

  constructor(private readonly options: SharedEmbeddedOptions) {
    this.dataDir = canonicalPath(options.dataDir);
    this.ownSocket = socketPathFor(this.dataDir, options.socketFallbackDir);
    this.pool = new TenantSessionPool({ max: POOL_SIZE, idleTimeoutMillis: 10_000, connectionTimeoutMillis: HAND_OVER_WAIT_MS, stream: () => new HostSocket(this) });
    // An idle connection whose host went away; the pool drops it and the next call reconnects.
    this.pool.on('error', (error) => options.logger.debug('embedded database connection closed', { error: error.message }));
  }

  async start(): Promise<void> {
    await this.elect();
    this.watch = setInterval(() => this.check(), WATCH_INTERVAL_MS);
    this.watch.unref();
  }

  async hostSocket(): Promise<string> {
    if (this.switching) await this.switching;
    if (this.closed) throw new DatabaseUnavailableError(`${this.options.description} is closed`);
    if (!this.host) {
      this.check();
      const why = this.lastFailure ?? 'another copy of the app is taking it over';
      throw new DatabaseUnavailableError(`${this.options.description} has no host right now (${why}); retry the call`);
    }
    return this.host.socket as string;
  }

  suspectHost(): void {
    if (!this.closed) this.check(true);
  }

  hostGoneError(): Error {
    return new Error(`connection closed by the process serving ${this.options.description} (it exited, or is handing over to another); retry the call`);
  }

  /**
   * Looks at the lock: if the host we use is gone or changed, elects again (one election at a time).
   * `suspect`: a connection dropped; elect even if the same host holds the lock, so calls wait for it
   * to answer again, or to leave and be replaced, instead of failing on a socket that is closing.
   */
  private check(suspect = false): void {
    if (this.closed || this.switching || this.hosting || Date.now() < this.nextAttemptAt) return;
    const holder = lockHolder(this.dataDir);
    const sameHost = holder !== undefined && holder.nonce === this.host?.nonce;
    if (sameHost && !suspect) return;
    if (!sameHost && this.host) this.options.logger.info('the process serving the embedded database is gone; electing a new one', { database: this.options.description, pid: this.host.pid });
    this.switching = this.elect()
      .then(() => (this.lastFailure = undefined))
      .catch((error: unknown) => {
        if (this.closed) return;
        this.host = undefined;
        this.lastFailure = errorMessage(error);
        this.nextAttemptAt = Date.now() + RETRY_BACKOFF_MS;
        this.options.logger.warn('the embedded database has no host', { database: this.options.description, error: errorMessage(error) });
      })
      .finally(() => (this.switching = undefined));
  }

  /** Becomes the host if the lock is free, or the guest of the live holder once it answers. */
  private async elect(): Promise<void> {
    const deadline = Date.now() + (this.options.hostWaitMs ?? 60_000);
    for (;;) {
      if (this.closed) throw new DatabaseUnavailableError(`${this.options.description} is closed`);
      if (await this.tryHost()) return;
      const holder = lockHolder(this.dataDir);
      if (!holder) {
        await sleep(10); // released or gone meanwhile: try again
        continue;
      }
      if (!holder.socket) {
        // An older version of the app, which does not share: the directory is simply in use.
        throw new DatabaseInUseError(`The ${this.options.description} is in use by process ${holder.pid}: close the other app using it, or set MCP_DATA_DIR to another directory`);
      }
      if (await answers(holder.socket)) {
        if (this.host?.nonce !== holder.nonce) this.options.logger.info('using the embedded database served by another process', { pid: holder.pid, socket: holder.socket });
        this.host = holder;
        return;
      }
      if (Date.now() > deadline) {
        throw new DatabaseUnavailableError(`The ${this.options.description} is held by process ${holder.pid}, which does not answer on ${holder.socket}; retry, or close that app`);
      }
      await sleep(50);
    }
  }

  /** Takes the lock and opens, migrates and serves the directory; false when another live process holds it. */
  private async tryHost(): Promise<boolean> {
    let lock: DataDirLock;
    try {
      lock = lockDataDir(this.dataDir, this.options.description, { socket: this.ownSocket });
    } catch (error) {
      if (error instanceof DatabaseInUseError) return false;
      throw error;
    }
    try {
      prepareSocketPath(this.ownSocket, this.dataDir);
      const pglite = await startPglite({ ...this.options, dataDir: this.dataDir });
      try {
        if (this.options.migrations) await migrateOnOpen(pglite, this.options);
        const relay = new PgliteRelay(pglite, {
          path: this.ownSocket,
          logger: this.options.logger,
          holdIdleTimeoutMs: this.options.holdIdleTimeoutMs,
          onFatal: () => void this.stepDown(),
        });
        await relay.listen();
        this.hosting = { lock, pglite, relay };
      } catch (error) {
        await pglite.close().catch(() => undefined);
        throw error;
      }
    } catch (error) {
      lock.release();
      throw error;
    }
    this.host = lock.info;
    this.options.logger.info('serving the embedded database to other processes', { database: this.options.description, socket: this.ownSocket });
    return true;
  }

  /** PGlite failed under the relay: close it and let whoever comes first (maybe this process) reopen it. */
  private async stepDown(): Promise<void> {
    const hosting = this.hosting;
    this.hosting = undefined;
    this.host = undefined;
    if (hosting) await this.unhost(hosting);
    this.check();
  }

  private async unhost({ lock, pglite, relay }: Hosting): Promise<void> {
    try {
      await relay.stop();
      await pglite.close();
    } catch (error) {
      this.options.logger.warn('closing the embedded database failed', { error: errorMessage(error) });
    } finally {
      // Only after PGlite is closed may another process open the directory.
      lock.release();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.watch) clearInterval(this.watch);
    await this.switching;
    await this.pool.end();
    const hosting = this.hosting;
    this.hosting = undefined;
    if (hosting) await this.unhost(hosting);
  }
}

async function migrateOnOpen(pglite: PGlite, options: SharedEmbeddedOptions): Promise<void> {
  try {
    const result = await runMigrations(pgliteSession(pglite), { migrations: options.migrations, logger: options.logger });
    if (result.applied.length) options.logger.info('database migrated', { database: options.description, applied: result.applied });
  } catch (error) {
    throw toDataAccessError(error, `Migrating ${options.description}`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether something accepts connections on `socket` (a live host, not a file a crash left behind). */
function answers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socket);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/** Opens `options.dataDir` shared with other processes (see SharedDataDir). */
export async function openSharedEmbedded(options: SharedEmbeddedOptions): Promise<Engine> {
  const shared = new SharedDataDir(options);
  // maxWait (≥ HAND_OVER_WAIT_MS) covers getting a connection, which waits out a hand-over (HostSocket).
  const prisma = new PrismaClient({ adapter: new PrismaPg(shared.pool), transactionOptions: TRANSACTION_OPTIONS });
  // Prisma loads and compiles its query compiler (WebAssembly) on $connect, which opens no connection
  // (the pool connects on the first query). Started now, that overlaps PGlite's start-up instead of
  // delaying the first query after it (the desktop app's first data call, bench P5).
  const compilerReady = prisma.$connect().catch(() => undefined);
  try {
    await shared.start();
    await compilerReady;
  } catch (error) {
    await compilerReady;
    await prisma.$disconnect().catch(() => undefined);
    await shared.close().catch(() => undefined);
    throw error;
  }
  return {
    prisma,
    withSession: async (fn) => {
      const client = await shared.pool.connect();
      try {
        return await fn(pgSession(client));
      } finally {
        client.release();
      }
    },
    ping: async () => {
      await shared.pool.query('SELECT 1');
    },
    dispose: () => shared.close(),
  };
}
