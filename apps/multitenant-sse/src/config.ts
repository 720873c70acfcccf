import { resolve } from 'node:path';
import type { DatabaseConfig } from '@mcp-factory/core-factory/host';
import { isLoopbackHost, REPLICA_ID_PATTERN } from '@mcp-factory/mcp-auth';
import { ConfigInvalidError, parseEnv, type LogFormat } from '@mcp-factory/shared-util';
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const list = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));
const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL');
const redisUrl = z.string().regex(/^rediss?:\/\/[^/]/, 'must be a redis:// or rediss:// URL');

/** The command-line flag that asks for a development token (`npm run service -- --print-dev-token`). */
export const PRINT_DEV_TOKEN_FLAG = '--print-dev-token';

/** Every variable the service reads, with its default. `.env.example` documents the same list. */
const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: int(0, 65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    PUBLIC_URL: z.url().optional(),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    JWKS_URL: z.url().optional(),
    JWT_ISSUER: list.optional(),
    JWT_AUDIENCE: z.string().min(1).optional(),
    JWT_REQUIRED_SCOPES: list.optional(),
    JWT_CLOCK_TOLERANCE_S: int(0, 300).default(5),
    AUTHORIZATION_SERVERS: list.optional(),
    DEV_TOKEN: z.enum(['print']).optional(),
    DATABASE_URL: postgresUrl.optional(),
    MIGRATION_DATABASE_URL: postgresUrl.optional(),
    ALLOW_PRIVILEGED_DB_ROLE: flag.default(false),
    DATA_DIR: z.string().min(1).default('./data'),
    DB_POOL_SIZE: int(1, 200).default(10),
    MIGRATE_ON_START: flag.default(true),
    DATABASE_POOL_MODE: z.enum(['session', 'transaction']).default('session'),
    REDIS_URL: redisUrl.optional(),
    REDIS_KEY_PREFIX: z.string().min(1).max(64).default('mcpf:'),
    REPLICA_ID: z.string().regex(REPLICA_ID_PATTERN, 'must be 1-63 characters of a-z, 0-9 and "-" (not at either end)').optional(),
    STATELESS: flag.default(false),
    ALLOW_QUERY_TOKEN: flag.default(false),
    ALLOWED_HOSTS: list.optional(),
    ALLOWED_ORIGINS: list.optional(),
    MAX_SESSIONS: int(1, 1_000_000).default(1000),
    MAX_SESSIONS_PER_USER: int(1, 10_000).default(10),
    SESSION_IDLE_TIMEOUT_MS: int(0, 86_400_000).default(300_000),
    RATE_LIMIT_PER_MINUTE: int(0, 1_000_000).default(600),
    MAX_BODY_BYTES: int(1024, 100 * 1024 * 1024).default(1_048_576),
    REQUEST_TIMEOUT_MS: int(100, 600_000).default(30_000),
    DRAIN_TIMEOUT_MS: int(0, 600_000).default(10_000),
    METRICS_PORT: int(0, 65535).optional(),
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
    LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
    TEST_TOOL_LIBRARIES: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (env.JWT_SECRET && env.JWKS_URL) problem('JWKS_URL', 'set JWT_SECRET or JWKS_URL, not both');
    if (env.JWKS_URL && (!env.JWT_ISSUER?.length || !env.JWT_AUDIENCE)) problem('JWT_ISSUER', 'JWT_ISSUER and JWT_AUDIENCE are required with JWKS_URL');
    if (env.JWKS_URL && env.DEV_TOKEN) problem('DEV_TOKEN', 'a development token needs a shared secret, not JWKS_URL');
    if (env.MIGRATION_DATABASE_URL && !env.DATABASE_URL) problem('MIGRATION_DATABASE_URL', 'needs DATABASE_URL (the runtime login) as well');
    // Without it no balancer could route a session back here, and two replicas' slots could not be told apart.
    if (env.REDIS_URL && !env.REPLICA_ID) problem('REPLICA_ID', 'is required with REDIS_URL (each replica its own, as the balancer names it)');
    // Extra tool code in the process: for the e2e suites' hostile tool library, never in a real deployment.
    if (env.TEST_TOOL_LIBRARIES && env.NODE_ENV !== 'test') problem('TEST_TOOL_LIBRARIES', 'is accepted only with NODE_ENV=test');
    if (env.NODE_ENV !== 'production') return;
    if (!env.JWT_SECRET && !env.JWKS_URL) problem('JWT_SECRET', 'JWT_SECRET or JWKS_URL is required in production');
    // A shared secret too: without them any token signed with it (for another service, another tenant system) would do.
    if (!env.JWT_ISSUER?.length) problem('JWT_ISSUER', 'JWT_ISSUER is required in production');
    if (!env.JWT_AUDIENCE) problem('JWT_AUDIENCE', 'JWT_AUDIENCE is required in production');
    if (env.JWKS_URL && !env.JWKS_URL.startsWith('https://')) problem('JWKS_URL', 'must be an https:// URL in production');
    if (env.DEV_TOKEN) problem('DEV_TOKEN', 'development tokens are never printed in production');
    if (!isLoopbackHost(env.HOST)) {
      // Reachable from other machines: metadata URLs must not come from the Host header, and Host must be checked (DNS rebinding).
      if (!env.PUBLIC_URL) problem('PUBLIC_URL', `is required in production when HOST (${env.HOST}) is not loopback`);
      if (!env.ALLOWED_HOSTS?.length) problem('ALLOWED_HOSTS', `is required in production when HOST (${env.HOST}) is not loopback`);
    }
  });

