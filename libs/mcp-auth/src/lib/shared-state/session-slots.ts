import { randomUUID } from 'node:crypto';
import { TotalSessionLimitError, UserSessionLimitError } from '../errors';

/** A held place for one session; `release()` when the session closes or its creation fails. Idempotent. */
export interface SessionSlot {
  readonly id: string;
  readonly userId: string;
  release(): Promise<void>;
}

/**
 * Session caps across the whole service: `reserve` before the server factory runs (so concurrent
 * initializes cannot overshoot), release on close or on a failed creation. Over `maxSessionsPerUser`
 * it throws `UserSessionLimitError` (429), over `maxSessions` `TotalSessionLimitError` (503) — the
 * same codes as the per-process SessionManager, checked total first, as there.
 */
export interface SessionSlots {
  reserve(userId: string): Promise<SessionSlot>;
  /** Slots held by this process. */
  readonly size: number;
  close(): Promise<void>;
}

/** Options of the slot implementations. */
export interface SessionCaps {
  /** Default 1000. */
  maxSessions?: number;
  /** Default 10. */
  maxSessionsPerUser?: number;
}

/** One held slot, as the local registry keeps it. */
export interface HeldSlot {
  readonly id: string;
  readonly userId: string;
}

/**
 * Caps counted in this process only: what the service has without Redis, and what the Redis
 * implementation falls back to while Redis is down.
 */
export class LocalSessionSlots implements SessionSlots {
  private readonly held = new Map<string, HeldSlot>();
  private readonly perUser = new Map<string, number>();
  readonly maxSessions: number;
  readonly maxSessionsPerUser: number;

  constructor(caps: SessionCaps = {}) {
    this.maxSessions = caps.maxSessions ?? 1000;
    this.maxSessionsPerUser = caps.maxSessionsPerUser ?? 10;
  }

  async reserve(userId: string): Promise<SessionSlot> {
    return this.reserveNow(userId);
  }

  /** The synchronous reserve: checks the caps, then holds a new slot. */
  reserveNow(userId: string, id: string = randomUUID()): SessionSlot {
    if (this.held.size >= this.maxSessions) throw new TotalSessionLimitError(this.maxSessions);
    if ((this.perUser.get(userId) ?? 0) >= this.maxSessionsPerUser) throw new UserSessionLimitError(this.maxSessionsPerUser);
    return this.adopt(userId, id);
  }

  /** Holds a slot without checking the caps (one a global registry already granted). */
  adopt(userId: string, id: string): SessionSlot {
    this.held.set(id, { id, userId });
    this.perUser.set(userId, (this.perUser.get(userId) ?? 0) + 1);
    return {
      id,
      userId,
      release: async () => {
        this.forget(id);
      },
    };
  }

  /** Drops a slot; returns whether it was held. */
  forget(id: string): boolean {
    const slot = this.held.get(id);
    if (!slot) return false;
    this.held.delete(id);
    const count = (this.perUser.get(slot.userId) ?? 1) - 1;
    if (count <= 0) this.perUser.delete(slot.userId);
    else this.perUser.set(slot.userId, count);
    return true;
  }

  /** Every held slot (for the heartbeat). */
  slots(): HeldSlot[] {
    return [...this.held.values()];
  }

  countForUser(userId: string): number {
    return this.perUser.get(userId) ?? 0;
  }

  get size(): number {
    return this.held.size;
  }

  async close(): Promise<void> {
    this.held.clear();
    this.perUser.clear();
  }
}
