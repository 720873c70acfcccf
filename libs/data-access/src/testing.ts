/**
 * Test fixtures for libs that need a real database (`@mcp-factory/data-access/testing`).
 * The PostgreSQL server comes from the jest global setup (TEST_DATABASE_URL, else libpq defaults).
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '@mcp-factory/shared-util';
import { describeWithPostgres, testPostgres } from '@mcp-factory/shared-util/testing';
import { Client } from 'pg';
import { openDatabase, type Database } from './lib/client/open-database';
import type { DatabaseConfig } from './lib/config/database-config';

export type TestEngine = 'embedded' | 'server';

export interface TestDatabase {
  database: Database;
  config: DatabaseConfig;
  /** Closes the database and, on the server, drops it (WITH (FORCE)). */
  drop(): Promise<void>;
}

/** The admin URL of the PostgreSQL server tests use, or undefined when none is reachable. */
export function testServerUrl(): string | undefined {
  return testPostgres().url;
}

/**
 * Declares `fn`'s suite once per engine: `<title> on embedded` (PGlite, always) and
 * `<title> on server` (PostgreSQL). Without a reachable server the server suite is skipped —
 * counted and announced, never silently dropped.
 *
 * @example
 * describeEachEngine('hello tools', (engine) => {
 *   beforeAll(async () => { db = await createTestDatabase(engine); }, 120_000);
 * });
 */
export function describeEachEngine(title: string, fn: (engine: TestEngine) => void): void {
  describe(`${title} on embedded`, () => fn('embedded'));
  describeWithPostgres(`${title} on server`, () => fn('server'));
}

/** `postgresql://…/<name>`: the admin URL pointed at another database. */
export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/**
 * Creates a fresh server database `mcpf_<random>` on the test PostgreSQL server and returns its URL.
 * Each test file gets its own, so concurrent suites never share tables.
 */
export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = testServerUrl();
  if (!adminUrl) throw new Error(`Cannot create a server test database: ${testPostgres().reason}`);
  const name = `mcpf_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabaseName(adminUrl, name),
    async drop() {
      const dropper = new Client({ connectionString: adminUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/**
 * A fresh, migrated database: in-memory PGlite (`embedded`, the default) or a new database on
 * the test PostgreSQL server (`server`). Share one per test file; call `drop()` in afterAll.
 *
 * @example
 * let db: TestDatabase;
 * beforeAll(async () => { db = await createTestDatabase(); });
 * afterAll(() => db.drop());
 */
export async function createTestDatabase(
  engine: TestEngine = 'embedded',
  options: { logger?: Logger; migrate?: boolean; poolSize?: number } = {},
): Promise<TestDatabase> {
  if (engine === 'embedded') {
    const config: DatabaseConfig = { engine: 'embedded' };
    const database = await openDatabase(config, options);
    return { database, config, drop: () => database.close() };
  }
  const scratch = await createScratchDatabase();
  const config: DatabaseConfig = { engine: 'server', url: scratch.url, poolSize: options.poolSize ?? 4 };
  try {
    const database = await openDatabase(config, options);
    return {
      database,
      config,
      async drop() {
        await database.close();
        await scratch.drop();
      },
    };
  } catch (error) {
    await scratch.drop();
    throw error;
  }
}
