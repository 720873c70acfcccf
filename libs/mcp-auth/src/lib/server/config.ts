import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Logger } from '@mcp-factory/shared-util';
import type { AuthProvider, ResourceTokenResolver } from '../auth/types';
import type { RequestGuardOptions } from '../http/request-guard';
import type { RateLimitOptions } from '../http/rate-limiter';
import type { MetricsOptions } from '../metrics/metrics';

/** What the wrapper needs of a server: the SDK's `Server` and `McpServer` both fit. */
export interface McpServerLike {
  connect(transport: Transport): Promise<void>;
  close(): Promise<void>;
}

/**
 * The server factory contract: one isolated server per user (per session, or per request when
 * stateless). Upstream's `MCPServerFactory`; the optional third argument is `factoryOptions`.
 */
export type MCPServerFactory<TOptions = unknown> = (
  accessToken: string,
  userId: string,
  options?: TOptions,
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
  /** Answer Streamable HTTP POSTs with plain JSON instead of an SSE stream (faster; no mid-call notifications). Default false. */
  enableJsonResponse?: boolean;
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
}