export type ServiceEnv = z.output<typeof envSchema>;

export interface ServiceConfig {
  env: ServiceEnv;
  /** The runtime login's database (PostgreSQL: refuses a privileged login unless ALLOW_PRIVILEGED_DB_ROLE). */
  database: DatabaseConfig;
  /** Where migrations run when MIGRATION_DATABASE_URL is set (the owner login); else on `database`. */
  migrationDatabase?: DatabaseConfig;
  migrateOnStart: boolean;
  logFormat: LogFormat;
  /** A module whose exported tool libraries are served too (NODE_ENV=test only). */
  testToolLibraries?: string;
  /** Print a development token on start (`--print-dev-token` or `DEV_TOKEN=print`). */
  printDevToken: boolean;
}

/** Variables holding credentials: main.ts removes them from process.env once parsed. */
export const SECRET_VARIABLES = ['DATABASE_URL', 'MIGRATION_DATABASE_URL', 'JWT_SECRET', 'METRICS_TOKEN', 'REDIS_URL'] as const;

/**
 * Reads the environment and the command line once. Throws `ERR_CONFIG_INVALID` with one line per bad
 * variable (an unknown argument is one too).
 */
export function loadConfig(rawEnv: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv.slice(2)): ServiceConfig {
  const unknown = argv.filter((arg) => arg !== PRINT_DEV_TOKEN_FLAG);
  if (unknown.length) throw new ConfigInvalidError(unknown.map((arg) => `${arg}: unknown argument (the only one is ${PRINT_DEV_TOKEN_FLAG})`));
  const env = parseEnv(envSchema, { ...rawEnv, DEV_TOKEN: argv.includes(PRINT_DEV_TOKEN_FLAG) ? 'print' : rawEnv['DEV_TOKEN'] });
  return {
    env,
    database: env.DATABASE_URL
      ? {
          engine: 'server',
          url: env.DATABASE_URL,
          poolSize: env.DB_POOL_SIZE,
          // PgBouncer in transaction mode hands each transaction any server connection: no named statements.
          namedStatements: env.DATABASE_POOL_MODE !== 'transaction',
          privilegedRole: env.ALLOW_PRIVILEGED_DB_ROLE
            ? { action: 'warn' }
            : { action: 'refuse', override: 'set ALLOW_PRIVILEGED_DB_ROLE=true for local development' },
        }
      : { engine: 'embedded', dataDir: resolve(env.DATA_DIR) },
    migrationDatabase: env.MIGRATION_DATABASE_URL ? { engine: 'server', url: env.MIGRATION_DATABASE_URL, poolSize: 1 } : undefined,
    migrateOnStart: env.MIGRATE_ON_START,
    testToolLibraries: env.TEST_TOOL_LIBRARIES ? resolve(env.TEST_TOOL_LIBRARIES) : undefined,
    logFormat: env.LOG_FORMAT ?? (env.NODE_ENV === 'production' ? 'json' : 'pretty'),
    printDevToken: env.DEV_TOKEN === 'print',
  };
}
