// A fresh database per test file on the test PostgreSQL server. The same recipe as
// @mcp-factory/data-access/testing, which an e2e project may not import (type:e2e → feature/util only).
import { randomBytes } from 'node:crypto';
import { testPostgres } from '@mcp-factory/shared-util/testing';
import { Client } from 'pg';

export interface ScratchDatabase {
  /** Superuser URL of the new database. */
  url: string;
  name: string;
  /** The same database reached through another host:port (a proxy). */
  urlVia(port: number): string;
  /** `SELECT` as the superuser (RLS does not apply): what is really stored. */
  query<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Greetings stored for one tenant. */
  countGreetings(tenantId: string): Promise<number>;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const { url, reason } = testPostgres();
  if (url === undefined) throw new Error(`These tests need PostgreSQL: ${reason}`);
  return url;
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const admin = adminUrl();
  const name = `mcpf_e2e_${randomBytes(6).toString('hex')}`;
  await withClient(admin, (c) => c.query(`CREATE DATABASE "${name}"`));
  const parsed = new URL(admin);
  parsed.pathname = `/${name}`;
  const url = parsed.toString();
  const query = async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    withClient(url, async (c) => (await c.query(sql, params)).rows as T[]);
  return {
    url,
    name,
    urlVia(port) {
      const via = new URL(url);
      via.hostname = '127.0.0.1';
      via.port = String(port);
      return via.toString();
    },
    query,
    async countGreetings(tenantId) {
      const rows = await query<{ n: number }>('SELECT count(*)::int AS n FROM greeting WHERE tenant_id = $1', [tenantId]);
      return rows[0]?.n ?? 0;
    },
    drop: () => withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
