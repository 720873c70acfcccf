import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { createSilentLogger, type Logger } from '@mcp-factory/shared-util';
import { PrismaClient, type Prisma } from '../../generated/prisma/client';
import { describeConfig, maskUrl, validateConfig, type DatabaseConfig, type EmbeddedDatabaseConfig, type ServerDatabaseConfig } from '../config/database-config';
import { DatabaseUnavailableError } from '../errors';
import { readMigrations } from '../migrate/migration-files';
import { runMigrations, type MigrateResult } from '../migrate/migrator';
import { pgSession } from '../migrate/sql-session';
import { assertRuntimeRole, readRuntimeRole } from '../roles/runtime-role';
import { assertTenantId } from '../tenancy/for-tenant';
import { createTenantClient, type TenantClient } from '../tenancy/tenant-client';
import { runInTenantScope, runOutsideTenantScope, TENANT_SESSION_SQL } from '../tenancy/tenant-session';
import { causeText } from './cause-text';
import { openEmbedded, isOnDisk } from './engines/embedded-engine';
import { TRANSACTION_OPTIONS, type Engine } from './engines/engine';
import { openSharedEmbedded } from './engines/shared-embedded-engine';
import { TenantSessionPool } from './tenant-pool';
import { toDataAccessError } from './db-errors';

export type { TenantClient } from '../tenancy/tenant-client';

/** The transaction client `runAsTenant` hands out: unfiltered by the extension, filtered by RLS. */
export type TenantTransactionClient = Prisma.TransactionClient;

/** An open database: the same API on embedded PGlite and on PostgreSQL. */
export interface Database {
  readonly engine: 'embedded' | 'server';
  /** Which database this is, safe to log: `embedded PGlite at /x`, or the URL with its password masked. */
  readonly description: string;
  /**
   * A client scoped to one tenant: its model operations only, nothing that leads back to the base
   * client (see tenancy/tenant-client.ts). Cheap (cached per tenant): call it per tool call.
   */
  forTenant(tenantId: string): TenantClient;
  /**
   * Runs `fn` in one transaction as the app role with `app.tenant_id` set, so row-level security
   * confines every statement (raw SQL included) to the tenant. For multi-statement atomic work in
   * host code only: `fn` gets a full transaction client, which could `RESET ROLE` or set another
   * tenant, so it is never handed to tool code.
   */
  runAsTenant<T>(tenantId: string, fn: (tx: TenantTransactionClient) => Promise<T>): Promise<T>;
  /**
   * The raw Prisma client, connected as the configured login with no tenant set: a superuser or
   * BYPASSRLS login sees every tenant's rows, a least-privilege login none. For admin jobs, tests
   * and benchmarks only; never handed to tool code.
   */
  readonly unscoped: PrismaClient;
  /** Applies pending migrations (openDatabase does this unless `migrate: false`). */
  migrate(): Promise<MigrateResult>;
  /** Resolves when the database answers; rejects with ERR_DB_UNAVAILABLE otherwise (readiness probe). */
  ping(): Promise<void>;
  /** Releases the pool or the embedded database. Idempotent. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  logger?: Logger;
  /** Apply pending migrations on open. Default true. */
  migrate?: boolean;
  /** Folder of Prisma-layout migrations; default: the lib's `prisma/migrations`. */
  migrationsDir?: string;
  /**
   * Embedded only: a `dumpDataDir()` tarball of a freshly migrated database, loaded instead of
   * running initdb when the data directory is empty (about 3x faster to open).
   */
  snapshot?: Blob | File;
}

/** Tenant clients kept per database; beyond this the oldest is dropped (they are cheap to rebuild). */
const TENANT_CACHE_SIZE = 1000;

const statementNames = new Map<string, string>();

