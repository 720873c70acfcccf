import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Logger } from '@mcp-factory/shared-util';
import { UserIdRequiredError } from '../errors';
import { ensureInitialized, factoryLogger, sharedJsonSchemaValidator } from '../runtime/factory-runtime';
import type { ToolLibrary } from '../tools/tool-contract';
import { toolRegistryFor } from '../tools/tool-registry';
import { registerToolHandlers } from './register-tool-handlers';
import type { ToolErrorDetail } from './tool-failure';

export interface ServerOptions {
  /** Server name reported in `initialize`. Default `mcp-factory`. */
  name?: string;
  /** Server version reported in `initialize`. Default `0.1.0`. */
  version?: string;
  /**
   * The tool libraries this server offers. Pass the same array on every call (an app keeps one
   * module-level list): it is compiled once per process and shared by every instance.
   */
  tools?: readonly ToolLibrary[];
  /** Parent logger for this server; default the one given to `configureFactory`. */
  logger?: Logger;
  /** Instructions sent to the client in `initialize`. */
  instructions?: string;
  /**
   * What a caller sees when a tool throws: `generic` (default) — a `ToolError`'s message, else a fixed
   * sentence with an error id (the detail is logged under it); `detailed` — every error's message, for
   * an app whose one user also runs it (the desktop app).
   */
  toolErrors?: ToolErrorDetail;
}

const NO_TOOLS: readonly ToolLibrary[] = Object.freeze([]);

/**
 * Creates an MCP server for one user: isolated, not yet connected to a transport.
 * Shared resources (database, migrations) are initialised once per process on the first call.
 *
 * @param accessToken - the user's token, handed to tools for calling external APIs on their behalf
 * @param userId - the tenant every tool call is scoped to (required)
 * @param options - name, version, tool libraries, logger, what a caller sees of a tool's failure
 *
 * @example
 * const server = await createServer('token', 'alice', { tools: [helloTools] });
 * await server.connect(new StdioServerTransport());
 */
export async function createServer(accessToken: string, userId: string, options: ServerOptions = {}): Promise<Server> {
  if (typeof userId !== 'string' || userId.trim() === '') throw new UserIdRequiredError();
  await ensureInitialized();

  const registry = toolRegistryFor(options.tools ?? NO_TOOLS);
  const server = new Server(
    { name: options.name ?? 'mcp-factory', version: options.version ?? '0.1.0' },
    {
      capabilities: { tools: {} },
      instructions: options.instructions,
      jsonSchemaValidator: sharedJsonSchemaValidator(),
    },
  );
  registerToolHandlers(server, registry, { userId, accessToken: accessToken ?? '', logger: options.logger ?? factoryLogger() }, options.toolErrors);
  return server;
}
