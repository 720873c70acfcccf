import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { errorMessage, type Logger } from '@mcp-factory/shared-util';

export interface ServeStdioOptions {
  /** Builds the one server this process serves; the factory signature of core-factory and mcp-auth. */
  serverFactory: (accessToken: string, userId: string) => Promise<Server>;
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
  /** Resolves once the session has ended: stdin closed, a signal, or `close()`. Carries why. */
  readonly closed: Promise<string>;
  /** Ends the session: closes the transport and the server. */
  close(reason?: string): Promise<void>;
}

/**
 * Serves one MCP server over stdio until stdin ends or a signal arrives.
 * The SDK transport does not notice stdin ending, so a client that exits would leave us running; we do.
 *
 * @example
 * const session = await serveStdio({ serverFactory: createServer, userId: 'me', logger });
 * await session.closed;
 */
export async function serveStdio(options: ServeStdioOptions): Promise<StdioSession> {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const server = await options.serverFactory(options.accessToken ?? '', options.userId);
  const transport = new StdioServerTransport(stdin as never, stdout as never);

  let resolveClosed!: (reason: string) => void;
  const closed = new Promise<string>((resolve) => (resolveClosed = resolve));
  let closing: Promise<void> | undefined;

  const close = (reason = 'closed') => {
    if (closing) return closing;
    let markStarted!: () => void;
    closing = new Promise<void>((resolve) => (markStarted = resolve)).then(async () => {
      options.logger.info('Stdio session ending', { reason });
      for (const signal of signals) process.off(signal, onSignal);
      stdin.off('end', onEnd);
      await server.close().catch((error) => options.logger.warn('Server close failed', { error: errorMessage(error) }));
      resolveClosed(reason);
    });
    // Set `closing` before any work, so the server's own onclose re-entering here joins this run.
    markStarted();
    return closing;
  };
  const onEnd = () => void close('stdin closed');
  const onSignal = (signal: NodeJS.Signals) => void close(signal);
  const signals = options.signals ?? (['SIGINT', 'SIGTERM'] as const);

  transport.onerror = (error) => options.logger.warn('Stdio transport error', { error: errorMessage(error) });
  stdin.once('end', onEnd);
  for (const signal of signals) process.once(signal, onSignal);
  server.onclose = () => void close('transport closed');

  await server.connect(transport);
  options.logger.info('Serving MCP over stdio', { userId: options.userId });
  return { closed, close };
}
