import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { createSilentLogger, errorMessage, type Logger } from '@mcp-factory/shared-util';
import { bearerFromHeaders } from '../auth/bearer-token';
import type { AuthSuccess, RequestContext } from '../auth/types';
import {
  BadRequestError,
  ConfigurationError,
  InsufficientScopeError,
  InternalError,
  isMcpAuthError,
  MethodNotAllowedError,
  NotReadyError,
  RateLimitedError,
  RouteNotFoundError,
  ServerFactoryError,
  SessionNotFoundError,
  ShuttingDownError,
  TokenExpiredError,
  TokenInvalidError,
  TokenMissingError,
  TokenResolutionError,
  type AuthErrorCode,
  type McpAuthError,
} from '../errors';
import { readJsonBody } from '../http/read-body';
import { RequestGuard } from '../http/request-guard';
import { TokenBucketLimiter } from '../http/rate-limiter';
import { sendError, sendJson, wwwAuthenticate } from '../http/responses';
import { McpAuthMetrics } from '../metrics/metrics';
import { SessionManager, type Session, type SessionKind, type SessionReservation } from '../session/session-manager';
import { SseTransport } from '../transport/sse-transport';
import { StreamableHttpTransport } from '../transport/streamable-http-transport';
import type { McpServerLike, ServerWrapperConfig, ShutdownHook } from './config';
import { InFlightTracker, instrumentTransport } from './in-flight';

const PROTECTED_RESOURCE_PATH = '/.well-known/oauth-protected-resource';

type AnyTransport = StreamableHttpTransport | SseTransport;

/** Where the server listens once started. */
export interface WrappedServerAddress {
  host: string;
  port: number;
  /** `http://host:port` (loopback name when bound to all interfaces). */
  url: string;
}

/** Per-request state that the handlers pass along. */
interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  query: string;
  kind: SessionKind;
}

