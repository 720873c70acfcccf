import type { Logger } from '@mcp-factory/shared-util';
import { errorMessage } from '@mcp-factory/shared-util';
import { TotalSessionLimitError, UserSessionLimitError } from '../errors';
import type { SessionSlot, SessionSlots } from '../shared-state/session-slots';

/** Which endpoint family a session belongs to. */
export type SessionKind = 'streamable-http' | 'sse';

/** What the manager needs to close a session. */
export interface Closable {
  close(): Promise<void>;
}

/** One open MCP session. */
export interface Session<TTransport extends Closable = Closable> {
  readonly id: string;
  /** The user who opened it; every later request must come from the same user. */
  readonly userId: string;
  readonly kind: SessionKind;
  readonly transport: TTransport;
  readonly server: Closable;
  readonly createdAt: number;
  lastActivityAt: number;
  /** JSON-RPC requests awaiting a response; a busy session is never evicted. */
  inFlight: number;
}

/** Options of {@link SessionManager}. */
export interface SessionManagerOptions {
  /** Sessions in total. Default 1000. Beyond it: 503 `ERR_SESSION_LIMIT_TOTAL`. */
  maxSessions?: number;
  /** Sessions per user. Default 10. Beyond it: 429 `ERR_SESSION_LIMIT_USER`. */
  maxSessionsPerUser?: number;
  /** Close sessions idle this long, ms. Default 300000 (upstream's pooling `idleTimeoutMs`). 0 disables. */
  idleTimeoutMs?: number;
  /** How often to look for idle sessions, ms. Default min(idleTimeoutMs / 2, 30000). */
  sweepIntervalMs?: number;
  logger: Logger;
  /** Called with +1/-1 when a session of a kind opens or closes (metrics). */
  onCountChange?: (kind: SessionKind, delta: number) => void;
  /** Called when a session is evicted for idleness (metrics). */
  onEvict?: (session: Session) => void;
  now?: () => number;
  /**
   * Caps shared by every replica (`RedisSessionSlots`): {@link SessionManager.reserveShared} charges
   * them after this process's own; a session gives its slot back when it is removed.
   */
  sharedSlots?: SessionSlots;
}

/** A held slot for a session being created; release it if creation fails. */
export interface SessionReservation {
  readonly userId: string;
  release(): void;
}

/**
 * The single registry of sessions, keyed by session id: `reserve` before the factory runs (limits
 * are checked there, so concurrent initializes cannot overshoot), `add` on `onsessioninitialized`,
 * `remove` on the transport's `onclose`, idle sessions evicted by a sweep, `closeAll` at shutdown.
 */
export class SessionManager<TTransport extends Closable = Closable> {
  private readonly sessions = new Map<string, Session<TTransport>>();
  private readonly perUser = new Map<string, number>();
  /** The shared slot behind a reservation from reserveShared, then behind its session once added. */
  private readonly sharedOfReservation = new WeakMap<SessionReservation, SessionSlot>();
  private readonly sharedOfSession = new Map<string, SessionSlot>();
  private pending = 0;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly maxSessions: number;
  private readonly maxSessionsPerUser: number;
  private readonly idleTimeoutMs: number;
  private readonly sweepIntervalMs: number;
  private readonly now: () => number;

  constructor(private readonly options: SessionManagerOptions) {
    this.maxSessions = options.maxSessions ?? 1000;
    this.maxSessionsPerUser = options.maxSessionsPerUser ?? 10;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
    this.sweepIntervalMs = options.sweepIntervalMs ?? Math.max(10, Math.min(this.idleTimeoutMs / 2, 30_000));
    this.now = options.now ?? Date.now;
  }

