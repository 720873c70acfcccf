import { randomUUID } from 'node:crypto';
import type { PerRequestResponseMode } from '@modelcontextprotocol/server';
import type { Logger } from '@mcp-factory/shared-util';
import { ConfigurationError } from '../errors';
import type { BodyLimits } from '../http/read-body';
import { isLoopbackHost, type RequestGuard } from '../http/request-guard';
import type { McpAuthMetrics } from '../metrics/metrics';
import { replicaSessionIdGenerator } from '../session/replica-session-id';
import type { SessionManager } from '../session/session-manager';
import type { UserRateLimiter } from '../shared-state/user-rate-limiter';
import type { SseTransport } from '../transport/sse-transport';
import type { StreamableHttpTransport } from '../transport/streamable-http-transport';
import type { ServerWrapperConfig, ShutdownHook } from './config';
import type { InFlightTracker } from './in-flight';

/** Either transport a session may hold. */
export type AnyTransport = StreamableHttpTransport | SseTransport;

/** Where the server listens once started. */
export interface WrappedServerAddress {
  host: string;
  port: number;
  /** `http://host:port` (loopback name when bound to all interfaces). */
  url: string;
}

/** Where and how `/metrics` is served. */
export interface MetricsEndpoint {
  path: string;
  /** A bearer token required on `/metrics`. */
  token?: string;
  /** Own listener on this port; undefined serves `/metrics` on the main listener. */
  port?: number;
  host: string;
}

/** The options of `wrapServer`, defaults applied and checked once. */
export interface WrapperSettings {
  name: string;
  version: string;
  host: string;
  port: number;
  mcpPath: string;
  ssePath: string;
  messagesPath: string;
  stateless: boolean;
  enableJsonResponse: boolean;
  /** How 2026-07-28 answers are shaped (the SDK's `responseMode`). */
  responseMode: PerRequestResponseMode;
  allowQueryToken: boolean;
  body: BodyLimits;
  drainTimeoutMs: number;
  /** `WWW-Authenticate` realm: the resource type. */
  realm: string;
  /** `publicUrl` without a trailing slash. */
  publicUrl: string | undefined;
  /** Undefined when metrics are not served at all. */
  metrics: MetricsEndpoint | undefined;
  shutdownHooks: ShutdownHook[];
  /** Ids of new 2025-era sessions: `<replicaId>.<uuid>` with a `replicaId`, else a UUID. */
  sessionIdGenerator: () => string;
}

/** What every step of a request shares: settings, services and lifecycle state. */
export interface WrapperContext {
  readonly config: ServerWrapperConfig<unknown>;
  readonly settings: WrapperSettings;
  readonly logger: Logger;
  readonly guard: RequestGuard;
  /** The user's token bucket: in this process, or shared through Redis. */
  readonly limiter: UserRateLimiter;
  readonly metrics: McpAuthMetrics;
  readonly sessions: SessionManager<AnyTransport>;
  readonly inFlight: InFlightTracker;
  readonly state: { draining: boolean; boundAddress: WrappedServerAddress | undefined };
}

const MiB = 1024 * 1024;

/** Applies defaults and refuses invalid options with {@link ConfigurationError}. */
export function resolveSettings(config: ServerWrapperConfig<unknown>): WrapperSettings {
  if (!config || typeof config.serverFactory !== 'function') throw new ConfigurationError('serverFactory is required');
  if (!config.authProvider || typeof config.authProvider.authenticate !== 'function') throw new ConfigurationError('authProvider is required');
  if (!config.resourceType) throw new ConfigurationError('resourceType is required');
  if (!config.transport) throw new ConfigurationError('transport is required');
  if (config.transport.type !== 'http' && config.transport.type !== 'sse') {
    throw new ConfigurationError(`transport.type ${JSON.stringify(config.transport.type)} is not served over HTTP; use 'http' (or its alias 'sse')`);
  }
  const t = config.transport;
  const host = t.host ?? '127.0.0.1';
  const maxBytes = positive(config.maxBodyBytes, MiB, 'maxBodyBytes');
  const discardBytes = positive(config.maxBodyDiscardBytes, Math.max(16 * MiB, maxBytes), 'maxBodyDiscardBytes');
  if (discardBytes < maxBytes) throw new ConfigurationError('maxBodyDiscardBytes must not be below maxBodyBytes');
  return {
    name: config.name ?? 'mcp-auth-wrapped-server',
    version: config.version ?? '1.0.0',
    host,
    port: t.port ?? 3000,
    mcpPath: t.mcpPath ?? t.basePath ?? '/mcp',
    ssePath: t.ssePath ?? '/sse',
    messagesPath: t.messagesPath ?? '/messages',
    stateless: t.stateless ?? config.instanceMode === 'ephemeral',
    enableJsonResponse: t.enableJsonResponse ?? false,
    responseMode: t.responseMode ?? 'auto',
    allowQueryToken: t.allowQueryToken ?? false,
    body: { maxBytes, discardBytes, timeoutMs: positive(config.requestTimeoutMs, 30_000, 'requestTimeoutMs') },
    drainTimeoutMs: positive(config.drainTimeoutMs, 10_000, 'drainTimeoutMs'),
    realm: config.resourceType,
    publicUrl: config.publicUrl?.replace(/\/+$/, ''),
    metrics: metricsEndpoint(config, host),
    sessionIdGenerator: config.replicaId === undefined ? randomUUID : replicaSessionIdGenerator(config.replicaId),
    shutdownHooks: config.onShutdown === undefined ? [] : Array.isArray(config.onShutdown) ? config.onShutdown : [config.onShutdown],
  };
}

/**
 * `/metrics` tells how busy the service is and which tools are called: it is served on its own
 * listener (`metrics.port`), behind a token (`metrics.token`), or — with neither — on the main
 * listener only while that is bound to loopback.
 */
function metricsEndpoint(config: ServerWrapperConfig<unknown>, host: string): MetricsEndpoint | undefined {
  const m = config.metrics;
  if (m === false || m?.enabled === false) return undefined;
  const endpoint: MetricsEndpoint = { path: m?.path ?? '/metrics', token: m?.token || undefined, port: m?.port, host: m?.host ?? '127.0.0.1' };
  if (endpoint.token !== undefined && endpoint.token.length < 16) throw new ConfigurationError('metrics.token must be at least 16 characters');
  if (endpoint.port !== undefined && (!Number.isInteger(endpoint.port) || endpoint.port < 0 || endpoint.port > 65535)) {
    throw new ConfigurationError('metrics.port must be a port number');
  }
  if (endpoint.port === undefined && endpoint.token === undefined && !isLoopbackHost(host)) return undefined;
  return endpoint;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new ConfigurationError(`${name} must be a positive number`);
  return value;
}
