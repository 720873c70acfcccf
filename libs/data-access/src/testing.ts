/**
 * Test fixtures for libs that need a real database (`@mcp-factory/data-access/testing`).
 * Reads TEST_DATABASE_URL: the one place besides bin/ that looks at the environment.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '@mcp-factory/shared-util';
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

/** The PostgreSQL URL server tests use, from TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test). */
export function testServerUrl(): string | undefined {
  return process.env['TEST_DATABASE_URL'] || undefined;
}

/** Engines to run a suite on: always embedded, plus server when TEST_DATABASE_URL is set. */
export function testEngines(): TestEngine[] {
  return testServerUrl() ? ['embedded', 'server'] : ['embedded'];
}

/** `postgresql://…/<name>`: the admin URL pointed at another database. */
export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/**
 * Creates a fresh server database `mcpf_<random>` next to TEST_DATABASE_URL's and returns its URL.
 * Each test file gets its own, so concurrent suites never share tables.
 */
export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = testServerUrl();
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set: cannot create a server test database');
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
 * the TEST_DATABASE_URL server (`server`). Share one per test file; call `drop()` in afterAll.
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