  /** Starts the idle sweep (unref'd: it never keeps the process alive). */
  startSweeping(): void {
    if (this.sweepTimer || this.idleTimeoutMs <= 0) return;
    this.sweepTimer = setInterval(() => void this.evictIdle(), this.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  stopSweeping(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  /** Holds a slot for `userId` or throws the limit error. */
  reserve(userId: string): SessionReservation {
    if (this.sessions.size + this.pending >= this.maxSessions) throw new TotalSessionLimitError(this.maxSessions);
    const count = this.perUser.get(userId) ?? 0;
    if (count >= this.maxSessionsPerUser) throw new UserSessionLimitError(this.maxSessionsPerUser);
    this.pending += 1;
    this.perUser.set(userId, count + 1);
    let released = false;
    return {
      userId,
      release: () => {
        if (released) return;
        released = true;
        this.pending -= 1;
        this.decrementUser(userId);
      },
    };
  }

  /**
   * {@link reserve}, then a slot of the shared caps when there are any (a Redis round trip; it throws
   * the same limit errors). Releasing the reservation gives both back.
   */
  async reserveShared(userId: string): Promise<SessionReservation> {
    const local = this.reserve(userId);
    const shared = this.options.sharedSlots;
    if (!shared) return local;
    let slot: SessionSlot;
    try {
      slot = await shared.reserve(userId);
    } catch (error) {
      local.release();
      throw error;
    }
    let released = false;
    const reservation: SessionReservation = {
      userId,
      release: () => {
        if (released) return;
        released = true;
        local.release();
        // A slot that stays held only while its session lives: add() takes it over first.
        if (this.sharedOfReservation.delete(reservation)) void slot.release().catch(() => undefined);
      },
    };
    this.sharedOfReservation.set(reservation, slot);
    return reservation;
  }

  /** Turns a reservation into a registered session. */
  add(reservation: SessionReservation, session: Omit<Session<TTransport>, 'createdAt' | 'lastActivityAt' | 'inFlight'>): Session<TTransport> {
    const sharedSlot = this.sharedOfReservation.get(reservation);
    if (sharedSlot) {
      this.sharedOfReservation.delete(reservation);
      this.sharedOfSession.set(session.id, sharedSlot);
    }
    // The user's count moves from "pending" to "open"; keep it by re-incrementing after release.
    reservation.release();
    this.perUser.set(session.userId, (this.perUser.get(session.userId) ?? 0) + 1);
    const now = this.now();
    const full: Session<TTransport> = { ...session, createdAt: now, lastActivityAt: now, inFlight: 0 };
    this.sessions.set(session.id, full);
    this.options.onCountChange?.(session.kind, 1);
    return full;
  }

  get(id: string): Session<TTransport> | undefined {
    return this.sessions.get(id);
  }

  /** Marks activity so the session is not evicted. */
  touch(session: Session<TTransport>): void {
    session.lastActivityAt = this.now();
  }

  /**
   * A call of the session started (+1) or ended (−1). A busy session is never evicted, and its idle
   * clock restarts when its last call ends: a call longer than the idle timeout is not followed by an
   * eviction before the client can send its next request.
   */
  countCall(session: Session<TTransport>, delta: number): void {
    session.inFlight += delta;
    if (session.inFlight === 0) this.touch(session);
  }

  /** Forgets a session (on transport close). Idempotent; returns whether it was registered. */
  remove(id: string): boolean {
    const session = this.sessions.get(id);
    if (!session) return false;
    this.sessions.delete(id);
    this.decrementUser(session.userId);
    const sharedSlot = this.sharedOfSession.get(id);
    if (sharedSlot) {
      this.sharedOfSession.delete(id);
      void sharedSlot.release().catch(() => undefined);
    }
    this.options.onCountChange?.(session.kind, -1);
    return true;
  }

  /** Removes then closes transport and server; errors are logged, not thrown. */
  async close(id: string, reason: string): Promise<void> {
    const session = this.detach(id, reason);
    if (session) await this.release(session);
  }

  /**
   * Closes sessions idle longer than the timeout and not busy. Returns how many. All of them leave the
   * table in the tick that found them idle: closing one may take a while, and a session that a request
   * touches meanwhile must not be evicted on the strength of an older reading.
   */
  async evictIdle(): Promise<number> {
    const cutoff = this.now() - this.idleTimeoutMs;
    const idle = [...this.sessions.values()].filter((s) => s.lastActivityAt <= cutoff && s.inFlight === 0);
    for (const session of idle) {
      this.options.onEvict?.(session);
      this.detach(session.id, 'idle');
    }
    for (const session of idle) await this.release(session);
    return idle.length;
  }

  private detach(id: string, reason: string): Session<TTransport> | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    this.remove(id);
    this.options.logger.info('session closed', { sessionId: id, userId: session.userId, transport: session.kind, reason });
    return session;
  }

  private async release(session: Session<TTransport>): Promise<void> {
    await closeQuietly(session.transport, this.options.logger, session.id);
    await closeQuietly(session.server, this.options.logger, session.id);
  }

  /** Closes every session (shutdown). */
  async closeAll(reason = 'shutdown'): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id, reason)));
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Open sessions of a user (for tests and admin). */
  countForUser(userId: string): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.userId === userId) n += 1;
    return n;
  }

  private decrementUser(userId: string): void {
    const count = (this.perUser.get(userId) ?? 1) - 1;
    if (count <= 0) this.perUser.delete(userId);
    else this.perUser.set(userId, count);
  }
}

async function closeQuietly(target: Closable, logger: Logger, sessionId: string): Promise<void> {
  try {
    await target.close();
  } catch (error) {
    logger.warn('error while closing session', { sessionId, error: errorMessage(error) });
  }
}
