import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorMessage } from '@mcp-factory/shared-util';
import { NotReadyError, RouteNotFoundError } from '../errors';
import { sendJson } from '../http/responses';
import type { SharedStateHealth } from '../shared-state/shared-state';
import { fail } from './call';
import { serveMetrics } from './metrics-endpoint';
import { PROTECTED_RESOURCE_PATH, serveProtectedResource } from './protected-resource';
import type { WrapperContext } from './wrapper-context';

/** A request to one of the service's own routes. */
export interface ServiceRequest {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  path: string;
  method: string;
}

/**
 * The routes beside MCP, GET/HEAD only: `/health` (always 200 while the process serves), `/ready`
 * (the readiness check, 503 while draining; both report the shared state's Redis when there is one), `/metrics` when served on the main listener, and the
 * RFC 9728 document. Anything else is 404.
 */
export async function serveServiceRoute(ctx: WrapperContext, call: ServiceRequest): Promise<void> {
  const { settings, metrics } = ctx;
  const { req, res, requestId, path, method } = call;
  try {
    if (method !== 'GET' && method !== 'HEAD') return fail(ctx, call, new RouteNotFoundError());
    if (path === '/health') {
      metrics.requests.inc({ route: 'health', method });
      // Liveness never depends on Redis: its state is reported, the answer stays 200.
      const shared = await sharedStateDetails(ctx);
      return sendJson(res, 200, { status: 'ok', name: settings.name, version: settings.version, ...shared });
    }
    if (path === '/ready') {
      metrics.requests.inc({ route: 'ready', method });
      return await serveReady(ctx, call);
    }
    if (settings.metrics && settings.metrics.port === undefined && path === settings.metrics.path) {
      metrics.requests.inc({ route: 'metrics', method });
      return await serveMetrics(ctx, settings.metrics, req, res, requestId);
    }
    if (path === PROTECTED_RESOURCE_PATH || path === PROTECTED_RESOURCE_PATH + settings.mcpPath) {
      metrics.requests.inc({ route: 'protected-resource', method });
      return serveProtectedResource(ctx, req, res, requestId);
    }
    fail(ctx, call, new RouteNotFoundError());
  } catch (error) {
    fail(ctx, call, error);
  }
}

async function serveReady(ctx: WrapperContext, call: ServiceRequest): Promise<void> {
  if (ctx.state.draining) return fail(ctx, call, new NotReadyError('Draining'));
  try {
    await ctx.config.readinessCheck?.();
  } catch (error) {
    ctx.logger.warn('readiness check failed', { requestId: call.requestId, error: errorMessage(error) });
    return fail(ctx, call, new NotReadyError('Readiness check failed', { cause: error }));
  }
  // Redis down is not "not ready": every shared limit has a local fallback, and failing readiness
  // on it would take every replica out of the balancer at once (docs/scale-out.md).
  sendJson(call.res, 200, { status: 'ready', ...(await sharedStateDetails(ctx)) });
}

/**
 * `{ sharedState: { mode, redis, latencyMs?, degraded } }` when the service shares state, else nothing.
 * The probes answer anyone: the connection error (it may name an internal address) goes to the log only.
 */
async function sharedStateDetails(ctx: WrapperContext): Promise<{ sharedState?: Omit<SharedStateHealth, 'error'> }> {
  const shared = ctx.config.sharedState;
  if (!shared) return {};
  const { error, ...health } = await shared.health();
  if (error) ctx.logger.debug('redis check failed', { error });
  return { sharedState: health };
}
