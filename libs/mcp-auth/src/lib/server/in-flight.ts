import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { McpAuthMetrics } from '../metrics/metrics';
import { cancelledRequestId } from '../transport/json-rpc';

/** Counts JSON-RPC requests awaiting a response across all transports, so `stop()` can drain them. */
export class InFlightTracker {
  private count = 0;
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.count;
  }

  begin(): void {
    this.count += 1;
  }

  end(): void {
    this.count -= 1;
    if (this.count === 0 && this.waiters.length) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    }
  }

  /** Resolves true when nothing is in flight, false if `timeoutMs` passes first. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(wake);
    });
  }
}

interface Pending {
  startedAt: number;
  tool?: string;
  /** A `tools/list`: its answer names the tools the server registered (the metric's allowed labels). */
  listsTools?: boolean;
}

/** What {@link instrumentTransport} reports to. */
export interface TransportObserver {
  /** Counts requests awaiting an answer (the drain); omitted where the caller counts whole exchanges itself. */
  tracker?: InFlightTracker;
  metrics?: McpAuthMetrics;
  /** +1 / −1 as requests start and finish (a session's own count, for idle eviction). */
  onCountChange?: (delta: number) => void;
}

/**
 * Wraps a connected transport's `onmessage`/`send`/`onclose` to see each JSON-RPC request and its
 * response (or its cancellation): counts in-flight requests (drain, eviction), observes `tools/call`
 * latency, and learns the tool names a `tools/list` answer registers (the only tool labels kept).
 * Must run after `server.connect(transport)`, which installs the handlers being wrapped. Works on
 * any transport shape of either SDK line (ours, or the v2 SDK's per-request transport).
 */
export function instrumentTransport(transport: Transport, observer: TransportObserver): void {
  const { tracker, metrics, onCountChange } = observer;
  const pending = new Map<string | number, Pending>();
  const onmessage = transport.onmessage;
  const send = transport.send.bind(transport);
  const onclose = transport.onclose;

  const finish = () => {
    tracker?.end();
    onCountChange?.(-1);
  };
  const observe = (entry: Pending, outcome: 'ok' | 'error' | 'cancelled') => {
    if (entry.tool !== undefined && metrics) metrics.toolLatency.observe({ tool: entry.tool, outcome }, (performance.now() - entry.startedAt) / 1000);
  };

  transport.onmessage = (message, extra) => {
    const m = message as { id?: string | number; method?: string; params?: { name?: unknown } };
    if (m.method !== undefined && m.id !== undefined && !pending.has(m.id)) {
      pending.set(m.id, {
        startedAt: performance.now(),
        tool: m.method === 'tools/call' && metrics ? metrics.toolLabel(m.params?.name) : undefined,
        listsTools: m.method === 'tools/list',
      });
      tracker?.begin();
      onCountChange?.(1);
    }
    onmessage?.(message, extra);
    // The SDK never answers a cancelled request: without this it would count as in flight forever
    // (no idle eviction for its session, and a drain that waits for it until the timeout).
    const cancelled = cancelledRequestId(message);
    const entry = cancelled === undefined ? undefined : pending.get(cancelled);
    if (!entry) return;
    pending.delete(cancelled as string | number);
    observe(entry, 'cancelled');
    finish();
  };

  transport.send = (message: JSONRPCMessage, options) => {
    const m = message as { id?: string | number; method?: string; result?: { isError?: boolean; tools?: unknown }; error?: unknown };
    if (m.method === undefined && m.id !== undefined) {
      const entry = pending.get(m.id);
      if (entry) {
        pending.delete(m.id);
        observe(entry, m.error !== undefined || m.result?.isError ? 'error' : 'ok');
        if (entry.listsTools && metrics) metrics.learnToolNames(m.result?.tools);
        // The request counts as finished once its response has been handed to the transport.
        return send(message, options).finally(finish);
      }
    }
    return send(message, options);
  };

  transport.onclose = () => {
    // Requests that will never get a response must not hold up a drain.
    for (let i = 0; i < pending.size; i++) finish();
    pending.clear();
    onclose?.();
  };
}
