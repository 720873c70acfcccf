import type winston from 'winston';
import { DeferredLogger } from './deferred-logger';
import { isSecretKey, REDACTED, redactValue } from './redact';

/** The structured logger every lib accepts. It is winston's, so `child({ userId })` adds fields to each line. */
export type Logger = winston.Logger;

export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  /** Lowest level written (npm levels: error, warn, info, http, verbose, debug, silly). Default `info`. */
  level?: string;
  /** `json` (one object per line, for production) or `pretty` (readable, for development). Default `json`. */
  format?: LogFormat;
  /** Fields written on every line, e.g. `{ service: 'multitenant-sse' }`. */
  defaultMeta?: Record<string, unknown>;
  /**
   * Where lines go. Default: standard error, never standard output — in the stdio app stdout
   * carries the MCP protocol, and one stray line there breaks the client.
   */
  stream?: NodeJS.WritableStream;
}

// winston and its dependencies take tens of milliseconds to load: more than the whole MCP handshake
// of the desktop app. It is loaded when the first line at an enabled level is written, not before.
function loadWinston(): typeof winston {
  return require('winston') as typeof winston;
}

function buildWinstonLogger(options: LoggerOptions): Logger {
  const w = loadWinston();
  // Every field at any depth, and the message: `headers.authorization`, `?password=` in a URL, a
  // `Bearer …` inside a text. winston's info object is its own, so its top level is rewritten in place.
  const redactSecrets = w.format((info) => {
    const fields = info as Record<string, unknown>;
    for (const key of Object.keys(fields)) fields[key] = isSecretKey(key) ? REDACTED : redactValue(fields[key]);
    return info;
  });
  const format =
    options.format === 'pretty'
      ? w.format.combine(
          redactSecrets(),
          w.format.timestamp({ format: 'HH:mm:ss.SSS' }),
          w.format.colorize(),
          w.format.printf(({ timestamp, level, message, ...meta }) => {
            const fields = Object.keys(meta).length ? ` ${JSON.stringify(meta)}` : '';
            return `${timestamp} ${level} ${message}${fields}`;
          }),
        )
      : w.format.combine(redactSecrets(), w.format.timestamp(), w.format.errors({ stack: true }), w.format.json());
  return w.createLogger({
    level: options.level ?? 'info',
    format,
    defaultMeta: options.defaultMeta,
    transports: [new w.transports.Stream({ stream: options.stream ?? process.stderr })],
  });
}

/**
 * Creates the process logger: winston, to stderr, JSON or readable, secrets redacted. winston itself
 * is loaded on the first line actually written, so a quiet process never pays for it.
 *
 * @example
 * const logger = createLogger({ level: 'debug', format: 'pretty', defaultMeta: { service: 'stdio' } });
 * logger.child({ userId: 'alice' }).info('tool called', { tool: 'hello_computer' });
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return new DeferredLogger(options.level ?? 'info', () => buildWinstonLogger(options)) as unknown as Logger;
}

/** A logger that writes nothing (and never loads winston): the default where a caller passes none. */
export function createSilentLogger(): Logger {
  return new DeferredLogger('silent', () => {
    throw new Error('a silent logger never writes');
  }) as unknown as Logger;
}
