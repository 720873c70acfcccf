import { Writable } from 'node:stream';
import winston from 'winston';

/** The structured logger every lib accepts. It is winston's, so `child({ userId })` adds fields to each line. */
export type Logger = winston.Logger;

export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  /** Lowest level written. Default `info`. */
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

/** Keys whose values never reach a log line, wherever they appear in the metadata. */
const SECRET_KEYS = new Set(['accesstoken', 'access_token', 'authorization', 'token', 'password', 'jwtsecret', 'secret']);

const redactSecrets = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (SECRET_KEYS.has(key.toLowerCase())) (info as Record<string, unknown>)[key] = '[redacted]';
  }
  return info;
});

/**
 * Creates the process logger: winston, to stderr, JSON or readable.
 *
 * @example
 * const logger = createLogger({ level: 'debug', format: 'pretty', defaultMeta: { service: 'stdio' } });
 * logger.child({ userId: 'alice' }).info('tool called', { tool: 'hello_computer' });
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const format =
    options.format === 'pretty'
      ? winston.format.combine(
          redactSecrets(),
          winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
          winston.format.colorize(),
          winston.format.printf(({ timestamp, level, message, ...meta }) => {
            const fields = Object.keys(meta).length ? ` ${JSON.stringify(meta)}` : '';
            return `${timestamp} ${level} ${message}${fields}`;
          }),
        )
      : winston.format.combine(redactSecrets(), winston.format.timestamp(), winston.format.errors({ stack: true }), winston.format.json());

  const transport = new winston.transports.Stream({ stream: options.stream ?? process.stderr });
  return winston.createLogger({
    level: options.level ?? 'info',
    format,
    defaultMeta: options.defaultMeta,
    transports: [transport],
  });
}

/** A logger that writes nothing: the default where a caller passes none. */
export function createSilentLogger(): Logger {
  return winston.createLogger({
    silent: true,
    transports: [new winston.transports.Stream({ stream: new Writable({ write: (_c, _e, cb) => cb() }) })],
  });
}
