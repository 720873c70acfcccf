// The package's `./factory` export (the seed's dual export): build the same server the desktop app
// serves, inside your own process and on your own transport. `.` (main.ts) runs it standalone.
import { createServer as createFactoryServer, type ServerOptions } from '@mcp-factory/core-factory';
import { toolLibraries } from './tool-libraries';

export { configureFactory, ensureInitialized, checkDatabase, shutdownFactory } from '@mcp-factory/core-factory';
export type { DatabaseConfig, FactoryConfig, ServerOptions, ToolLibrary } from '@mcp-factory/core-factory';
export { helloTools } from '@mcp-factory/tools-hello';
export { toolLibraries };

/**
 * A new, unconnected MCP server for one user, with this app's name, tool libraries and detailed
 * tool errors (as the desktop app shows them) unless `options` says otherwise. Call `configureFactory` first to give it a database.
 *
 * @example
 * configureFactory({ database: { engine: 'embedded', dataDir: './data' } });
 * const server = await createServer('', 'alice');
 * await server.connect(transport);
 */
export function createServer(accessToken: string, userId: string, options: ServerOptions = {}) {
  return createFactoryServer(accessToken, userId, { name: 'mcp-factory-stdio', tools: toolLibraries, toolErrors: 'detailed', ...options });
}
