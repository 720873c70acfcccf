import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorMessage } from '@mcp-factory/shared-util';
import { MethodNotAllowedError, NotReadyError, RouteNotFoundError } from '../errors';
import { sendJson } from '../http/responses';
import { fail } from './call';
import { serveMetrics } from './metrics-endpoint';
import { PROTECTED_RESOURCE_PATH, serveProtectedResource } from './protected-resource';
import { handleSseMessage, handleSseStream } from './sse-endpoint';
import { handleMcp } from './streamable-http-endpoint';
import type { WrapperContext } from './wrapper-context';

/**
 * The main listener's router: a request id, CORS, then one handler per path — the MCP endpoints
 * (which admit the request themselves), `/health`, `/ready`, `/metrics` when served here, and the
 * RFC 9728 document. A known path with the wrong method gets 405 with `Allow`.
 */
export async function routeRequest(ctx: WrapperContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q + 1);
  const method = req.method ?? 'GET';
  const incomingId = req.headers['x-request-id'];
  const requestId = typeof incomingId === 'string' && incomingId.length <= 128 && /^[\w.:-]+$/.test(incomingId) ? incomingId : randomUUID();
  res.setHeader('X-Request-Id', requestId);

  if (method === 'OPTIONS') return ctx.guard.preflight(req, res);
  ctx.guard.applyCors(req, res);
  const { settings, metrics } = ctx;

  if (path === settings.mcpPath) {
    metrics.requests.inc({ route: 'mcp', method });
    return handleMcp(ctx, { req, res, requestId, query, kind: 'streamable-http' });
  }
  if (path === settings.messagesPath) {
    metrics.requests.inc({ route: 'messages', method });
    if (method !== 'POST') return fail(ctx, res, new MethodNotAllowedError(['POST']), requestId);
    return handleSseMessage(ctx, { req, res, requestId, query, kind: 'sse' });
  }
  if (path === settings.ssePath) {
    metrics.requests.inc({ route: 'sse', method });
    if (method !== 'GET') return fail(ctx, res, new MethodNotAllowedError(['GET']), requestId);
    return handleSseStream(ctx, { req, res, requestId, query, kind: 'sse' });
  }
  if (method !== 'GET' && method !== 'HEAD') return fail(ctx, res, new RouteNotFoundError(), requestId);
  if (path === '/health') {
    metrics.requests.inc({ route: 'health', method });
    return sendJson(res, 200, { status: 'ok', name: settings.name, version: settings.version });
  }
  if (path === '/ready') {
    metrics.requests.inc({ route: 'ready', method });
    return handleReady(ctx, res, requestId);
  }
  if (settings.metrics && settings.metrics.port === undefined && path === settings.metrics.path) {
    metrics.requests.inc({ route: 'metrics', method });
    return serveMetrics(ctx, settings.metrics, req, res, requestId);
  }
  if (path === PROTECTED_RESOURCE_PATH || path === PROTECTED_RESOURCE_PATH + settings.mcpPath) {
    metrics.requests.inc({ route: 'protected-resource', method });
    return serveProtectedResource(ctx, req, res, requestId);
  }
  return fail(ctx, res, new RouteNotFoundError(), requestId);
}

async function handleReady(ctx: WrapperContext, res: ServerResponse, requestId: string): Promise<void> {
  if (ctx.state.draining) return fail(ctx, res, new NotReadyError('Draining'), requestId);
  try {
    await ctx.config.readinessCheck?.();
  } catch (error) {
    ctx.logger.warn('readiness check failed', { requestId, error: errorMessage(error) });
    return fail(ctx, res, new NotReadyError('Readiness check failed', { cause: error }), requestId);
  }
  sendJson(res, 200, { status: 'ready' });
}