/**
 * An MCP server factory behind authentication on one node:http server: Streamable HTTP at `/mcp`
 * (stateful or stateless), legacy SSE at `/sse` + `/messages`, `/health`, `/ready`, `/metrics` and
 * RFC 9728 metadata. Created by {@link wrapServer}; upstream's class name is kept.
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

  private readonly config: ServerWrapperConfig<TOptions>;
  private readonly logger: Logger;
  private readonly guard: RequestGuard;
  private readonly limiter: TokenBucketLimiter;
  private readonly host: string;
  private readonly port: number;
  private readonly mcpPath: string;
  private readonly ssePath: string;
  private readonly messagesPath: string;
  private readonly stateless: boolean;
  private readonly enableJsonResponse: boolean;
  private readonly allowQueryToken: boolean;
  private readonly maxBodyBytes: number;
  private readonly requestTimeoutMs: number;
  private readonly drainTimeoutMs: number;
  private readonly metricsPath: string | undefined;
  private readonly realm: string;
  private readonly shutdownHooks: ShutdownHook[];
  private draining = false;
  private started = false;
  private stopping: Promise<void> | undefined;
  private boundAddress: WrappedServerAddress | undefined;

  constructor(config: ServerWrapperConfig<TOptions>) {
    if (!config || typeof config.serverFactory !== 'function') throw new ConfigurationError('serverFactory is required');
    if (!config.authProvider || typeof config.authProvider.authenticate !== 'function') throw new ConfigurationError('authProvider is required');
    if (!config.resourceType) throw new ConfigurationError('resourceType is required');
    if (!config.transport) throw new ConfigurationError('transport is required');
    if (config.transport.type !== 'http' && config.transport.type !== 'sse') {
      throw new ConfigurationError(`transport.type ${JSON.stringify(config.transport.type)} is not served over HTTP; use 'http' (or its alias 'sse')`);
    }
    this.config = config;
    const t = config.transport;
    this.logger = config.logger ?? createSilentLogger();
    this.host = t.host ?? '127.0.0.1';
    this.port = t.port ?? 3000;
    this.mcpPath = t.mcpPath ?? t.basePath ?? '/mcp';
    this.ssePath = t.ssePath ?? '/sse';
    this.messagesPath = t.messagesPath ?? '/messages';
    this.stateless = t.stateless ?? config.instanceMode === 'ephemeral';
    this.enableJsonResponse = t.enableJsonResponse ?? false;
    this.allowQueryToken = t.allowQueryToken ?? false;
    this.maxBodyBytes = positive(config.maxBodyBytes, 1024 * 1024, 'maxBodyBytes');
    this.requestTimeoutMs = positive(config.requestTimeoutMs, 30_000, 'requestTimeoutMs');
    this.drainTimeoutMs = positive(config.drainTimeoutMs, 10_000, 'drainTimeoutMs');
    this.realm = config.resourceType;
    this.guard = new RequestGuard(t, this.host);
    const rateLimit = config.rateLimit === false ? { enabled: false } : (config.rateLimit ?? config.middleware?.rateLimit);
    this.limiter = new TokenBucketLimiter(rateLimit);
    this.metrics = new McpAuthMetrics(config.metrics || {});
    this.metricsPath = config.metrics === false || config.metrics?.enabled === false ? undefined : (config.metrics?.path ?? '/metrics');
    this.shutdownHooks = config.onShutdown === undefined ? [] : Array.isArray(config.onShutdown) ? config.onShutdown : [config.onShutdown];
    this.sessions = new SessionManager<AnyTransport>({
      maxSessions: config.maxSessions ?? config.pooling?.maxTotalServers,
      maxSessionsPerUser: config.maxSessionsPerUser ?? config.pooling?.maxServersPerUser,
      idleTimeoutMs: config.sessionIdleTimeoutMs ?? config.pooling?.idleTimeoutMs,
      sweepIntervalMs: config.sessionSweepIntervalMs,
      logger: this.logger,
      onCountChange: (kind, delta) => this.metrics.sessions.inc({ transport: kind }, delta),
      onEvict: (s) => this.metrics.sessionsEvicted.inc({ transport: s.kind }),
    });
    this.httpServer = createServer((req, res) => {
      honorConnectionClose(req, res);
      this.handle(req, res).catch((error) => this.fail(res, error, undefined));
    });
    // A slow-loris on headers is node's job; bodies are bounded by requestTimeoutMs ourselves.
    this.httpServer.headersTimeout = Math.min(this.requestTimeoutMs, 60_000);
    this.httpServer.requestTimeout = 0;
  }

  /** Initializes the provider and resolver, starts listening and the idle sweep. */
  async start(): Promise<WrappedServerAddress> {
    if (this.started) throw new ConfigurationError('Server is already running');
    const { authProvider, tokenResolver } = this.config;
    if (authProvider.validate && !(await authProvider.validate())) throw new ConfigurationError('authProvider.validate() returned false');
    await authProvider.initialize?.();
    await tokenResolver?.initialize?.();
    await new Promise<void>((resolve, reject) => {
      this.httpServer.once('error', reject);
      this.httpServer.listen(this.port, this.host, () => {
        this.httpServer.off('error', reject);
        resolve();
      });
    });
    this.started = true;
    this.sessions.startSweeping();
    const address = this.httpServer.address() as AddressInfo;
    const urlHost = this.host === '0.0.0.0' || this.host === '::' ? '127.0.0.1' : this.host.includes(':') ? `[${this.host}]` : this.host;
    this.boundAddress = { host: this.host, port: address.port, url: `http://${urlHost}:${address.port}` };
    this.logger.info('mcp-auth server listening', {
      name: this.config.name ?? 'mcp-auth-wrapped-server',
      url: this.boundAddress.url,
      stateless: this.stateless,
    });
    return this.boundAddress;
  }

  /** Where the server listens (after `start()`). */
  get address(): WrappedServerAddress | undefined {
    return this.boundAddress;
  }

  /** True once `stop()` has begun. */
  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * Graceful shutdown: refuse new requests (503) and connections, wait up to `drainTimeoutMs` for
   * in-flight calls, close every session, run provider/resolver cleanup and `onShutdown` hooks, then
   * resolve. Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.draining = true;
    this.sessions.stopSweeping();
    const closed = this.started ? new Promise<void>((resolve) => this.httpServer.close(() => resolve())) : Promise.resolve();
    this.httpServer.closeIdleConnections();
    const drained = await this.inFlight.drain(this.drainTimeoutMs);
    if (!drained) this.logger.warn('drain timeout: closing sessions with calls in flight', { inFlight: this.inFlight.size });
    await this.sessions.closeAll('shutdown');
    // Whatever is still open (a stateless stream, a half-sent body) is cut now.
    this.httpServer.closeAllConnections();
    await closed;
    for (const hook of [
      () => this.config.authProvider.cleanup?.(),
      () => this.config.tokenResolver?.cleanup?.(),
      ...this.shutdownHooks,
    ]) {
      try {
        await hook();
      } catch (error) {
        this.logger.error('shutdown hook failed', { error: errorMessage(error) });
      }
    }
    this.started = false;
    this.logger.info('mcp-auth server stopped', { drained });
  }

  /** The request listener (exposed for in-process use). */
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query = q === -1 ? '' : url.slice(q + 1);
    const method = req.method ?? 'GET';
    const incomingId = req.headers['x-request-id'];
    const requestId = typeof incomingId === 'string' && incomingId.length <= 128 && /^[\w.:-]+$/.test(incomingId) ? incomingId : randomUUID();
    res.setHeader('X-Request-Id', requestId);

    if (method === 'OPTIONS') return this.guard.preflight(req, res);
    this.guard.applyCors(req, res);

    if (path === this.mcpPath) {
      this.metrics.requests.inc({ route: 'mcp', method });
      return this.handleMcp({ req, res, requestId, query, kind: 'streamable-http' });
    }
    if (path === this.messagesPath) {
      this.metrics.requests.inc({ route: 'messages', method });
      if (method !== 'POST') return this.fail(res, new MethodNotAllowedError(), requestId);
      return this.handleSseMessage({ req, res, requestId, query, kind: 'sse' });
    }
    if (path === this.ssePath) {
      this.metrics.requests.inc({ route: 'sse', method });
      if (method !== 'GET') return this.fail(res, new MethodNotAllowedError(), requestId);
      return this.handleSseStream({ req, res, requestId, query, kind: 'sse' });
    }
    if (method !== 'GET' && method !== 'HEAD') return this.fail(res, new RouteNotFoundError(), requestId);
    if (path === '/health') {
      this.metrics.requests.inc({ route: 'health', method });
      return sendJson(res, 200, { status: 'ok', name: this.config.name ?? 'mcp-auth-wrapped-server', version: this.config.version ?? '1.0.0' });
    }
    if (path === '/ready') {
      this.metrics.requests.inc({ route: 'ready', method });
      return this.handleReady(res, requestId);
    }
    if (this.metricsPath && path === this.metricsPath) {
      this.metrics.requests.inc({ route: 'metrics', method });
      const body = await this.metrics.registry.metrics();
      res.setHeader('Content-Type', this.metrics.registry.contentType);
      res.end(body);
      return;
    }
    if (path === PROTECTED_RESOURCE_PATH || path === PROTECTED_RESOURCE_PATH + this.mcpPath) {
      this.metrics.requests.inc({ route: 'protected-resource', method });
      return sendJson(res, 200, this.protectedResourceMetadata(req), { 'Cache-Control': 'public, max-age=3600' });
    }
    return this.fail(res, new RouteNotFoundError(), requestId);
  }

  private async handleReady(res: ServerResponse, requestId: string): Promise<void> {
    if (this.draining) return this.fail(res, new NotReadyError('Draining'), requestId);
    try {
      await this.config.readinessCheck?.();
    } catch (error) {
      this.logger.warn('readiness check failed', { requestId, error: errorMessage(error) });
      return this.fail(res, new NotReadyError('Readiness check failed', { cause: error }), requestId);
    }
    sendJson(res, 200, { status: 'ready' });
  }

  /** Checks draining, host/origin, authentication and rate limit. Answers and returns undefined on failure. */
  private async admit(call: Call): Promise<AuthSuccess | undefined> {
    const { req, res, requestId } = call;
    if (this.draining) {
      res.setHeader('Connection', 'close');
      this.fail(res, new ShuttingDownError(), requestId);
      return undefined;
    }
    try {
      this.guard.check(req);
    } catch (error) {
      this.fail(res, error, requestId);
      return undefined;
    }
    let token = bearerFromHeaders(req.headers);
    if (!token && this.allowQueryToken && call.kind === 'sse' && call.query) {
      token = new URLSearchParams(call.query).get('access_token') ?? undefined;
    }
    const context: RequestContext = {
      headers: req.headers,
      bearerToken: token,
      transport: call.kind === 'sse' ? 'sse' : 'http',
      timestamp: new Date(),
      requestId,
    };
    let result;
    try {
      result = await this.config.authProvider.authenticate(context);
    } catch (error) {
      this.logger.error('auth provider threw', { requestId, error: errorMessage(error) });
      result = { authenticated: false as const, code: 'ERR_AUTH_TOKEN_INVALID' as const, error: 'Invalid token' };
    }
    if (!result.authenticated || !result.userId) {
      const failure = result.authenticated ? { code: 'ERR_AUTH_TOKEN_INVALID' as const, error: 'No user id' } : result;
      this.rejectAuth(call, failure.code ?? (token ? 'ERR_AUTH_TOKEN_INVALID' : 'ERR_AUTH_TOKEN_MISSING'), failure.error, 'requiredScopes' in failure ? failure.requiredScopes : undefined);
      return undefined;
    }
    const wait = this.limiter.take(result.userId);
    if (wait > 0) {
      this.logger.warn('rate limited', { requestId, userId: result.userId, retryAfter: wait });
      this.fail(res, new RateLimitedError(wait), requestId, { 'Retry-After': String(wait) });
      return undefined;
    }
    if (result.accessToken === undefined) result = { ...result, accessToken: token };
    return result;
  }

  private rejectAuth(call: Call, code: AuthErrorCode, description: string | undefined, requiredScopes: string[] | undefined): void {
    const scope = code === 'ERR_AUTH_INSUFFICIENT_SCOPE';
    this.metrics.authFailures.inc({ code });
    this.logger.warn('authentication failed', { requestId: call.requestId, code, transport: call.kind });
    const error = authError(code, description, requiredScopes);
    // RFC 6750 §3.1: a request without a usable token gets a bare challenge, no error code or description.
    const missing = code === 'ERR_AUTH_TOKEN_MISSING';
    this.fail(call.res, error, call.requestId, {
      'WWW-Authenticate': wwwAuthenticate({
        realm: this.realm,
        error: missing ? undefined : scope ? 'insufficient_scope' : 'invalid_token',
        description: missing ? undefined : error.message,
        scope: scope && requiredScopes?.length ? requiredScopes.join(' ') : undefined,
        resourceMetadataUrl: this.publicBase(call.req) + PROTECTED_RESOURCE_PATH,
      }),
    });
  }

  private async handleMcp(call: Call): Promise<void> {
    const { req, res, requestId } = call;
    const method = req.method;
    if (method !== 'POST' && method !== 'GET' && method !== 'DELETE') return this.fail(res, new MethodNotAllowedError(), requestId);
    const auth = await this.admit(call);
    if (!auth) return;
    const header = req.headers['mcp-session-id'];
    const sessionId = Array.isArray(header) ? header[0] : header;

    if (sessionId !== undefined) {
      const session = this.sessionFor(sessionId, auth.userId, 'streamable-http');
      if (!session) return this.fail(res, new SessionNotFoundError(), requestId);
      const body = method === 'POST' ? await this.readBody(call) : undefined;
      if (method === 'POST' && body === NO_BODY) return;
      this.sessions.touch(session);
      setAuthInfo(req, auth);
      await (session.transport as StreamableHttpTransport).handleRequest(req, res, body);
      return;
    }

    if (method !== 'POST') {
      // Stateless servers have no stream to resume or session to delete (as the SDK's stateless example).
      if (this.stateless) return this.fail(res, new MethodNotAllowedError('Method not allowed in stateless mode'), requestId);
      return this.fail(res, new BadRequestError('Bad Request: Mcp-Session-Id header is required'), requestId);
    }
    const body = await this.readBody(call);
    if (body === NO_BODY) return;
    setAuthInfo(req, auth);
    if (this.stateless) return this.handleStateless(call, auth, body);
    if (!isInitialize(body)) return this.fail(res, new BadRequestError('Bad Request: No valid session ID provided'), requestId);
    return this.openStreamableSession(call, auth, body);
  }

  private async handleStateless(call: Call, auth: AuthSuccess, body: unknown): Promise<void> {
    const server = await this.createMcpServer(call, auth);
    if (!server) return;
    const transport = new StreamableHttpTransport({ sessionIdGenerator: undefined, enableJsonResponse: this.enableJsonResponse });
    call.res.on('close', () => {
      // A response sent in full leaves nothing to cancel: the pair is simply dropped. Closing it anyway
      // costs a stack-traced McpError per request in the SDK (~4 % of a stateless call); only a client
      // that went away mid-call needs the close, which aborts the handler's signal.
      if (call.res.writableFinished) return;
      void transport.close().catch(() => undefined);
      void server.close().catch(() => undefined);
    });
    await server.connect(transport);
    instrumentTransport(transport, this.inFlight, this.metrics);
    await transport.handleRequest(call.req, call.res, body);
  }

  /**
   * Takes a session slot for the user (answering 429/503 when the limits say no), then builds their
   * server; the slot is given back when the factory fails. Undefined means the answer is already sent.
   */
  private async reserveSessionServer(call: Call, auth: AuthSuccess) {
    let reservation: SessionReservation;
    try {
      reservation = this.sessions.reserve(auth.userId);
    } catch (error) {
      this.fail(call.res, error, call.requestId);
      return undefined;
    }
    const server = await this.createMcpServer(call, auth);
    if (!server) {
      reservation.release();
      return undefined;
    }
    return { reservation, server };
  }

  private async openStreamableSession(call: Call, auth: AuthSuccess, body: unknown): Promise<void> {
    const opened = await this.reserveSessionServer(call, auth);
    if (!opened) return;
    const { reservation, server } = opened;
    let session: Session<AnyTransport> | undefined;
    const transport: StreamableHttpTransport = new StreamableHttpTransport({
      sessionIdGenerator: randomUUID,
      enableJsonResponse: this.enableJsonResponse,
      onsessioninitialized: (id) => {
        session = this.sessions.add(reservation, { id, userId: auth.userId, kind: 'streamable-http', transport, server });
        this.metrics.sessionsCreated.inc({ transport: 'streamable-http' });
        this.logger.info('session opened', { requestId: call.requestId, userId: auth.userId, sessionId: id, transport: 'streamable-http' });
      },
    });
    await server.connect(transport);
    instrumentTransport(transport, this.inFlight, this.metrics, (delta) => {
      if (session) session.inFlight += delta;
    });
    chainOnClose(transport, () => {
      // Only when the client ended it: a close by the manager has already removed and closed it.
      if (transport.sessionId && this.sessions.remove(transport.sessionId)) {
        this.logger.info('session closed', { userId: auth.userId, sessionId: transport.sessionId, reason: 'transport closed' });
        void server.close().catch(() => undefined);
      }
    });
    try {
      await transport.handleRequest(call.req, call.res, body);
    } finally {
      if (!session) {
        // The initialize was rejected (bad params, protocol version): nothing to keep.
        reservation.release();
        await server.close().catch(() => undefined);
      }
    }
  }

  private async handleSseStream(call: Call): Promise<void> {
    const auth = await this.admit(call);
    if (!auth) return;
    const opened = await this.reserveSessionServer(call, auth);
    if (!opened) return;
    const { reservation, server } = opened;
    const transport = new SseTransport(this.messagesPath, call.res);
    const id = transport.sessionId;
    try {
      await server.connect(transport);
    } catch (error) {
      reservation.release();
      await server.close().catch(() => undefined);
      return this.fail(call.res, error, call.requestId);
    }
    const session = this.sessions.add(reservation, { id, userId: auth.userId, kind: 'sse', transport, server });
    this.metrics.sessionsCreated.inc({ transport: 'sse' });
    instrumentTransport(transport, this.inFlight, this.metrics, (delta) => {
      session.inFlight += delta;
    });
    chainOnClose(transport, () => {
      if (this.sessions.remove(id)) {
        this.logger.info('session closed', { userId: auth.userId, sessionId: id, reason: 'stream closed' });
        void server.close().catch(() => undefined);
      }
    });
    this.logger.info('session opened', { requestId: call.requestId, userId: auth.userId, sessionId: id, transport: 'sse' });
  }

  private async handleSseMessage(call: Call): Promise<void> {
    const auth = await this.admit(call);
    if (!auth) return;
    const sessionId = new URLSearchParams(call.query).get('sessionId');
    const session = sessionId ? this.sessionFor(sessionId, auth.userId, 'sse') : undefined;
    if (!session) return this.fail(call.res, new SessionNotFoundError(), call.requestId);
    const body = await this.readBody(call);
    if (body === NO_BODY) return;
    this.sessions.touch(session);
    setAuthInfo(call.req, auth);
    await (session.transport as SseTransport).handlePostMessage(call.req, call.res, body);
  }

  /** The session if it exists, is of this kind and belongs to this user; otherwise undefined (→ identical 404). */
  private sessionFor(id: string, userId: string, kind: SessionKind): Session<AnyTransport> | undefined {
    const session = this.sessions.get(id);
    return session && session.userId === userId && session.kind === kind ? session : undefined;
  }

  private async readBody(call: Call): Promise<unknown> {
    try {
      return await readJsonBody(call.req, this.maxBodyBytes, this.requestTimeoutMs);
    } catch (error) {
      call.res.setHeader('Connection', 'close');
      this.fail(call.res, error, call.requestId);
      return NO_BODY;
    }
  }

  /** Resolves the access token and calls the factory; answers the error and returns undefined on failure. */
  private async createMcpServer(call: Call, auth: AuthSuccess): Promise<McpServerLike | undefined> {
    let accessToken = auth.accessToken ?? '';
    const resolver = this.config.tokenResolver;
    try {
      if (resolver) {
        const resolved = await resolver.resolveToken(auth.userId, this.config.resourceType, auth);
        if (!resolved) {
          this.rejectAuth(call, 'ERR_AUTH_TOKEN_RESOLUTION', undefined, undefined);
          return undefined;
        }
        accessToken = resolved;
      }
    } catch (error) {
      this.logger.error('token resolver failed', { requestId: call.requestId, userId: auth.userId, error: errorMessage(error) });
      this.fail(call.res, new ServerFactoryError('Could not resolve the access token for this user', { cause: error }), call.requestId);
      return undefined;
    }
    try {
      return await this.config.serverFactory(accessToken, auth.userId, this.config.factoryOptions);
    } catch (error) {
      this.logger.error('server factory failed', { requestId: call.requestId, userId: auth.userId, error: errorMessage(error) });
      this.fail(call.res, new ServerFactoryError(undefined, { cause: error }), call.requestId);
      return undefined;
    }
  }

  private protectedResourceMetadata(req: IncomingMessage): Record<string, unknown> {
    const pr = this.config.protectedResource ?? {};
    const doc: Record<string, unknown> = {
      resource: pr.resource ?? this.publicBase(req) + this.mcpPath,
      authorization_servers: pr.authorizationServers ?? [],
      bearer_methods_supported: this.allowQueryToken ? ['header', 'query'] : ['header'],
      resource_name: pr.resourceName ?? this.config.resourceType,
    };
    if (pr.scopesSupported) doc['scopes_supported'] = pr.scopesSupported;
    if (pr.resourceDocumentation) doc['resource_documentation'] = pr.resourceDocumentation;
    return doc;
  }

  /** `publicUrl`, or `http://<Host header>` (the Host was validated when an allow-list is set). */
  private publicBase(req: IncomingMessage): string {
    if (this.config.publicUrl) return this.config.publicUrl.replace(/\/+$/, '');
    const host = req.headers.host;
    if (host && /^[\w.\-:[\]]+$/.test(host)) return `http://${host}`;
    return this.boundAddress?.url ?? `http://${this.host}:${this.port}`;
  }

  /** Sends a typed error (unknown errors become `ERR_INTERNAL`, logged with the cause). */
  private fail(res: ServerResponse, error: unknown, requestId: string | undefined, headers?: Record<string, string>): void {
    let typed: McpAuthError;
    if (isMcpAuthError(error)) typed = error;
    else {
      this.logger.error('unexpected error', { requestId, error: errorMessage(error) });
      typed = new InternalError(undefined, { cause: error });
    }
    this.metrics.errors.inc({ code: typed.code });
    sendError(res, typed, headers);
  }
}

