import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { PerRequestResponseMode, ServerEventBus } from '@modelcontextprotocol/server';
import type { Logger } from '@mcp-factory/shared-util';
import type { AuthProvider, ResourceTokenResolver } from '../auth/types';
import type { RequestGuardOptions } from '../http/request-guard';
import type { RateLimitOptions } from '../http/rate-limiter';
import type { MetricsOptions } from '../metrics/metrics';
import type { SharedState } from '../shared-state/shared-state';

/**
 * What the wrapper needs of a server. The v2 SDK's `McpServer` and `Server`
 * (`@modelcontextprotocol/server`) serve both protocol eras; a 1.x `McpServer`/`Server`
 * (`@modelcontextprotocol/sdk`) fits too but serves only the 2025 era (see {@link ServerFactoryContext}).
 */
export interface McpServerLike {
  connect(transport: Transport): Promise<void>;
  close(): Promise<void>;
}

/** The protocol era a request speaks: `legacy` (2024-11-05 … 2025-11-25, `initialize`) or `modern` (2026-07-28, per-request `_meta`). */
export type ProtocolEra = 'legacy' | 'modern';

/**
 * What the wrapper tells the factory about the server it asks for (the fourth argument of every
 * call). A factory may ignore it: the same server definition serves both eras.
 */
export interface ServerFactoryContext {
  /**
   * `modern`: the server answers one 2026-07-28 request through the SDK's `createMcpHandler`, so it
   * must be a v2 `McpServer` or `Server` (a 1.x instance is refused with a 500 and a log line).
   * `legacy`: a 2025-era session, or one stateless 2025-era POST.
   */
  era: ProtocolEra;
  /** The endpoint family: Streamable HTTP (`/mcp`) or legacy SSE (`/sse` + `/messages`). */
  transport: 'streamable-http' | 'sse';
  /** True when the server serves exactly one request and is dropped after it (modern, or stateless). */
  perRequest: boolean;
}

/**
 * The server factory contract: one isolated server per user (per session, or per request when
 * stateless or 2026-07-28). Upstream's `MCPServerFactory`; the optional third argument is
 * `factoryOptions`, the fourth what the wrapper knows about the request ({@link ServerFactoryContext}).
 */
export type MCPServerFactory<TOptions = unknown> = (
  accessToken: string,
  userId: string,
  options?: TOptions,
  context?: ServerFactoryContext,
) => McpServerLike | Promise<McpServerLike>;

/** Transport settings. Upstream names: `type`, `port`, `host`, `basePath`, `cors`, `corsOrigin`. */
export interface TransportConfig extends RequestGuardOptions {
  /**
   * `http` serves Streamable HTTP at `mcpPath` and legacy SSE at `ssePath` + `messagesPath` on one
   * server. `sse` is accepted as an alias of `http` (upstream compatibility). `stdio` is refused:
   * use the SDK's stdio transport directly.
   */
  type: 'http' | 'sse' | 'stdio';
  /** Port; 0 picks a free one (tests). Default 3000. */
  port?: number;
  /** Interface to bind. Default `127.0.0.1` (upstream: `0.0.0.0`; set it explicitly in containers). */
  host?: string;
  /** Streamable HTTP endpoint. Default `/mcp`. */
  mcpPath?: string;
  /** Upstream alias of `mcpPath`. */
  basePath?: string;
  /** Legacy SSE stream endpoint. Default `/sse`. */
  ssePath?: string;
  /** Legacy SSE message endpoint. Default `/messages`. */
  messagesPath?: string;
  /**
   * Stateless Streamable HTTP: a fresh server from the factory for every POST, no session ids —
   * what horizontal scaling needs. Legacy SSE stays session-based. Default false.
   */
  stateless?: boolean;
  /** Answer 2025-era Streamable HTTP POSTs with plain JSON instead of an SSE stream (faster; no mid-call notifications). Default false. */
  enableJsonResponse?: boolean;
  /**
   * How 2026-07-28 answers are shaped (the SDK's `responseMode`): `auto` sends one JSON body unless the
   * tool emits a notification first (then an SSE stream), `sse` always streams, `json` never does
   * (mid-call notifications are dropped). `subscriptions/listen` always streams. Default `auto`.
   */
  responseMode?: PerRequestResponseMode;
  /**
   * Accept `?access_token=` on the legacy SSE endpoints when no Authorization header is present
   * (EventSource cannot set headers). Never on `/mcp`, never logged. Default false.
   */
  allowQueryToken?: boolean;
}

/** RFC 9728 protected-resource metadata, served at `/.well-known/oauth-protected-resource`. */
export interface ProtectedResourceOptions {
  /** The resource identifier. Default `<publicUrl><mcpPath>`. */
  resource?: string;
  /** Issuers of accepted tokens (`authorization_servers`). */
  authorizationServers?: string[];
  /** `scopes_supported`. Default: the provider's required scopes are not known here, so none. */
  scopesSupported?: string[];
  /** `resource_name`. Default the `resourceType`. */
  resourceName?: string;
  /** `resource_documentation` URL. */
  resourceDocumentation?: string;
}

/** A shutdown hook; errors are logged and do not stop the others. */
export type ShutdownHook = () => void | Promise<void>;

