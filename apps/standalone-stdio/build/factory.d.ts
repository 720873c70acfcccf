// Types of the `mcp-factory-stdio/factory` export (hand-written; the implementation is src/factory.ts,
// bundled). Only `createServer`'s return type needs @modelcontextprotocol/sdk: install it to connect
// the server to a transport of your own.
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';

/** Which database the shared factory opens. */
export type DatabaseConfig =
  /** Embedded PGlite in this process; `dataDir` omitted: in memory. Created and migrated on first open. */
  | { engine: 'embedded'; dataDir?: string }
  /** PostgreSQL; migrated on open unless `migrate: false`. */
  | { engine: 'server'; url: string; poolSize?: number; connectTimeoutMs?: number };

/** A winston-compatible logger (a `winston.Logger` fits); write to stderr when stdout carries MCP. */
export interface FactoryLogger {
  error(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  info(message: string, meta?: Record<string, unknown>): unknown;
  debug(message: string, meta?: Record<string, unknown>): unknown;
  child(meta: Record<string, unknown>): FactoryLogger;
}

/** Process-wide settings, given once before the first `createServer`. */
export interface FactoryConfig {
  /** The shared database. Omit it and the data tools (`list_greetings`) fail; `hello_computer` still answers. */
  database?: DatabaseConfig;
  /** `eager` (default): `createServer` waits for the database. `background`: it opens while clients connect. */
  databaseOpening?: 'eager' | 'background';
  /** Apply migrations when the database opens. Default true. */
  migrate?: boolean;
  logger?: FactoryLogger;
  /** More shared resources to initialise once per process, before the database opens. */
  initializers?: ReadonlyArray<() => Promise<void>>;
}

/** A named set of tools (opaque here: compose the ones this package exports). */
export interface ToolLibrary {
  readonly name: string;
  readonly tools: ReadonlyArray<{ readonly name: string; readonly description: string }>;
}

export interface ServerOptions {
  /** Reported in `initialize`. Default `mcp-factory-stdio`. */
  name?: string;
  /** Reported in `initialize`. Default `0.1.0`. */
  version?: string;
  /** Default `toolLibraries` (every library the desktop app serves). */
  tools?: readonly ToolLibrary[];
  logger?: FactoryLogger;
  instructions?: string;
}

/**
 * A new, unconnected MCP server for one user. Rejects with code `ERR_USER_ID_REQUIRED` for a blank
 * `userId`, and `ERR_INIT_FAILED` when shared initialisation fails (the next call retries).
 */
export function createServer(accessToken: string, userId: string, options?: ServerOptions): Promise<Server>;
/** Sets the process-wide configuration; throws `ERR_FACTORY_ALREADY_CONFIGURED` once initialisation started. */
export function configureFactory(config: FactoryConfig): void;
/** Initialises shared resources once per process (`createServer` calls it). */
export function ensureInitialized(): Promise<void>;
/** Resolves when the shared database answers; rejects with the reason otherwise. */
export function checkDatabase(): Promise<void>;
/** Closes the shared database and forgets the configuration. */
export function shutdownFactory(): Promise<void>;

/** `hello_computer`, `list_greetings`, `echo`. */
export const helloTools: ToolLibrary;
/** Every tool library the desktop app serves. */
export const toolLibraries: readonly ToolLibrary[];
