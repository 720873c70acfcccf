import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSilentLogger, errorMessage } from '@mcp-factory/shared-util';
import { ConfigurationError } from '../errors';
import { honorConnectionClose } from '../http/connection-close';
import { markAwaitingContinue } from '../http/read-body';
import { RequestGuard } from '../http/request-guard';
import { TokenBucketLimiter } from '../http/rate-limiter';
import { McpAuthMetrics } from '../metrics/metrics';
import { SessionManager } from '../session/session-manager';
import type { ServerWrapperConfig } from './config';
import { InFlightTracker } from './in-flight';
import { MetricsListener } from './metrics-endpoint';
import { Pipeline } from './pipeline';
import { resolveSettings, type AnyTransport, type WrappedServerAddress, type WrapperContext } from './wrapper-context';

export type { WrappedServerAddress } from './wrapper-context';

/**
 * An MCP server factory behind authentication on one node:http server: `/mcp` serves 2026-07-28
 * (the SDK's `createMcpHandler`) and 2025-era Streamable HTTP (stateful or stateless), legacy SSE at
 * `/sse` + `/messages`, plus `/health`, `/ready`, `/metrics` and RFC 9728 metadata. Created by
 * {@link wrapServer}; upstream's class name is kept. A request walks the steps of `pipeline.ts` once;
 * this class owns only the lifecycle.
 */
export class AuthenticatedServerWrapper<TOptions = unknown> {
  /** The node server; exists from construction so tests may inject requests before `start()`. */
  readonly httpServer: HttpServer;
  /** Prometheus metrics (own registry). */
  readonly metrics: McpAuthMetrics;
  /** All open sessions. */
  readonly sessions: SessionManager<AnyTransport>;
  /** JSON-RPC requests in flight across transports. */
  readonly inFlight = new InFlightTracker();

  private readonly ctx: WrapperContext;
  private readonly pipeline: Pipeline;
  private readonly metricsListener: MetricsListener | undefined;
  private started = false;
  private stopping: Promise<void> | undefined;

