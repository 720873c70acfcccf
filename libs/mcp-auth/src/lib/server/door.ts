import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Call, Door } from './call';
import { serveServiceRoute } from './service-routes';
import type { WrapperContext } from './wrapper-context';

/**
 * Step 1 — the door. Gives the request its id (a sane `X-Request-Id` is kept, else a new UUID),
 * answers CORS preflights, adds CORS headers, and tells an MCP endpoint (`/mcp`, `/sse`, `/messages`)
 * from the service's own routes (`/health`, `/ready`, `/metrics`, RFC 9728), which it answers here.
 * Returns the call for an MCP endpoint, undefined once answered.
 */
export function enter(ctx: WrapperContext, req: IncomingMessage, res: ServerResponse): Call | undefined {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q + 1);
  const method = req.method ?? 'GET';
  const incomingId = req.headers['x-request-id'];
  const requestId = typeof incomingId === 'string' && incomingId.length <= 128 && /^[\w.:-]+$/.test(incomingId) ? incomingId : randomUUID();
  res.setHeader('X-Request-Id', requestId);

  if (method === 'OPTIONS') {
    ctx.guard.preflight(req, res);
    return undefined;
  }
  ctx.guard.applyCors(req, res);
  const door = doorOf(ctx, path);
  if (!door) {
    void serveServiceRoute(ctx, { req, res, requestId, path, method });
    return undefined;
  }
  ctx.metrics.requests.inc({ route: door, method });
  return { req, res, requestId, query, door, messageId: null };
}

function doorOf(ctx: WrapperContext, path: string): Door | undefined {
  const { mcpPath, ssePath, messagesPath } = ctx.settings;
  if (path === mcpPath) return 'mcp';
  if (path === messagesPath) return 'messages';
  if (path === ssePath) return 'sse';
  return undefined;
}
