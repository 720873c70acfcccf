import { existsSync, realpathSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type { DatabaseConfig } from '@mcp-factory/core-factory/host';
import { parseEnv, type LogFormat } from '@mcp-factory/shared-util';
import { z } from 'zod';

const envSchema = z.object({
  MCP_USER_ID: z.string().trim().min(1).max(200).optional(),
  MCP_ACCESS_TOKEN: z.string().optional(),
  MCP_DATA_DIR: z.string().min(1).optional(),
  XDG_RUNTIME_DIR: z.string().min(1).optional(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional(),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('warn'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  NODE_ENV: z.string().optional(),
});

export interface StdioAppConfig {
  userId: string;
  accessToken: string;
  database: DatabaseConfig;
  logLevel: string;
  logFormat: LogFormat;
}

/** Reads the environment once. Throws `ERR_CONFIG_INVALID` with one line per bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): StdioAppConfig {
  const vars = parseEnv(envSchema, env);
  return {
    userId: vars.MCP_USER_ID ?? localUserName(),
    accessToken: vars.MCP_ACCESS_TOKEN ?? '',
    database: vars.DATABASE_URL
      ? { engine: 'server', url: vars.DATABASE_URL, poolSize: 2 }
      : {
          engine: 'embedded',
          dataDir: vars.MCP_DATA_DIR ?? defaultDataDir(env),
          snapshotFile: bundledSnapshot(),
          // Several MCP clients each launch a copy of this app: the first serves the directory to the others.
          share: true,
          socketFallbackDir: vars.XDG_RUNTIME_DIR,
        },
    logLevel: vars.LOG_LEVEL,
    logFormat: vars.LOG_FORMAT ?? (vars.NODE_ENV === 'production' ? 'json' : 'pretty'),
  };
}

/** The packed app ships a migrated empty database beside main.js, so a first launch skips initdb. */
function bundledSnapshot(): string | undefined {
  try {
    const file = join(dirname(realpathSync(process.argv[1] ?? '')), 'pglite-snapshot.tar.gz');
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Whom the app serves when MCP_USER_ID is unset: the OS user. */
export function localUserName(): string {
  try {
    return userInfo().username || 'local-user';
  } catch {
    return 'local-user';
  }
}

/** The per-user data directory each desktop OS expects. */
export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const app = 'mcp-factory';
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', app, 'db');
  if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), app, 'db');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), app, 'db');
}
