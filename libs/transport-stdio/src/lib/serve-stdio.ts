import type { McpServer, Server, Transport } from '@modelcontextprotocol/server';
import { serveStdio as sdkServeStdio, StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { errorMessage, type Logger } from '@mcp-factory/shared-util';
import { ObservedTransport } from './observed-transport';

export interface ServeStdioOptions {
  /**
   * Builds the server for this process's one user: the factory signature of core-factory and mcp-auth.
   * Called when the client's first message arrives (the SDK may call it once more: a `server/discover`
   * probe followed by a 2025-era `initialize` gets a fresh server for the session).
   */
  serverFactory: (accessToken: string, userId: string) => Promise<Server | McpServer>;
  /** The local user every tool call is scoped to. */
  userId: string;
  /** Token handed to tools (a desktop user usually has none). Default ''. */
  accessToken?: string;
  logger: Logger;
  /** Where messages come from and go to. Default: this process's stdin and stdout. */
  stdin?: NodeJS.ReadableStream & { pause(): unknown };
  stdout?: NodeJS.WritableStream;
  /** Also close on these signals. Default SIGINT and SIGTERM; [] installs no handlers. */
  signals?: readonly NodeJS.Signals[];
}

export interface StdioSession {
  /** Resolves once the session has ended: stdin closed, the transport closed, a signal, or `close()`. Carries why. */
  readonly closed: Promise<string>;
  /** Ends the session: closes the server and the transport. */
  close(reason?: string): Promise<void>;
}

/**
 * Serves MCP over stdio with the SDK's `serveStdio`: the client's opening message picks the protocol
 * era of the connection — 2026-07-28 (a `server/discover` probe or a request carrying the `_meta`
 * envelope) or 2025-era (`initialize`; legacy posture `serve`, so Claude Desktop and other 1.x clients
 * keep working) — and one server from the factory is pinned to it. Ends when stdin ends, the transport
 * closes, or a signal arrives, and says which.
 *
 * @example
 * const session = await serveStdio({ serverFactory: createServer, userId: 'me', logger });
 * await session.closed;
 */
export async function serveStdio(options: ServeStdioOptions): Promise<StdioSession> {
  const stdin = options.stdin ?? process.stdin;
  const signals = options.signals ?? (['SIGINT', 'SIGTERM'] as const);
  let resolveClosed!: (reason: string) => void;
  const closed = new Promise<string>((resolve) => (resolveClosed = resolve));
  let closing: Promise<void> | undefined;

  const close = (reason = 'closed'): Promise<void> => {
    closing ??= (async () => {
      options.logger.info('Stdio session ending', { reason });
      for (const signal of signals) process.off(signal, onSignal);
      stdin.off('end', onEnd);
      await handle.close().catch((error: unknown) => options.logger.warn('Stdio session close failed', { error: errorMessage(error) }));
      resolveClosed(reason);
    })();
    return closing;
  };
  // Run only from events, so never before `handle` below is set.
  const onEnd = () => void close('stdin closed');
  const onSignal = (signal: NodeJS.Signals) => void close(signal);
  // Before the transport's own listener, so that a client closing stdin is named as the reason.
  stdin.once('end', onEnd);
  for (const signal of signals) process.once(signal, onSignal);

  const wire = new ObservedTransport(new StdioServerTransport(stdin as never, options.stdout as never), () => void close('transport closed'));
  const handle = sdkServeStdio(() => options.serverFactory(options.accessToken ?? '', options.userId), {
    legacy: 'serve',
    transport: wire as Transport,
    onerror: (error) => options.logger.warn('Stdio transport error', { error: errorMessage(error) }),
  });
  options.logger.info('Serving MCP over stdio', { userId: options.userId });
  return { closed, close };
}