/** A stable prepared-statement name per SQL text (bounded, so ad-hoc SQL cannot grow it forever). */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    name = `mcpf_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    if (statementNames.size < 10_000) statementNames.set(sql, name);
  }
  return name;
}

async function openServer(config: ServerDatabaseConfig, description: string, logger: Logger): Promise<Engine> {
  const { url, poolSize = 10, connectTimeoutMs = 5000, namedStatements = true } = config;
  // Opens tenant sessions in the round trip of the tenant's statement (see tenant-pool.ts).
  const pool = new TenantSessionPool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: connectTimeoutMs,
    sessionStatementName: namedStatements ? statementName(TENANT_SESSION_SQL) : undefined,
  });
  // An idle connection dropped by the server emits here; without a listener it would crash the process.
  // pg discards that connection, so the pool heals on its own once the server is back.
  pool.on('error', (error) => logger.warn('database connection lost', { database: maskUrl(url), error: error.message }));
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new DatabaseUnavailableError(`Cannot open ${description}: ${causeText(error)}`, { cause: error });
  }
  return {
    // Named statements are prepared once per connection and reused: Prisma's SQL text is stable per
    // query shape.
    prisma: new PrismaClient({
      adapter: new PrismaPg(pool, namedStatements ? { statementNameGenerator: (query) => statementName(query.sql) } : {}),
      transactionOptions: TRANSACTION_OPTIONS,
    }),
    withSession: async (fn) => {
      const client = await pool.connect();
      try {
        return await fn(pgSession(client));
      } finally {
        client.release();
      }
    },
    ping: async () => {
      await pool.query('SELECT 1');
    },
    dispose: () => pool.end(),
  };
}

function openEmbeddedEngine(config: EmbeddedDatabaseConfig, options: OpenDatabaseOptions, description: string, logger: Logger): Promise<Engine> {
  const source = { dataDir: config.dataDir, snapshot: options.snapshot, snapshotFile: config.snapshotFile, description };
  if (!config.share || !isOnDisk(config.dataDir)) return openEmbedded(source);
  return openSharedEmbedded({
    ...source,
    dataDir: config.dataDir,
    socketFallbackDir: config.socketFallbackDir,
    migrations: options.migrate === false ? undefined : readMigrations(options.migrationsDir),
    logger,
  });
}

/**
 * Opens the configured database, applies pending migrations, and returns the tenant-scoping API.
 * Throws ERR_DB_CONFIG for a bad config and ERR_DB_UNAVAILABLE (one line: which database, what
 * failed) when it cannot be reached.
 *
 * @example
 * const database = await openDatabase({ engine: 'embedded', dataDir: './data' }, { logger });
 * const db = database.forTenant(userId);
 * await db.greeting.create({ data: { name: 'Ada', message: 'Hello, Ada' } });
 * await database.close();
 */
export async function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions = {}): Promise<Database> {
  validateConfig(config);
  const logger = options.logger ?? createSilentLogger();
  const description = describeConfig(config);
  const engine =
    config.engine === 'embedded'
      ? await openEmbeddedEngine(config, options, description, logger)
      : await openServer(config, description, logger);

  const tenants = new Map<string, TenantClient>();
  let closing: Promise<void> | undefined;

  const database: Database = {
    engine: config.engine,
    description,
    unscoped: engine.prisma,
    forTenant(tenantId) {
      assertTenantId(tenantId);
      let client = tenants.get(tenantId);
      if (!client) {
        client = createTenantClient(engine.prisma, tenantId);
        if (tenants.size >= TENANT_CACHE_SIZE) tenants.delete(tenants.keys().next().value as string);
        tenants.set(tenantId, client);
      }
      return client;
    },
    async runAsTenant(tenantId, fn) {
      assertTenantId(tenantId);
      try {
        // Started in the tenant's scope, so the engine opens the session with BEGIN; `fn` runs
        // outside it, so unscoped work it starts is not confined to the tenant.
        return await runInTenantScope(tenantId, () => engine.prisma.$transaction((tx) => runOutsideTenantScope(() => fn(tx))));
      } catch (error) {
        throw toDataAccessError(error, `transaction for tenant ${tenantId}`);
      }
    },
    migrate() {
      const migrations = readMigrations(options.migrationsDir);
      return engine.withSession((session) => runMigrations(session, { migrations, logger }));
    },
    async ping() {
      try {
        await engine.ping();
      } catch (error) {
        throw new DatabaseUnavailableError(`${description} is unavailable: ${causeText(error)}`, { cause: error });
      }
    },
    close() {
      closing ??= (async () => {
        tenants.clear();
        await engine.prisma.$disconnect().catch(() => undefined);
        await engine.dispose();
      })();
      return closing;
    },
  };

  if (options.migrate !== false) {
    try {
      const result = await database.migrate();
      if (result.applied.length) logger.info('database migrated', { database: description, applied: result.applied });
    } catch (error) {
      await database.close().catch(() => undefined);
      throw toDataAccessError(error, `Migrating ${description}`);
    }
  }
  if (config.engine === 'server') {
    try {
      const facts = await engine.withSession(readRuntimeRole);
      assertRuntimeRole(facts, config.privilegedRole, logger, description);
    } catch (error) {
      await database.close().catch(() => undefined);
      throw toDataAccessError(error, `Checking the login of ${description}`);
    }
  }
  logger.debug('database open', { database: description });
  return database;
}
