// The package's `./factory` export (the seed's dual export): build the same server the desktop app
// serves, inside your own process and on your own transport. `.` (main.ts) runs it standalone.
// Every export is declared here with the self-contained types of factory-types.ts (no re-exports from
// the libs): the build emits the package's factory.d.ts from these two files.
import type { ToolLibrary as CoreToolLibrary } from '@mcp-factory/core-factory';
import {
  checkDatabase as checkCoreDatabase,
  configureFactory as configureCoreFactory,
  createServer as createCoreServer,
  ensureInitialized as ensureCoreInitialized,
  shutdownFactory as shutdownCoreFactory,
} from '@mcp-factory/core-factory/host';
import { createLogger, createSilentLogger } from '@mcp-factory/shared-util';
import { helloTools as coreHelloTools } from '@mcp-factory/tools-hello';
import type { FactoryConfig, FactoryServer, ServerOptions, ToolLibrary } from './factory-types';
import { toolLibraries as appToolLibraries } from './tool-libraries';

export type {
  DatabaseConfig,
  EmbeddedDatabaseConfig,
  FactoryConfig,
  FactoryServer,
  JsonRpcMessage,
  LogLevel,
  McpTransport,
  ServerDatabaseConfig,
  ServerOptions,
  ToolLibrary,
} from './factory-types';

/** `hello_computer`, `list_greetings`, `echo`. */
export const helloTools: ToolLibrary = coreHelloTools;
/** Every tool library the desktop app serves: the default of `createServer`'s `tools`. */
export const toolLibraries: readonly ToolLibrary[] = appToolLibraries;

// The public ToolLibrary type is opaque; these are the real libraries behind it.
const servedLibraries: ReadonlyMap<ToolLibrary, CoreToolLibrary> = new Map(
  [coreHelloTools, ...appToolLibraries].map((library) => [library, library]),
);

function coreLibraries(tools: readonly ToolLibrary[]): CoreToolLibrary[] {
  return tools.map((library) => {
    const core = servedLibraries.get(library);
    if (!core) {
      throw new TypeError(`options.tools: ${JSON.stringify(library?.name)} is not a tool library of this package (use toolLibraries or helloTools)`);
    }
    return core;
  });
}

/**
 * Sets the process-wide configuration (database, logging); call it once, before the first
 * `createServer`. Throws `ERR_FACTORY_ALREADY_CONFIGURED` once initialisation has started.
 *
 * @example
 * configureFactory({ database: { engine: 'embedded', dataDir: './data' }, logLevel: 'info' });
 */
export function configureFactory(config: FactoryConfig): void {
  const { logLevel, logFormat, ...shared } = config;
  const logger = logLevel ? createLogger({ level: logLevel, format: logFormat, defaultMeta: { app: 'mcp-factory-stdio' } }) : createSilentLogger();
  configureCoreFactory({ ...shared, logger });
}

/**
 * A new, unconnected MCP server for one user, with this app's name, tool libraries and detailed
 * tool errors (as the desktop app shows them) unless `options` says otherwise. Rejects with code
 * `ERR_USER_ID_REQUIRED` for a blank `userId`, and `ERR_INIT_FAILED` when shared initialisation
 * fails (the next call retries).
 *
 * @example
 * configureFactory({ database: { engine: 'embedded', dataDir: './data' } });
 * const server = await createServer('', 'alice');
 * await server.connect(transport); // e.g. the SDK's StdioServerTransport
 */
export async function createServer(accessToken: string, userId: string, options: ServerOptions = {}): Promise<FactoryServer> {
  const { tools = toolLibraries, ...rest } = options;
  return createCoreServer(accessToken, userId, { name: 'mcp-factory-stdio', toolErrors: 'detailed', ...rest, tools: coreLibraries(tools) });
}

/** Initialises shared resources once per process (`createServer` calls it): opens the database when `eager`. */
export function ensureInitialized(): Promise<void> {
  return ensureCoreInitialized();
}

/** Resolves when the shared database answers; rejects with the reason otherwise. */
export function checkDatabase(): Promise<void> {
  return checkCoreDatabase();
}

/** Closes the shared database and forgets the configuration; `configureFactory` may be called again. */
export function shutdownFactory(): Promise<void> {
  return shutdownCoreFactory();
}
