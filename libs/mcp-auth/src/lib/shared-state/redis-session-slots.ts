import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { TotalSessionLimitError, UserSessionLimitError } from '../errors';
import type { FallbackReporter } from './fallback-reporter';
import { assertConnected } from './redis-clients';
import { RENEW_SLOT_SCRIPT, RESERVE_SLOT_SCRIPT } from './session-slot-scripts';
import { LocalSessionSlots, type SessionCaps, type SessionSlot, type SessionSlots } from './session-slots';

/** Options of {@link RedisSessionSlots}. */
export interface RedisSessionSlotsOptions extends SessionCaps {
  /** A client from `createRedisClient({ role: 'commands' })`. */
  redis: Redis;
  reporter: FallbackReporter;
  /** This replica's id: the prefix of its slot members (who holds what, in `ZRANGE`). */
  replicaId: string;
  /** Default `mcpf:sessions:`; keys `<prefix>all` and `<prefix>user:<userId>`. */
  keyPrefix?: string;
  /** A slot not renewed for this long is free again (its replica crashed). Default 30000. */
  slotTtlMs?: number;
  /** How often this replica renews its slots. Default slotTtlMs / 3. */
  heartbeatMs?: number;
}

/**
 * Session caps held in Redis for every replica: a slot is a member of the service's and the user's
 * sorted sets, scored by its expiry, renewed by this replica's heartbeat — so the slots of a crashed
 * replica free themselves after `slotTtlMs`.
 *
 * Redis down: `reserve` falls back to the caps counted on this replica (every slot it holds, shared
 * or not), and the fallback is reported. Slots taken meanwhile are registered in Redis by the first
 * heartbeat that reaches it (which also restores a restarted, empty Redis), so the service may be over
 * its cap for a moment after an outage — never refused below it. `release` that cannot reach Redis
 * stops renewing the slot, which then expires.
 */
export class RedisSessionSlots implements SessionSlots {
  private readonly local: LocalSessionSlots;
  private readonly keyPrefix: string;
  private readonly slotTtlMs: number;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly options: RedisSessionSlotsOptions) {
    this.local = new LocalSessionSlots(options);
    this.keyPrefix = options.keyPrefix ?? 'mcpf:sessions:';
    this.slotTtlMs = options.slotTtlMs ?? 30_000;
    this.heartbeat = setInterval(() => void this.renewAll(), options.heartbeatMs ?? Math.max(10, Math.floor(this.slotTtlMs / 3)));
    this.heartbeat.unref();
  }

  async reserve(userId: string): Promise<SessionSlot> {
    const id = `${this.options.replicaId}:${randomUUID()}`;
    let verdict: unknown;
    try {
      assertConnected(this.options.redis);
      verdict = await this.options.redis.eval(RESERVE_SLOT_SCRIPT, 2, this.allKey, this.userKey(userId), id, this.slotTtlMs, this.local.maxSessions, this.local.maxSessionsPerUser);
    } catch (error) {
      this.options.reporter.fallback('session-slots', error);
      return this.wrap(this.local.reserveNow(userId, id));
    }
    this.options.reporter.succeeded('session-slots');
    if (verdict === 1) throw new TotalSessionLimitError(this.local.maxSessions);
    if (verdict === 2) throw new UserSessionLimitError(this.local.maxSessionsPerUser);
    return this.wrap(this.local.adopt(userId, id));
  }

  /** Renews (or registers again) every slot this replica holds; one pipelined round trip. */
  async renewAll(): Promise<void> {
    const slots = this.local.slots();
    if (slots.length === 0) return;
    try {
      assertConnected(this.options.redis);
      const pipeline = this.options.redis.pipeline();
      for (const slot of slots) pipeline.eval(RENEW_SLOT_SCRIPT, 2, this.allKey, this.userKey(slot.userId), slot.id, this.slotTtlMs);
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed) throw failed[0];
      this.options.reporter.succeeded('session-slots');
    } catch (error) {
      this.options.reporter.fallback('session-slots', error);
    }
  }

  get size(): number {
    return this.local.size;
  }

  /** Stops the heartbeat and frees the slots still held (best effort: else they expire). */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await Promise.all(this.local.slots().map((slot) => this.removeShared(slot.id, slot.userId)));
    await this.local.close();
  }

  private wrap(slot: SessionSlot): SessionSlot {
    let released = false;
    return {
      id: slot.id,
      userId: slot.userId,
      release: async () => {
        if (released) return;
        released = true;
        this.local.forget(slot.id);
        await this.removeShared(slot.id, slot.userId);
      },
    };
  }

  private async removeShared(id: string, userId: string): Promise<void> {
    if (this.options.redis.status !== 'ready') return;
    try {
      await this.options.redis.multi().zrem(this.allKey, id).zrem(this.userKey(userId), id).exec();
    } catch {
      // No longer renewed: it expires within slotTtlMs.
    }
  }

  private get allKey(): string {
    return `${this.keyPrefix}all`;
  }

  private userKey(userId: string): string {
    return `${this.keyPrefix}user:${userId}`;
  }
}
