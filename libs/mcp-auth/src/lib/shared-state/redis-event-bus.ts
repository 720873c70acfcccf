import { randomUUID } from 'node:crypto';
import type { ServerEvent, ServerEventBus } from '@modelcontextprotocol/server';
import type { Logger } from '@mcp-factory/shared-util';
import { errorMessage } from '@mcp-factory/shared-util';
import type { Redis } from 'ioredis';
import type { FallbackReporter } from './fallback-reporter';
import { assertConnected } from './redis-clients';

/** Options of {@link RedisServerEventBus}. */
export interface RedisServerEventBusOptions {
  /** A client from `createRedisClient({ role: 'commands' })`. */
  publisher: Redis;
  /** A client from `createRedisClient({ role: 'subscriber' })` (a connection in subscribe mode; may be shared by several buses). */
  subscriber: Redis;
  /** The pub/sub channel, e.g. `mcpf:events`. One bus per channel. */
  channel: string;
  reporter: FallbackReporter;
  logger: Logger;
  /**
   * After the subscription comes back from an outage, deliver `tools_list_changed`,
   * `prompts_list_changed` and `resources_list_changed` to the local listeners: events published
   * meanwhile are lost (pub/sub keeps nothing), so clients re-read their lists. Default true.
   */
  resyncOnReconnect?: boolean;
}

/** What travels on the channel: the event and the bus instance that published it. */
interface Envelope {
  origin: string;
  event: ServerEvent;
}

const LIST_CHANGED_KINDS = ['tools_list_changed', 'prompts_list_changed', 'resources_list_changed'] as const;

/**
 * The SDK v2 `ServerEventBus` over Redis pub/sub, for `createMcpHandler({ bus })` on every replica:
 * `subscriptions/listen` streams on any replica hear an event published on any other.
 *
 * `publish` delivers to this process's listeners at once (synchronously, as `InMemoryServerEventBus`)
 * and PUBLISHes the event; a replica ignores its own events when they come back from Redis. Redis down:
 * local delivery goes on, other replicas miss the event (reported as a fallback); on reconnect the
 * subscription is restored by ioredis and, with `resyncOnReconnect`, the list-changed events are
 * delivered locally. A listener that throws does not stop delivery to the others.
 */
export class RedisServerEventBus implements ServerEventBus {
  /** Distinguishes this bus's own messages when Redis echoes them back. */
  private readonly origin = randomUUID();
  private readonly listeners = new Set<(event: ServerEvent) => void>();
  private readonly onMessage = (channel: string, message: string) => {
    if (channel === this.options.channel) this.receive(message);
  };
  private readonly onReady = () => void this.resubscribed();
  private readonly onClose = () => {
    this.interrupted = true;
  };
  private interrupted = false;
  private subscribed: Promise<unknown> | undefined;

  constructor(private readonly options: RedisServerEventBusOptions) {
    options.subscriber.on('message', this.onMessage);
    options.subscriber.on('ready', this.onReady);
    options.subscriber.on('close', this.onClose);
  }

  /** Subscribes to the channel; resolves once Redis confirmed (or rejects while it is down — delivery still starts on reconnect). */
  start(): Promise<unknown> {
    this.subscribed ??= this.options.subscriber.subscribe(this.options.channel);
    return this.subscribed;
  }

  publish(event: ServerEvent): void {
    this.deliver(event);
    const envelope: Envelope = { origin: this.origin, event };
    try {
      assertConnected(this.options.publisher);
    } catch (error) {
      this.options.reporter.fallback('event-bus', error);
      return;
    }
    this.options.publisher.publish(this.options.channel, JSON.stringify(envelope)).then(
      () => this.options.reporter.succeeded('event-bus'),
      (error: unknown) => this.options.reporter.fallback('event-bus', error),
    );
  }

  subscribe(listener: (event: ServerEvent) => void): () => void {
    // Each registration is its own entry, so the same function subscribed twice is unsubscribed once each.
    const entry = (event: ServerEvent) => listener(event);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** Listeners registered on this replica. */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Unsubscribes from the channel and detaches from the shared subscriber connection. */
  async close(): Promise<void> {
    this.options.subscriber.off('message', this.onMessage);
    this.options.subscriber.off('ready', this.onReady);
    this.options.subscriber.off('close', this.onClose);
    this.listeners.clear();
    if (this.subscribed && this.options.subscriber.status === 'ready') await this.options.subscriber.unsubscribe(this.options.channel).catch(() => undefined);
  }

  private receive(message: string): void {
    const envelope = parseEnvelope(message);
    if (!envelope) {
      this.options.logger.warn('dropped a malformed event from redis', { channel: this.options.channel });
      return;
    }
    if (envelope.origin !== this.origin) this.deliver(envelope.event);
  }

  private resubscribed(): void {
    if (!this.interrupted) return;
    this.interrupted = false;
    this.options.reporter.succeeded('event-bus');
    if (this.options.resyncOnReconnect ?? true) for (const kind of LIST_CHANGED_KINDS) this.deliver({ kind });
  }

  private deliver(event: ServerEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.options.logger.warn('a server event listener threw', { kind: event.kind, error: errorMessage(error) });
      }
    }
  }
}

/** The envelope, when `message` is one with a known event kind; else undefined. */
function parseEnvelope(message: string): Envelope | undefined {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { origin, event } = value as { origin?: unknown; event?: { kind?: unknown; uri?: unknown; params?: unknown } };
  if (typeof origin !== 'string' || typeof event !== 'object' || event === null) return undefined;
  if (event.params !== undefined && (typeof event.params !== 'object' || event.params === null)) return undefined;
  if (event.kind === 'resource_updated') return typeof event.uri === 'string' ? { origin, event: event as ServerEvent } : undefined;
  return (LIST_CHANGED_KINDS as readonly unknown[]).includes(event.kind) ? { origin, event: event as ServerEvent } : undefined;
}
