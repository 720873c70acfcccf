import { DatabaseConfigError } from '../errors';
import type { PrivilegedRolePolicy } from '../roles/runtime-role';

/**
 * Which database to open. The app turns its environment into one of these once, at start.
 *
 * @example
 * const config: DatabaseConfig = process.env.DATABASE_URL
 *   ? { engine: 'server', url: process.env.DATABASE_URL, poolSize: 10 }
 *   : { engine: 'embedded', dataDir: '~/.mcp-factory/data' };
 */
export type DatabaseConfig = EmbeddedDatabaseConfig | ServerDatabaseConfig;

/** Embedded PGlite in this process: the desktop app. */
export interface EmbeddedDatabaseConfig {
  engine: 'embedded';
  /** Directory holding the database; created on first open. Omitted: in memory (tests). */
  dataDir?: string;
  /**
   * A `dumpDataDir('gzip')` tarball of a freshly migrated empty database. When the data directory is
   * empty (first launch) it is loaded instead of running initdb, which is several times faster.
   * Read only then. The desktop bundle ships one beside `main.js`.
   */
  snapshotFile?: string;
  /**
   * Let other processes use `dataDir` at the same time (the desktop app, launched by several MCP
   * clients). The process that takes the directory's lock opens PGlite and serves it on a local
   * socket only this OS user can open; the others connect to it as PostgreSQL clients, and one of
   * them takes over when it exits. Default false: a second process gets ERR_DB_IN_USE.
   */
  share?: boolean;
  /**
   * Shared mode: where the socket goes when `<dataDir>/.s.PGSQL.5432` is too long for a Unix socket
   * path (a private `mcp-factory-<uid>` folder is made in it). Default: the OS temp folder.
   */
  socketFallbackDir?: string;
}

/** PostgreSQL over the network: the multi-tenant service. */
export interface ServerDatabaseConfig {
  engine: 'server';
  /** `postgresql://user:password@host:port/db`. */
  url: string;
  /** Most connections the pool opens. Default 10. */
  poolSize?: number;
  /** How long to wait for a connection before failing with ERR_DB_UNAVAILABLE. Default 5000 ms. */
  connectTimeoutMs?: number;
  /**
   * Prepare statements once per connection under stable names (default true). Set false behind
   * PgBouncer in transaction mode older than 1.21 (or without `max_prepared_statements`), which
   * cannot keep named statements across server connections.
   */
  namedStatements?: boolean;
  /**
   * Whether a privileged login (superuser, BYPASSRLS, owner of the tenant tables) may serve: checked
   * once at open. Omitted: not checked (tests, the desktop app). A multi-tenant service passes
   * `{ action: 'refuse' }`. A login that cannot switch to mcp_app is ERR_DB_ROLE in every case.
   */
  privilegedRole?: PrivilegedRolePolicy;
}

/** Query parameters that carry a secret: libpq's `password`/`sslpassword`, and the usual token and key names. */
const SECRET_PARAM = /^(?:ssl)?pass(?:word|wd)?$|^pwd$|secret|token|api[-_]?key/i;

/**
 * A connection URL with every secret replaced by `***` — the password in the user info and in query
 * parameters (`?password=`, `sslpassword`, `token`, `api_key`, …) — safe for logs and error messages.
 */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const name of [...parsed.searchParams.keys()]) if (SECRET_PARAM.test(name)) parsed.searchParams.set(name, '***');
    return parsed.toString();
  } catch {
    // Not a URL we can parse: hide anything between `:` and `@` that looks like a password, and secret parameters.
    return url
      .replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@')
      .replace(/([?&;]([^=&#;\s]+)=)[^&#;\s]*/g, (match, prefix: string, name: string) => (SECRET_PARAM.test(name) ? `${prefix}***` : match));
  }
}

/** One line saying which database a config opens, e.g. `embedded PGlite at /data` or the masked URL. */
export function describeConfig(config: DatabaseConfig): string {
  if (config.engine === 'embedded') return config.dataDir ? `embedded PGlite at ${config.dataDir}` : 'embedded PGlite in memory';
  return `PostgreSQL at ${maskUrl(config.url)}`;
}

/** Throws ERR_DB_CONFIG for a config that can never work. */
export function validateConfig(config: DatabaseConfig): void {
  if (config.engine === 'server') {
    let parsed: URL;
    try {
      parsed = new URL(config.url);
    } catch {
      throw new DatabaseConfigError(`Invalid database URL ${maskUrl(config.url)}: not a URL`);
    }
    if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
      throw new DatabaseConfigError(`Invalid database URL ${maskUrl(config.url)}: expected postgresql://`);
    }
    if (config.poolSize !== undefined && (!Number.isInteger(config.poolSize) || config.poolSize < 1)) {
      throw new DatabaseConfigError(`Invalid pool size ${config.poolSize}: expected a positive integer`);
    }
  } else if (config.engine !== 'embedded') {
    throw new DatabaseConfigError(`Unknown database engine ${String((config as { engine: unknown }).engine)}: expected embedded or server`);
  }
}
