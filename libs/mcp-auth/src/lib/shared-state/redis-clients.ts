import type { Logger } from '@mcp-factory/shared-util';
import { errorMessage } from '@mcp-factory/shared-util';
import { Redis } from 'ioredis';

/** Options of {@link createRedisClient}. */
export interface RedisClientOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` (TLS). */
  url: string;
  logger: Logger;
  /** `commands`: fails fast while disconnected; `subscriber`: queues SUBSCRIBE until connected. */
  role: 'commands' | 'subscriber';
  /** A command unanswered this long fails (then the caller's fallback applies). Default 500. */
  commandTimeoutMs?: number;
  /** Longest wait between reconnection attempts, ms. Default 2000. */
  maxReconnectDelayMs?: number;
  /** Connection name shown by `CLIENT LIST` (e.g. the replica id). */
  connectionName?: string;
}

/**
 * An ioredis client tuned for a request path that must not wait on Redis: commands fail at once
 * while disconnected (no offline queue) or after `commandTimeoutMs`, and the client reconnects
 * forever with a capped backoff, so the service recovers without a restart. Connection errors are
 * logged (debug: the components report their own fallbacks), never thrown as an unhandled 'error'.
 */
export function createRedisClient(options: RedisClientOptions): Redis {
  const maxDelay = options.maxReconnectDelayMs ?? 2_000;
  const subscriber = options.role === 'subscriber';
  const client = new Redis(options.url, {
    connectionName: options.connectionName,
    // Commands: fail now and fall back, rather than pile up in memory behind a dead link.
    enableOfflineQueue: subscriber,
    maxRetriesPerRequest: subscriber ? null : 0,
    commandTimeout: subscriber ? undefined : (options.commandTimeoutMs ?? 500),
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), maxDelay),
    autoResubscribe: true,
  });
  // Without a listener an 'error' event would crash the process.
  client.on('error', (error) => options.logger.debug('redis connection error', { role: options.role, error: errorMessage(error) }));
  return client;
}

/**
 * Throws unless the client is connected: a command sent while disconnected would fail anyway, but
 * would first arm ioredis's command timer (callers fall back at once instead).
 */
export function assertConnected(client: Redis): void {
  if (client.status !== 'ready') throw new Error(`redis connection ${client.status}`);
}

/** The result of {@link checkRedis}. */
export interface RedisCheck {
  status: 'up' | 'down';
  /** Round trip of the PING, when up. */
  latencyMs?: number;
  error?: string;
}

/** PINGs Redis within `timeoutMs` (default 1000); never throws. For `/ready` details and `/health`. */
export async function checkRedis(client: Redis, timeoutMs = 1_000): Promise<RedisCheck> {
  if (client.status !== 'ready') return { status: 'down', error: `connection ${client.status}` };
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no PONG within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    return { status: 'down', error: errorMessage(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Closes a client without waiting on a dead server (QUIT when connected, else disconnect). */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // fall through to a hard disconnect
    }
  }
  if (client.status !== 'connecting') {
    client.disconnect();
    return;
  }
  // An attempt in flight: its socket ends by itself (refused, or the connect timeout); wait, boundedly.
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  client.disconnect();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([ended, new Promise((resolve) => (timer = setTimeout(resolve, 3_000)))]);
  clearTimeout(timer);
}
