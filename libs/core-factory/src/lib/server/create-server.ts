import { Server, type CacheHint, type ServerCapabilities } from '@modelcontextprotocol/server';
import type { Logger } from '@mcp-factory/shared-util';
import { UserIdRequiredError } from '../errors';
import { ensureInitialized, factoryLogger, opensDatabaseOnFirstUse, sharedJsonSchemaValidator, warmDatabase } from '../runtime/factory-runtime';
import type { ToolLibrary } from '../tools/tool-contract';
import { toolRegistryFor } from '../tools/tool-registry';
import { registerToolHandlers } from './register-tool-handlers';
import type { ToolErrorDetail } from './tool-failure';

export interface ServerOptions {
  /** Server name reported in `initialize` (2025) and on every result's `_meta` (2026-07-28). Default `mcp-factory`. */
  name?: string;
  /** Server version reported with the name. Default `0.1.0`. */
  version?: string;
  /**
   * The tool libraries this server offers. Pass the same array on every call (an app keeps one
   * module-level list): it is compiled once per process and shared by every instance.
   */
  tools?: readonly ToolLibrary[];
  /** Parent logger for this server; default the one given to `configureFactory`. */
  logger?: Logger;
  /** Instructions sent to the client in `initialize` / `server/discover`. */
  instructions?: string;
  /**
   * What a caller sees when a tool throws: `generic` (default) — a `ToolError`'s message, else a fixed
   * sentence with an error id (the detail is logged under it); `detailed` — every error's message, for
   * an app whose one user also runs it (the desktop app).
   */
  toolErrors?: ToolErrorDetail;
}

/**
 * What the server honours, advertised in `initialize` and `server/discover`: tools (a fixed list: no
 * `listChanged`), and logging (`ctx.log` — filtered by `logging/setLevel` on 2025-era sessions and by
 * the request's `_meta` log level on 2026-07-28).
 */
const CAPABILITIES: ServerCapabilities = Object.freeze({ tools: Object.freeze({}), logging: Object.freeze({}) });

/**
 * Cache hints of the 2026-07-28 revision (`ttlMs`, `cacheScope`), for the results the SDK lets a client
 * cache. `private`: one user's server answers them, and a factory may compose a different tool list or
 * instructions per user — a shared cache (a gateway) must not hand one user's list to another. Today
 * every user gets the same list, so `private` costs only a gateway's cross-user reuse. Five minutes: the
 * list changes only with a new release of the app, and a client that missed it refetches soon.
 */
const LIST_CACHE_HINT: CacheHint = Object.freeze({ ttlMs: 5 * 60_000, cacheScope: 'private' });
const CACHE_HINTS = Object.freeze({ 'tools/list': LIST_CACHE_HINT, 'server/discover': LIST_CACHE_HINT });

const NO_TOOLS: readonly ToolLibrary[] = Object.freeze([]);
const DO_NOTHING = () => undefined;

/**
 * Creates an MCP server for one user: isolated, not yet connected, the SDK v2 low-level `Server`.
 * Shared resources (database, migrations) are initialised once per process on the first call.
 *
 * One instance serves either era: connected to a transport after a 2025-era `initialize` (stdio, the
 * service's Streamable HTTP / SSE sessions), or handed to the SDK's serving entries (`serveStdio`,
 * `createMcpHandler`), which pin it to 2026-07-28 when the client speaks it.
 *
 * @param accessToken - the user's token, handed to tools for calling external APIs on their behalf
 * @param userId - the tenant every tool call is scoped to (required)
 * @param options - name, version, tool libraries, logger, what a caller sees of a tool's failure
 *
 * @example
 * const server = await createServer('token', 'alice', { tools: [helloTools] });
 * serveStdio(() => server); // @modelcontextprotocol/server/stdio; or server.connect(transport)
 */
export async function createServer(accessToken: string, userId: string, options: ServerOptions = {}): Promise<Server> {
  if (typeof userId !== 'string' || userId.trim() === '') throw new UserIdRequiredError();
  await ensureInitialized();

  const registry = toolRegistryFor(options.tools ?? NO_TOOLS);
  const server = new Server(
    { name: options.name ?? 'mcp-factory', version: options.version ?? '0.1.0' },
    {
      capabilities: CAPABILITIES,
      instructions: options.instructions,
      jsonSchemaValidator: sharedJsonSchemaValidator(),
      cacheHints: CACHE_HINTS,
    },
  );
  // `background`: the database opens once a session is used, never for a server that only answered a probe.
  const onFirstUse = opensDatabaseOnFirstUse() ? warmDatabase : DO_NOTHING;
  if (onFirstUse !== DO_NOTHING) server.oninitialized = onFirstUse;
  const caller = { userId, accessToken: accessToken ?? '', logger: options.logger ?? factoryLogger() };
  registerToolHandlers(server, registry, caller, options.toolErrors ?? 'generic', onFirstUse);
  return server;
}