const NO_BODY = Symbol('no body');

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new ConfigurationError(`${name} must be a positive number`);
  return value;
}

function isInitialize(body: unknown): boolean {
  const first = Array.isArray(body) ? body[0] : body;
  return typeof first === 'object' && first !== null && (first as { method?: unknown }).method === 'initialize';
}

/** Hands the SDK the auth result so tool handlers see `extra.authInfo`. */
function setAuthInfo(req: IncomingMessage, auth: AuthSuccess): void {
  const info: AuthInfo = {
    token: auth.accessToken ?? '',
    clientId: auth.userId,
    scopes: auth.scopes ?? [],
    expiresAt: auth.expiresAt,
    extra: { userId: auth.userId },
  };
  (req as IncomingMessage & { auth?: AuthInfo }).auth = info;
}

/**
 * RFC 9112 §9.6: a server that receives `Connection: close` must close after its response. The SDK's
 * SSE responses set `Connection: keep-alive`, which node obeys: the socket stayed open, the client
 * was told it could reuse it, and node's parser then refused the next request with a bare 400.
 */
function honorConnectionClose(req: IncomingMessage, res: ServerResponse): void {
  if (!/(?:^|,)\s*close\s*(?:,|$)/i.test(req.headers.connection ?? '')) return;
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, statusCode: number, ...rest: unknown[]) {
    const last = rest[rest.length - 1];
    if (last && typeof last === 'object' && !Array.isArray(last)) {
      rest[rest.length - 1] = Object.fromEntries(Object.entries(last).filter(([name]) => name.toLowerCase() !== 'connection'));
    }
    this.setHeader('Connection', 'close');
    return (writeHead as (...args: unknown[]) => ServerResponse).call(this, statusCode, ...rest);
  } as ServerResponse['writeHead'];
}

