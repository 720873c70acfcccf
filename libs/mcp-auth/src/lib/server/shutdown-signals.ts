import type { Logger } from '@mcp-factory/shared-util';
import { errorMessage } from '@mcp-factory/shared-util';

/** Options of {@link installShutdownHandlers}. */
export interface ShutdownHandlerOptions {
  /** Signals to handle. Default `['SIGTERM', 'SIGINT']`. */
  signals?: NodeJS.Signals[];
  /** Called after `stop()` with 0, or 1 when it failed. Default `process.exit`. */
  exit?: (code: number) => void;
  logger?: Logger;
}

/**
 * Installs signal handlers that call `target.stop()` then exit — for apps; `wrapServer` never
 * installs them itself. A second signal while stopping is ignored. Returns an uninstall function.
 *
 * @example
 * const wrapped = wrapServer(options);
 * await wrapped.start();
 * installShutdownHandlers(wrapped, { logger });
 */
export function installShutdownHandlers(target: { stop(): Promise<void> }, options: ShutdownHandlerOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    options.logger?.info('shutdown signal received', { signal });
    target.stop().then(
      () => exit(0),
      (error) => {
        options.logger?.error('shutdown failed', { error: errorMessage(error) });
        exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
