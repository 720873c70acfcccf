import { chmodSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { errorMessage, type Logger } from '@mcp-factory/shared-util';
import { ENCRYPTION_REFUSED, FrontendReader, STARTUP_MESSAGE, SYNC_MESSAGE, errorResponse, lastReadyStatus, queryMessage } from './wire';

export interface PgliteRelayOptions {
  /** Unix socket path (or Windows pipe name) to listen on. Its directory must be private to this user. */
  path: string;
  logger: Logger;
  /**
   * A client holding the database (inside a transaction, or between Parse and Sync) that sends
   * nothing for this long is disconnected and its transaction rolled back, so one stuck client
   * cannot wedge every other. Default 10 s: above Prisma's own 5 s interactive-transaction timeout.
   */
  holdIdleTimeoutMs?: number;
  /** Connections beyond this are refused (SQLSTATE 53300). Default 64. */
  maxConnections?: number;
  /** Called once if PGlite itself fails under the relay; the relay has closed every connection. */
  onFatal?: (error: unknown) => void;
}

/** One client connection. */
interface Session {
  readonly id: number;
  readonly socket: Socket;
  readonly reader: FrontendReader;
  /** Whole messages received and not yet run. */
  readonly pending: Buffer[];
  closed: boolean;
  idleTimer?: NodeJS.Timeout;
}

/** Ends a connection with a FATAL error, and destroys it a second later if the client does not close it. */
function refuse(socket: Socket, sqlState: string, message: string): void {
  socket.end(errorResponse('FATAL', sqlState, message));
  setTimeout(() => socket.destroy(), 1000).unref();
}

/**
 * What to run next: the startup message alone (PGlite handles it apart), or every message the client
 * has sent so far, in one call (PGlite runs a buffer of several messages in order, as a server would).
 */
function takeBatch(pending: Buffer[]): Buffer | undefined {
  if (pending[0] === STARTUP_MESSAGE) return pending.shift();
  const batch = pending.length > 1 ? Buffer.concat(pending) : pending[0];
  pending.length = 0;
  return batch;
}

/**
 * Serves one PGlite to many PostgreSQL clients over a local socket.
 *
 * PGlite is one backend session: every client shares its transaction state, its unnamed
 * statement and its portals. So a client gets the database to itself from its first message until
 * PGlite answers ReadyForQuery with status idle ('I'): a simple query, a whole extended-protocol
 * batch up to its Sync, or a whole transaction block, never interleaved with another client's
 * messages. The others queue (first come, first served). A client that disconnects or stalls while
 * holding it is cleaned up (Sync, then ROLLBACK if a block is open) before the next one runs.
 *
 * `@electric-sql/pglite-socket` (0.2.17, built for PGlite 0.5.14) schedules per message and keeps a
 * client only while `isInTransaction()`, which lets extended-protocol batches of two clients
 * interleave (electric-sql/pglite#1046, #977); this relay keeps its wire handling (SSLRequest → 'N',
 * CancelRequest ignored, messages passed to `execProtocolRawStream` under `runExclusive`) and
 * schedules per ReadyForQuery instead.
 */
export class PgliteRelay {
  private server: Server | undefined;
  private readonly sessions = new Set<Session>();
  private readonly waiting: Session[] = [];
  private holder: Session | undefined;
  private busy: Promise<void> | undefined;
  private stopped = false;
  private broken = false;
  private nextId = 1;
  private readonly holdIdleTimeoutMs: number;
  private readonly maxConnections: number;

  constructor(
    private readonly pglite: PGlite,
    private readonly options: PgliteRelayOptions,
  ) {
    this.holdIdleTimeoutMs = options.holdIdleTimeoutMs ?? 10_000;
    this.maxConnections = options.maxConnections ?? 64;
  }

  get path(): string {
    return this.options.path;
  }

  /** Starts listening; the socket file is made readable and writable by this user only. */
  async listen(): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.options.logger.warn('embedded database socket error', { error: error.message }));
    if (process.platform !== 'win32') chmodSync(this.options.path, 0o600);
    this.server = server;
  }

  /** Closes every connection (rolling back what they left open) and the socket. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const session of this.sessions) this.drop(session);
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    while (this.busy) await this.busy;
  }

  private accept(socket: Socket): void {
    if (this.stopped || this.broken) {
      socket.destroy();
      return;
    }
    if (this.sessions.size >= this.maxConnections) {
      refuse(socket, '53300', `too many connections to the shared embedded database (${this.maxConnections})`);
      return;
    }
    const session: Session = { id: this.nextId++, socket, reader: new FrontendReader(), pending: [], closed: false };
    this.sessions.add(session);
    socket.on('data', (chunk: Buffer) => this.receive(session, chunk));
    socket.on('error', () => undefined); // 'close' follows; the session is dropped there
    socket.on('close', () => this.drop(session));
  }

  private receive(session: Session, chunk: Buffer): void {
    if (session.closed) return;
    session.reader.push(chunk);
    for (let frame = session.reader.next(); frame; frame = session.reader.next()) {
      if (frame.kind === 'message') session.pending.push(frame.bytes);
      else if (frame.kind === 'startup') session.pending.push(STARTUP_MESSAGE);
      else if (frame.kind === 'encryption-request') session.socket.write(ENCRYPTION_REFUSED);
      else if (frame.kind === 'invalid') return this.expel(session, '08P01', frame.reason);
      else return this.close(session); // terminate, or a cancel request (its own connection)
    }
    if (!session.pending.length) return;
    if (this.holder === session) this.clearIdle(session);
    else if (!this.waiting.includes(session)) this.waiting.push(session);
    this.pump();
  }

  /** Runs the next step: the holder's next message, its cleanup once gone, or hands over to the next waiting client. */
  private pump(): void {
    if (this.busy || this.broken) return;
    let holder = this.holder;
    while (!holder) {
      const next = this.waiting.shift();
      if (!next) return;
      if (!next.closed) holder = this.holder = next;
    }
    if (holder.closed) return this.run(() => this.reset(holder));
    const batch = takeBatch(holder.pending);
    if (!batch) return this.armIdle(holder);
    this.run(() => this.execute(holder, batch));
  }

  private run(task: () => Promise<void>): void {
    this.busy = task()
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.busy = undefined;
        this.pump();
      });
  }

  private async execute(session: Session, message: Buffer): Promise<void> {
    const output = await this.exec(message);
    if (!session.closed) session.socket.write(output);
    if (lastReadyStatus(output) !== 'I') return;
    // Idle again: the database goes to the next client; this one queues again if it sent more.
    this.holder = undefined;
    if (session.pending.length && !session.closed) this.waiting.push(session);
  }

  /** After a holder is gone: end its batch, roll back its transaction, so the next client starts clean. */
  private async reset(session: Session): Promise<void> {
    let status = lastReadyStatus(await this.exec(SYNC_MESSAGE));
    if (status !== 'I') status = lastReadyStatus(await this.exec(queryMessage('ROLLBACK')));
    if (status !== 'I') throw new Error(`the embedded database stayed in transaction state ${status ?? '?'} after a client left`);
    if (this.holder === session) this.holder = undefined;
  }

  private async exec(message: Buffer): Promise<Buffer> {
    const chunks: Buffer[] = [];
    await this.pglite.runExclusive(() =>
      this.pglite.execProtocolRawStream(message, { onRawData: (data) => chunks.push(Buffer.from(data)) }),
    );
    return Buffer.concat(chunks);
  }

  private armIdle(session: Session): void {
    if (session.idleTimer || this.stopped) return;
    session.idleTimer = setTimeout(() => {
      session.idleTimer = undefined;
      if (this.holder !== session || session.pending.length || session.closed) return;
      this.options.logger.warn('closing a connection that held the shared embedded database idle', { idleMs: this.holdIdleTimeoutMs });
      this.expel(session, '25P03', `terminating connection: it held the shared embedded database without sending anything for ${this.holdIdleTimeoutMs} ms`);
    }, this.holdIdleTimeoutMs);
    session.idleTimer.unref();
  }

  private clearIdle(session: Session): void {
    if (session.idleTimer) clearTimeout(session.idleTimer);
    session.idleTimer = undefined;
  }

  /** Sends a FATAL error and closes; the session is dropped at once, whether or not the client reads it. */
  private expel(session: Session, sqlState: string, message: string): void {
    if (session.closed) return;
    refuse(session.socket, sqlState, message);
    this.drop(session);
  }

  private close(session: Session): void {
    session.socket.end();
    this.drop(session);
  }

  private drop(session: Session): void {
    if (session.closed) return;
    session.closed = true;
    session.pending.length = 0;
    this.clearIdle(session);
    this.sessions.delete(session);
    const at = this.waiting.indexOf(session);
    if (at !== -1) this.waiting.splice(at, 1);
    if (!session.socket.destroyed && (this.stopped || this.broken)) session.socket.destroy();
    this.pump();
  }

  /** PGlite itself failed: nothing it answers can be trusted any more. */
  private fail(error: unknown): void {
    if (this.broken) return;
    this.broken = true;
    this.options.logger.error('the embedded database failed under the socket relay', { error: errorMessage(error) });
    for (const session of this.sessions) {
      session.closed = true;
      this.clearIdle(session);
      session.socket.destroy();
    }
    this.sessions.clear();
    this.waiting.length = 0;
    this.holder = undefined;
    this.options.onFatal?.(error);
  }
}
