// The public types of the package's `./factory` export. They are self-contained on purpose: the
// package installs no dependencies, so its declarations (generated from this file and factory.ts at
// build time) may import nothing, not even core-factory's types (which reach the MCP SDK, zod, Prisma
// and winston). factory.ts hands these values to core-factory, so the compiler checks that they still
// fit its types: a change there that breaks this contract fails to compile.

/** Which database the shared factory opens. */
export type DatabaseConfig = EmbeddedDatabaseConfig | ServerDatabaseConfig;

/** Embedded PGlite in this process, created and migrated on first open. */
export interface EmbeddedDatabaseConfig {
  engine: 'embedded';
  /** Directory holding the database. Omitted: in memory. */
  dataDir?: string;
}

/** PostgreSQL, migrated on open unless `migrate: false`. */
export interface ServerDatabaseConfig {
  engine: 'server';
  /** `postgresql://user:password@host:port/db`. */
  url: string;
  /** Most connections the pool opens. Default 10. */
  poolSize?: number;
  /** How long to wait for a connection before failing. Default 5000 ms. */
  connectTimeoutMs?: number;
}

/** A JSON-RPC 2.0 message as MCP transports carry it (a request, a notification or a response). */
export interface JsonRpcMessage {
  jsonrpc: '2.0';
  id?: string | number;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: unknown;
}

/**
 * An MCP transport: any server-side transport of the v2 SDK (`@modelcontextprotocol/server`:
 * `StdioServerTransport`, `WebStandardStreamableHTTPServerTransport`, `InMemoryTransport`, …), of the
 * 1.x SDK (`@modelcontextprotocol/sdk`), or your own. The server sets the `on…` callbacks when it
 * connects. (Method syntax keeps the SDKs' narrower message types assignable.)
 */
export interface McpTransport {
  start(): Promise<void>;
  send(message: JsonRpcMessage, options?: object): Promise<void>;
  close(): Promise<void>;
  onclose?(): void;
  onerror?(error: Error): void;
  onmessage?(message: JsonRpcMessage, extra?: object): void;
  sessionId?: string;
  setProtocolVersion?(version: string): void;
}

/**
 * What `createServer` returns: an MCP server for one user, not yet connected — at run time the v2
 * SDK's low-level `Server` (`@modelcontextprotocol/server`). Connected to a transport, it serves the
 * 2025-era protocol (after the client's `initialize`); to serve 2026-07-28 as well, hand the factory to
 * the SDK's `serveStdio` / `createMcpHandler` (cast to their `Server` type: this one is kept
 * self-contained).
 */
export interface FactoryServer {
  /** Starts the transport and serves MCP on it; one transport per server. */
  connect(transport: McpTransport): Promise<void>;
  /** Closes the server and its transport. */
  close(): Promise<void>;
  /** Called once the connection has closed, from either side. */
  onclose?: () => void;
  /** Called on a transport or protocol error that did not end the connection. */
  onerror?: (error: Error) => void;
}

/** A named set of tools this package serves (`helloTools`, or any entry of `toolLibraries`). */
export interface ToolLibrary {
  readonly name: string;
  readonly tools: ReadonlyArray<{ readonly name: string; readonly description: string }>;
}

/** Lowest level written to standard error. */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Process-wide settings, given once before the first `createServer`. */
export interface FactoryConfig {
  /** The shared database. Omit it and the data tools (`list_greetings`) fail; `hello_computer` still answers. */
  database?: DatabaseConfig;
  /** `eager` (default): `createServer` waits for the database. `background`: it opens while clients connect. */
  databaseOpening?: 'eager' | 'background';
  /** Apply migrations when the database opens. Default true. */
  migrate?: boolean;
  /** Log to standard error from this level up (never to stdout, which may carry MCP). Default: no logs. */
  logLevel?: LogLevel;
  /** `json` (one object per line) or `pretty`. Default `json`. */
  logFormat?: 'json' | 'pretty';
  /** More shared resources to initialise once per process, before the database opens. */
  initializers?: ReadonlyArray<() => Promise<void>>;
}

/** Per-server options of `createServer`. */
export interface ServerOptions {
  /** Reported in `initialize`. Default `mcp-factory-stdio`. */
  name?: string;
  /** Reported in `initialize`. Default `0.1.0`. */
  version?: string;
  /** Which of this package's tool libraries to serve. Default `toolLibraries` (all of them). */
  tools?: readonly ToolLibrary[];
  /** Instructions sent to the client in `initialize`. */
  instructions?: string;
  /**
   * What a failing tool shows its caller: `detailed` (default here: the error's own message, as a
   * desktop user needs it) or `generic` (a fixed sentence with an error id; the detail goes to the log).
   */
  toolErrors?: 'generic' | 'detailed';
}