/**
 * Options of {@link wrapServer}. The first five follow upstream `ServerWrapperConfig`.
 *
 * @example
 * const wrapped = wrapServer({
 *   serverFactory: createServer,
 *   authProvider: new JWTAuthProvider({ jwtSecret, audience: 'mcp' }),
 *   resourceType: 'hello',
 *   transport: { type: 'http', port: 3000, host: '0.0.0.0' },
 *   readinessCheck: () => db.ping(),
 *   onShutdown: () => db.close(),
 *   logger,
 * });
 * await wrapped.start();
 */
export interface ServerWrapperConfig<TOptions = unknown> {
  /** Creates one server per user session (or per request when stateless). */
  serverFactory: MCPServerFactory<TOptions>;
  /** Authenticates every request. */
  authProvider: AuthProvider;
  /** Maps the user to the access token the factory receives. Default: the provider's `accessToken` (the bearer token). */
  tokenResolver?: ResourceTokenResolver;
  /** Resource name passed to the resolver; also the `WWW-Authenticate` realm. */
  resourceType: string;
  /** Where and how to listen. */
  transport: TransportConfig;
  /** Server name for logs and `/health`. Default `mcp-auth-wrapped-server`. */
  name?: string;
  /** Server version for `/health`. Default `1.0.0`. */
  version?: string;
  /** Third argument of every `serverFactory` call. */
  factoryOptions?: TOptions;
  /** Upstream: `'ephemeral'` means a server per request, i.e. `transport.stateless`. */
  instanceMode?: 'ephemeral' | 'pooled';
  /** Per-user token bucket (→ 429 + `Retry-After`); `false` disables. Default 600 requests per 60 s. */
  rateLimit?: RateLimitOptions | false;
  /** Upstream location of the rate limit; used when `rateLimit` is absent. */
  middleware?: { rateLimit?: RateLimitOptions };
  /** Sessions in total (→ 503). Default 1000. */
  maxSessions?: number;
  /** Sessions per user (→ 429). Default 10. */
  maxSessionsPerUser?: number;
  /** Idle sessions are closed after this many ms. Default 300000; 0 disables. */
  sessionIdleTimeoutMs?: number;
  /** Idle sweep period, ms. Default min(idle / 2, 30000). */
  sessionSweepIntervalMs?: number;
  /** Upstream pooling limits, used when the options above are absent. */
  pooling?: { maxServersPerUser?: number; idleTimeoutMs?: number; maxTotalServers?: number };
  /** Largest accepted request body in bytes (→ 413). Default 1048576. */
  maxBodyBytes?: number;
  /**
   * A body over `maxBodyBytes` is read and discarded up to this many bytes before the 413 is sent, so
   * the client, still uploading, reads the answer instead of a broken pipe; beyond it (or a declared
   * `Content-Length` beyond it) the 413 closes the connection. Default `max(16 MiB, maxBodyBytes)`.
   */
  maxBodyDiscardBytes?: number;
  /** A request body must arrive within this many ms (→ 408). Default 30000. */
  requestTimeoutMs?: number;
  /** `stop()` waits at most this long for in-flight calls. Default 10000. */
  drainTimeoutMs?: number;
  /** `/ready` fails (503) when this rejects. */
  readinessCheck?: () => Promise<void>;
  /** Run by `stop()` after sessions are closed, in order. */
  onShutdown?: ShutdownHook | ShutdownHook[];
  /** Structured logger (userId, sessionId, requestId on lines; never tokens). Default silent. */
  logger?: Logger;
  /** Prometheus metrics; `false` disables the endpoint. */
  metrics?: MetricsOptions | false;
  /** Base URL clients use, e.g. `https://mcp.example.com`; default derived from the Host header. */
  publicUrl?: string;
  /** RFC 9728 metadata contents. */
  protectedResource?: ProtectedResourceOptions;
  /**
   * Where `subscriptions/listen` streams (2026-07-28) get their change events: the SDK's
   * `ServerEventBus`. Default an in-process bus, so a change published on one replica reaches only
   * the streams that replica holds; give every replica one bus over a shared broker to reach all.
   * Publish through `wrapped.notify` (or `bus.publish`).
   */
  eventBus?: ServerEventBus;
  /** Open `subscriptions/listen` streams in total (the SDK's `maxSubscriptions`). Each also holds one of its user's session slots. Default 1024. */
  maxSubscriptions?: number;
  /**
   * A tool's JSON input schema by name, as `tools/list` shows it. With it, a 2026-07-28 `tools/call`
   * whose SEP-2243 `Mcp-Param-*` headers are missing or disagree with the arguments the schema marks
   * `x-mcp-header` is refused (400, -32020). The SDK makes that check itself only when the factory
   * returns an `McpServer`; give this when it returns a low-level `Server`. Default: none.
   */
  toolInputSchema?: (toolName: string) => unknown;
  /**
   * Limits and events shared by every replica (`createSharedState`, issue 16): its `rateLimiter`
   * replaces the in-process bucket (`rateLimit` is then ignored: size it in `createSharedState`), its
   * `sessionSlots` are charged besides this process's own caps, its `eventBus` is the default
   * `eventBus`, and `/health` and `/ready` report its `health()`. The caller closes it (an
   * `onShutdown` hook: it runs after the sessions have given their slots back). Default: none.
   */
  sharedState?: SharedState;
  /**
   * This replica's id (`REPLICA_ID`): 2025-era session ids become `<replicaId>.<uuid>` so a balancer
   * can route a session's requests to this replica (deploy/haproxy). Default: plain UUIDs.
   */
  replicaId?: string;
}
