import type { PrismaClient } from '../../../generated/prisma/client';
import type { SqlSession } from '../../migrate/sql-session';

/** What openDatabase needs of an engine: a Prisma client, a raw session for migrations, a probe, a close. */
export interface Engine {
  prisma: PrismaClient;
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * How long a transaction may wait for a connection and then run, on every engine. Prisma's defaults
 * (2 s / 5 s) fail healthy calls on a busy machine (`Unable to start a transaction in the given
 * time`); a pool that is really exhausted still answers within seconds, not never. The wait also
 * covers a shared data directory's hand-over (HAND_OVER_WAIT_MS in shared-embedded-engine.ts).
 */
export const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 30_000 } as const;
