import type { PrismaClient } from '../../../generated/prisma/client';
import type { SqlSession } from '../../migrate/sql-session';

/** What openDatabase needs of an engine: a Prisma client, a raw session for migrations, a probe, a close. */
export interface Engine {
  prisma: PrismaClient;
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  dispose(): Promise<void>;
}
