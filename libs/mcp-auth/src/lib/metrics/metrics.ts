import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Options of {@link McpAuthMetrics}. */
export interface MetricsOptions {
  /** Serve `/metrics`. Default true. */
  enabled?: boolean;
  /** Path of the Prometheus endpoint. Default `/metrics`. */
  path?: string;
  /** Metric name prefix. Default `mcp_`. */
  prefix?: string;
  /** Registry to register in. Default: a new one per `wrapServer` (never prom-client's global). */
  registry?: Registry;
  /** Histogram buckets for tool latency, seconds. */
  toolLatencyBuckets?: number[];
  /**
   * Names the `tool` label may take: the tools the server factory registers. Any other name a client
   * sends is counted as `unknown`, so no client decides the label set. Default: learned from the
   * servers' own `tools/list` answers (at most {@link MAX_LEARNED_TOOL_NAMES}).
   */
  toolNames?: readonly string[];
  /**
   * A bearer token `/metrics` requires (`Authorization: Bearer <token>`, compared in constant time).
   * Without a token and without `port`, `/metrics` is served on the main listener only when that is
   * bound to loopback.
   */
  token?: string;
  /** Serve `/metrics` on a listener of its own on this port (0 picks one) instead of the main one. */
  port?: number;
  /** Interface of the metrics listener. Default `127.0.0.1`. */
  host?: string;
}

/** Tool names learned from `tools/list` answers, at most. */
const MAX_LEARNED_TOOL_NAMES = 200;
/** The label of every tool name that is not registered. */
const UNKNOWN_TOOL = 'unknown';

/** The Prometheus metrics of one wrapped server. */
export class McpAuthMetrics {
  readonly registry: Registry;
  readonly sessions: Gauge<'transport'>;
  readonly sessionsCreated: Counter<'transport'>;
  readonly sessionsEvicted: Counter<'transport'>;
  readonly requests: Counter<'route' | 'method'>;
  readonly eraRequests: Counter<'era'>;
  readonly errors: Counter<'code'>;
  readonly authFailures: Counter<'code'>;
  /** Times a shared-state component (`rate-limit`, `session-slots`, `event-bus`) used its local fallback (Redis unreachable). */
  readonly sharedStateFallbacks: Counter<'component'>;
  readonly toolLatency: Histogram<'tool' | 'outcome'>;
  private readonly toolNames: Set<string>;
  private readonly learnsToolNames: boolean;

  constructor(options: MetricsOptions = {}) {
    const p = options.prefix ?? 'mcp_';
    this.registry = options.registry ?? new Registry();
    const registers = [this.registry];
    this.sessions = new Gauge({ name: `${p}sessions_active`, help: 'Open MCP sessions by transport', labelNames: ['transport'], registers });
    this.sessionsCreated = new Counter({ name: `${p}sessions_created_total`, help: 'MCP sessions opened', labelNames: ['transport'], registers });
    this.sessionsEvicted = new Counter({ name: `${p}sessions_evicted_total`, help: 'Idle MCP sessions closed by the server', labelNames: ['transport'], registers });
    this.requests = new Counter({ name: `${p}http_requests_total`, help: 'HTTP requests by route and method', labelNames: ['route', 'method'], registers });
    this.eraRequests = new Counter({ name: `${p}protocol_requests_total`, help: 'POSTs to the MCP endpoint by protocol era (legacy: 2025, modern: 2026-07-28)', labelNames: ['era'], registers });
    this.errors = new Counter({ name: `${p}http_errors_total`, help: 'Error responses by error code', labelNames: ['code'], registers });
    this.authFailures = new Counter({ name: `${p}auth_failures_total`, help: 'Authentication failures by error code', labelNames: ['code'], registers });
    this.sharedStateFallbacks = new Counter({ name: `${p}shared_state_fallbacks_total`, help: 'Shared-state operations served by the local fallback because Redis was unreachable', labelNames: ['component'], registers });
    this.toolLatency = new Histogram({
      name: `${p}tool_call_duration_seconds`,
      help: 'tools/call duration from request to response',
      labelNames: ['tool', 'outcome'],
      buckets: options.toolLatencyBuckets ?? [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    for (const transport of ['streamable-http', 'sse']) this.sessions.set({ transport }, 0);
    this.toolNames = new Set(options.toolNames ?? []);
    this.learnsToolNames = options.toolNames === undefined;
  }

  /** The `tool` label of a requested name: the name when a server registers it, else `unknown`. */
  toolLabel(name: unknown): string {
    return typeof name === 'string' && this.toolNames.has(name) ? name : UNKNOWN_TOOL;
  }

  /** Takes the tool names of a server's `tools/list` answer as registered (unless `toolNames` was given). */
  learnToolNames(tools: unknown): void {
    if (!this.learnsToolNames || !Array.isArray(tools)) return;
    for (const tool of tools) {
      const name = (tool as { name?: unknown } | null)?.name;
      if (this.toolNames.size >= MAX_LEARNED_TOOL_NAMES) return;
      if (typeof name === 'string' && name.length <= 128) this.toolNames.add(name);
    }
  }
}
