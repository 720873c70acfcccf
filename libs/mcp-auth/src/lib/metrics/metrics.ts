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
}

/** Distinct tool labels kept; further names are counted as `other` so a client cannot blow up cardinality. */
const MAX_TOOL_LABELS = 100;

/** The Prometheus metrics of one wrapped server. */
export class McpAuthMetrics {
  readonly registry: Registry;
  readonly sessions: Gauge<'transport'>;
  readonly sessionsCreated: Counter<'transport'>;
  readonly sessionsEvicted: Counter<'transport'>;
  readonly requests: Counter<'route' | 'method'>;
  readonly errors: Counter<'code'>;
  readonly authFailures: Counter<'code'>;
  readonly toolLatency: Histogram<'tool' | 'outcome'>;
  private readonly toolNames = new Set<string>();

  constructor(options: MetricsOptions = {}) {
    const p = options.prefix ?? 'mcp_';
    this.registry = options.registry ?? new Registry();
    const registers = [this.registry];
    this.sessions = new Gauge({ name: `${p}sessions_active`, help: 'Open MCP sessions by transport', labelNames: ['transport'], registers });
    this.sessionsCreated = new Counter({ name: `${p}sessions_created_total`, help: 'MCP sessions opened', labelNames: ['transport'], registers });
    this.sessionsEvicted = new Counter({ name: `${p}sessions_evicted_total`, help: 'Idle MCP sessions closed by the server', labelNames: ['transport'], registers });
    this.requests = new Counter({ name: `${p}http_requests_total`, help: 'HTTP requests by route and method', labelNames: ['route', 'method'], registers });
    this.errors = new Counter({ name: `${p}http_errors_total`, help: 'Error responses by error code', labelNames: ['code'], registers });
    this.authFailures = new Counter({ name: `${p}auth_failures_total`, help: 'Authentication failures by error code', labelNames: ['code'], registers });
    this.toolLatency = new Histogram({
      name: `${p}tool_call_duration_seconds`,
      help: 'tools/call duration from request to response',
      labelNames: ['tool', 'outcome'],
      buckets: options.toolLatencyBuckets ?? [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    for (const transport of ['streamable-http', 'sse']) this.sessions.set({ transport }, 0);
  }

  /** A bounded label for a tool name. */
  toolLabel(name: unknown): string {
    if (typeof name !== 'string' || name.length > 128) return 'other';
    if (this.toolNames.has(name)) return name;
    if (this.toolNames.size >= MAX_TOOL_LABELS) return 'other';
    this.toolNames.add(name);
    return name;
  }
}