  constructor(config: ServerWrapperConfig<TOptions>) {
    const settings = resolveSettings(config as ServerWrapperConfig<unknown>);
    const logger = config.logger ?? createSilentLogger();
    const rateLimit = config.rateLimit === false ? { enabled: false } : (config.rateLimit ?? config.middleware?.rateLimit);
    this.metrics = new McpAuthMetrics(config.metrics || {});
    this.sessions = new SessionManager<AnyTransport>({
      maxSessions: config.maxSessions ?? config.pooling?.maxTotalServers,
      maxSessionsPerUser: config.maxSessionsPerUser ?? config.pooling?.maxServersPerUser,
      idleTimeoutMs: config.sessionIdleTimeoutMs ?? config.pooling?.idleTimeoutMs,
      sweepIntervalMs: config.sessionSweepIntervalMs,
      logger,
      onCountChange: (kind, delta) => this.metrics.sessions.inc({ transport: kind }, delta),
      onEvict: (s) => this.metrics.sessionsEvicted.inc({ transport: s.kind }),
      sharedSlots: config.sharedState?.sessionSlots,
    });
    this.ctx = {
      config: config as ServerWrapperConfig<unknown>,
      settings,
      logger,
      guard: new RequestGuard(config.transport, settings.host),
      limiter: config.sharedState?.rateLimiter ?? new TokenBucketLimiter(rateLimit),
      metrics: this.metrics,
      sessions: this.sessions,
      inFlight: this.inFlight,
      state: { draining: false, boundAddress: undefined },
    };
    const metricsPort = settings.metrics?.port;
    this.metricsListener = settings.metrics && metricsPort !== undefined ? new MetricsListener(this.ctx, { ...settings.metrics, port: metricsPort }) : undefined;
    this.pipeline = new Pipeline(this.ctx);
    const listener = (req: IncomingMessage, res: ServerResponse) => {
      honorConnectionClose(req, res);
      void this.pipeline.serve(req, res);
    };
    this.httpServer = createServer(listener);
    // With this listener node no longer answers `Expect: 100-continue` by itself: the body reader
    // sends the 100 only for a body it will take (read-body.ts).
    this.httpServer.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
      markAwaitingContinue(req);
      listener(req, res);
    });
    // A slow-loris on headers is node's job; bodies are bounded by requestTimeoutMs ourselves.
    this.httpServer.headersTimeout = Math.min(settings.body.timeoutMs, 60_000);
    this.httpServer.requestTimeout = 0;
  }

  /** Initializes the provider and resolver, starts listening (and the metrics listener) and the idle sweep. */
  async start(): Promise<WrappedServerAddress> {
    if (this.started) throw new ConfigurationError('Server is already running');
    const { config, settings, logger } = this.ctx;
    const { authProvider, tokenResolver } = config;
    if (authProvider.validate && !(await authProvider.validate())) throw new ConfigurationError('authProvider.validate() returned false');
    await authProvider.initialize?.();
    await tokenResolver?.initialize?.();
    await new Promise<void>((resolve, reject) => {
      this.httpServer.once('error', reject);
      this.httpServer.listen(settings.port, settings.host, () => {
        this.httpServer.off('error', reject);
        resolve();
      });
    });
    this.started = true;
    await this.metricsListener?.start();
    this.sessions.startSweeping();
    const address = this.httpServer.address() as AddressInfo;
    const urlHost = settings.host === '0.0.0.0' || settings.host === '::' ? '127.0.0.1' : settings.host.includes(':') ? `[${settings.host}]` : settings.host;
    const bound = { host: settings.host, port: address.port, url: `http://${urlHost}:${address.port}` };
    this.ctx.state.boundAddress = bound;
    if (!settings.metrics && config.metrics !== false && (config.metrics || {}).enabled !== false) {
      logger.warn('metrics not served: the listener is not on loopback; set metrics.port or metrics.token');
    }
    logger.info('mcp-auth server listening', { name: settings.name, url: bound.url, stateless: settings.stateless });
    return bound;
  }

  /** Where the server listens (after `start()`). */
  get address(): WrappedServerAddress | undefined {
    return this.ctx.state.boundAddress;
  }

  /** Where `/metrics` listens when it has a port of its own (after `start()`). */
  get metricsAddress(): WrappedServerAddress | undefined {
    return this.metricsListener?.address;
  }

  /**
   * Publishes change events (`toolsChanged()`, `resourceUpdated(uri)`, …) to the open 2026-07-28
   * `subscriptions/listen` streams — through `eventBus`, so to every replica sharing it.
   */
  get notify(): Pipeline['notify'] {
    return this.pipeline.notify;
  }

  /** The `subscriptions/listen` event bus: the configured `eventBus`, or the SDK's in-process one. */
  get eventBus(): Pipeline['bus'] {
    return this.pipeline.bus;
  }

  /** True once `stop()` has begun. */
  get isDraining(): boolean {
    return this.ctx.state.draining;
  }

  /**
   * Graceful shutdown: refuse new requests (503) and connections, wait up to `drainTimeoutMs` for
   * in-flight calls (both eras), end `subscriptions/listen` streams, close every session, run
   * provider/resolver cleanup and `onShutdown` hooks, then resolve. Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    const { config, settings, logger, state } = this.ctx;
    state.draining = true;
    this.sessions.stopSweeping();
    const closed = this.started ? new Promise<void>((resolve) => this.httpServer.close(() => resolve())) : Promise.resolve();
    this.httpServer.closeIdleConnections();
    const drained = await this.inFlight.drain(settings.drainTimeoutMs);
    if (!drained) logger.warn('drain timeout: closing sessions with calls in flight', { inFlight: this.inFlight.size });
    await this.pipeline.close();
    await this.sessions.closeAll('shutdown');
    // Whatever is still open (a stateless stream, a half-sent body) is cut now.
    this.httpServer.closeAllConnections();
    await closed;
    await this.metricsListener?.stop();
    for (const hook of [() => config.authProvider.cleanup?.(), () => config.tokenResolver?.cleanup?.(), ...settings.shutdownHooks]) {
      try {
        await hook();
      } catch (error) {
        logger.error('shutdown hook failed', { error: errorMessage(error) });
      }
    }
    this.started = false;
    logger.info('mcp-auth server stopped', { drained });
  }
}

/**
 * Wraps a server factory with authentication, sessions, limits, health, metrics and graceful
 * shutdown on one HTTP server. Nothing listens until `start()`.
 *
 * @example
 * const wrapped = wrapServer({
 *   serverFactory: createServer,
 *   authProvider: new JWTAuthProvider({ jwtSecret: config.jwtSecret, issuer: 'https://idp.example.com', audience: 'mcp' }),
 *   resourceType: 'hello',
 *   transport: { type: 'http', port: 3000, host: '0.0.0.0', allowedHosts: ['mcp.example.com'] },
 *   publicUrl: 'https://mcp.example.com',
 *   metrics: { port: 9464 },
 * });
 * const { url } = await wrapped.start();
 * // later
 * await wrapped.stop();
 */
export function wrapServer<TOptions = unknown>(config: ServerWrapperConfig<TOptions>): AuthenticatedServerWrapper<TOptions> {
  return new AuthenticatedServerWrapper(config);
}