function chainOnClose(transport: Transport, handler: () => void): void {
  const previous = transport.onclose;
  transport.onclose = () => {
    previous?.();
    handler();
  };
}

/** The typed error for a provider's failure code; the provider's free text never decides the status. */
function authError(code: AuthErrorCode, description: string | undefined, requiredScopes: string[] | undefined): McpAuthError {
  return (AUTH_ERRORS[code] ?? AUTH_ERRORS.ERR_AUTH_TOKEN_INVALID)(description, requiredScopes);
}

const AUTH_ERRORS: Record<AuthErrorCode, (message: string | undefined, scopes: string[] | undefined) => McpAuthError> = {
  ERR_AUTH_TOKEN_MISSING: (m) => new TokenMissingError(m),
  ERR_AUTH_TOKEN_INVALID: (m) => new TokenInvalidError(m),
  ERR_AUTH_TOKEN_EXPIRED: (m) => new TokenExpiredError(m),
  ERR_AUTH_INSUFFICIENT_SCOPE: (m, s) => new InsufficientScopeError(s ?? [], m),
  ERR_AUTH_TOKEN_RESOLUTION: (m) => new TokenResolutionError(m),
};

/**
 * Wraps a server factory with authentication, sessions, limits, health, metrics and graceful
 * shutdown on one HTTP server. Nothing listens until `start()`.
 *
 * @example
 * const wrapped = wrapServer({
 *   serverFactory: createServer,
 *   authProvider: new JWTAuthProvider({ jwtSecret: config.jwtSecret, audience: 'mcp' }),
 *   resourceType: 'hello',
 *   transport: { type: 'http', port: 3000, host: '0.0.0.0' },
 * });
 * const { url } = await wrapped.start();
 * // later
 * await wrapped.stop();
 */
export function wrapServer<TOptions = unknown>(config: ServerWrapperConfig<TOptions>): AuthenticatedServerWrapper<TOptions> {
  return new AuthenticatedServerWrapper(config);
}
