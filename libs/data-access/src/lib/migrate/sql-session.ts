import type { PGlite } from '@electric-sql/pglite';
import type { PoolClient } from 'pg';

/**
 * The little the migrator needs from a connection: run a multi-statement script, and run one
 * parameterised query. One session is one connection, so session-level advisory locks hold.
 */
export interface SqlSession {
  exec(script: string): Promise<void>;
  query<R extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

export function pgliteSession(pglite: PGlite): SqlSession {
  return {
    async exec(script) {
      await pglite.exec(script);
    },
    async query<R extends Record<string, unknown>>(sql: string, params?: unknown[]) {
      return (await pglite.query<R>(sql, params)).rows;
    },
  };
}

export function pgSession(client: PoolClient): SqlSession {
  return {
    async exec(script) {
      // No parameters: pg uses the simple query protocol, which accepts many statements.
      await client.query(script);
    },
    async query<R extends Record<string, unknown>>(sql: string, params?: unknown[]) {
      return (await client.query(sql, params)).rows as R[];
    },
  };
}
