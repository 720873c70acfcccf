import type { jsonSchemaValidator } from '@modelcontextprotocol/server';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/server/validators/ajv';
import type { Database, DatabaseConfig, MigrateResult, TenantClientLease } from '@mcp-factory/data-access';
import { createSilentLogger, errorMessage, retryableOnce, type Logger, type RetryableOnce } from '@mcp-factory/shared-util';
import { DatabaseNotConfiguredError, FactoryAlreadyConfiguredError, InitializationFailedError } from '../errors';

/** Process-wide settings, given once by the app at start (libs never read the environment). */
export interface FactoryConfig {
  /** The shared database. Omit for a server whose tools store nothing. */
  database?: DatabaseConfig;
  /**
   * Where migrations run, when not on `database`: the owner's connection of a least-privilege setup
   * (`MIGRATION_DATABASE_URL`), so the runtime login needs no DDL rights. Migrated on its own
   * short-lived connection, before `database` opens.
   */
  migrationDatabase?: DatabaseConfig;
  /**
   * `eager` (default): `createServer` waits until the database is open and migrated — right for a
   * service, whose readiness depends on it. `background`: the handshake is answered at once and the
   * database starts opening when a session is first used (the client's `initialized`, or its first
   * tools request), so a process spawned only to answer a `server/discover` probe never opens it;
   * tools await it through `ctx.db()`.
   */
  databaseOpening?: 'eager' | 'background';
  /** Run migrations when the database opens (on `migrationDatabase` when given). Default true. */
  migrate?: boolean;
  /** The process logger; servers and tools log through children of it. */
  logger?: Logger;
  /** More shared resources to initialise once per process (caches, clients), run before the database opens. */
  initializers?: ReadonlyArray<() => Promise<void>>;
}

// Loaded on first use, not at start: Prisma and PGlite are most of the code, and the desktop app's
// handshake should not wait for them to be parsed. The promise is kept: every tool call needs the
// module, and a fresh import() per call goes through the module loader (and tsx's hooks) each time.
let dataAccessModule: Promise<typeof import('@mcp-factory/data-access')> | undefined;
const loadDataAccess = () => (dataAccessModule ??= import('@mcp-factory/data-access'));

/**
 * Applies pending migrations to a database and closes it: the service's `migrate` command.
 * (Apps reach data-access only through here.)
 */
export async function migrateDatabase(config: DatabaseConfig, options: { logger?: Logger } = {}): Promise<MigrateResult> {
  const { migrate } = await loadDataAccess();
  return migrate(config, options);
}

interface Runtime {
  config: FactoryConfig;
  logger: Logger;
  init: RetryableOnce<void>;
  database: RetryableOnce<Database>;
}

// Shared by every server instance of the process — resources, never user state.
let runtime: Runtime = createRuntime({});
let sharedValidator: jsonSchemaValidator | undefined;

function createRuntime(config: FactoryConfig): Runtime {
  const logger = config.logger ?? createSilentLogger();
  const database = retryableOnce(async () => {
    if (!config.database) throw new DatabaseNotConfiguredError();
    const { openDatabase, migrate } = await loadDataAccess();
    const migrating = config.migrate ?? true;
    if (migrating && config.migrationDatabase) await migrate(config.migrationDatabase, { logger });
    return openDatabase(config.database, { logger, migrate: migrating && !config.migrationDatabase });
  });
  const init = retryableOnce(async () => {
    try {
      for (const initializer of config.initializers ?? []) await initializer();
      if (!config.database) return;
      if ((config.databaseOpening ?? 'eager') === 'eager') await database.run();
      // background: warmDatabase() starts it on a session's first use.
    } catch (error) {
      logger.error('Initialization failed', { error: errorMessage(error) });
      throw new InitializationFailedError(`Initialization failed: ${errorMessage(error)}`, { cause: error });
    }
  });
  return { config, logger, init, database };
}

/**
 * Sets the process-wide configuration. Call once at start, before the first `createServer`.
 *
 * @example
 * configureFactory({ database: { engine: 'server', url }, logger });
 */
export function configureFactory(config: FactoryConfig): void {
  if (runtime.init.state !== 'idle' || runtime.database.state !== 'idle') throw new FactoryAlreadyConfiguredError();
  runtime = createRuntime(config);
}

/**
 * Initialises shared resources once per process. Concurrent callers share one in-flight promise; a
 * failure rejects them all with `ERR_INIT_FAILED`, and the next call tries again.
 */
export function ensureInitialized(): Promise<void> {
  return runtime.init.run();
}

/**
 * Starts opening the shared database without waiting for it, once per configuration: what a
 * `background` server calls when its session is first used. Later failures are left to `ctx.db()`,
 * which retries.
 */
export function warmDatabase(): void {
  const { config, database, logger } = runtime;
  if (!config.database || database.attempts > 0) return;
  database.run().catch((error) => logger.error('Database failed to open; tools will retry', { error: errorMessage(error) }));
}

/** How many times the shared database has started opening under this configuration (for tests). */
export function databaseOpenAttempts(): number {
  return runtime.database.attempts;
}

/** Whether servers open the database on first use (`background`) rather than before `createServer` returns. */
export function opensDatabaseOnFirstUse(): boolean {
  return runtime.config.database !== undefined && runtime.config.databaseOpening === 'background';
}

/**
 * The shared database, opened (and retried after a failure) on first use: every tenant's rows
 * (`unscoped`, `runAsTenant`). Host code only: tools get `ctx.db()`.
 */
export function getDatabase(): Promise<Database> {
  return runtime.database.run();
}

/** A client scoped to `userId` for one tool call; `revoke()` ends it (see data-access `leaseTenantClient`). */
export async function leaseTenantClient(userId: string): Promise<TenantClientLease> {
  const [database, dataAccess] = await Promise.all([getDatabase(), loadDataAccess()]);
  return dataAccess.leaseTenantClient(database.forTenant(userId));
}

/** Whether the shared database answers; for readiness probes. Rejects with the reason when not. */
export async function checkDatabase(): Promise<void> {
  if (!runtime.config.database) return;
  const database = await getDatabase();
  await database.ping();
}

/** The process logger given to `configureFactory`. */
export function factoryLogger(): Logger {
  return runtime.logger;
}

/**
 * One JSON Schema validator per process: the SDK builds an Ajv instance per server otherwise. The Ajv
 * instance itself is made on first use (the server validates only elicitation answers with it), so
 * start-up and the handshake never pay for it.
 */
export function sharedJsonSchemaValidator(): jsonSchemaValidator {
  sharedValidator ??= lazyValidator(() => new AjvJsonSchemaValidator());
  return sharedValidator;
}

function lazyValidator(make: () => jsonSchemaValidator): jsonSchemaValidator {
  let real: jsonSchemaValidator | undefined;
  return { getValidator: (schema) => (real ??= make()).getValidator(schema) };
}

/** Closes the shared database and forgets the configuration; `configureFactory` may be called again. */
export async function shutdownFactory(): Promise<void> {
  const { database } = runtime;
  runtime = createRuntime({});
  if (database.state === 'running') await database.run().catch(() => undefined);
  await database.value?.close();
}
