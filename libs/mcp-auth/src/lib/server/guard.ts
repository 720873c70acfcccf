import { MethodNotAllowedError, ShuttingDownError } from '../errors';
import { fail, readBody, type Call, type Door } from './call';
import type { WrapperContext } from './wrapper-context';

/** The methods each door serves; stateless `/mcp` has no stream to resume or session to delete (as the SDK's stateless example). */
function allowedMethods(ctx: WrapperContext, door: Door): string[] {
  if (door === 'sse') return ['GET'];
  if (door === 'messages') return ['POST'];
  return ctx.settings.stateless ? ['POST'] : ['GET', 'POST', 'DELETE'];
}

/**
 * Step 2 — the guard, before anyone is authenticated: refuses while draining (503), a method the
 * endpoint does not serve (405 with `Allow`), a `Host` or `Origin` outside the allow-lists (403, DNS
 * rebinding, both eras), and a declared `Content-Length` over `maxBodyBytes` (413 — the body is
 * dropped first, see `read-body.ts`). Answers and returns false when the request stops here.
 */
export async function guard(ctx: WrapperContext, call: Call): Promise<boolean> {
  const { req, res } = call;
  if (ctx.state.draining) {
    res.setHeader('Connection', 'close');
    fail(ctx, call, new ShuttingDownError());
    return false;
  }
  const allowed = allowedMethods(ctx, call.door);
  const method = req.method ?? 'GET';
  if (!allowed.includes(method)) {
    const stateless = ctx.settings.stateless && call.door === 'mcp' && (method === 'GET' || method === 'DELETE');
    fail(ctx, call, new MethodNotAllowedError(allowed, stateless ? 'Method not allowed in stateless mode' : undefined));
    return false;
  }
  try {
    ctx.guard.check(req);
  } catch (error) {
    fail(ctx, call, error);
    return false;
  }
  // A declared length over the limit is answered now; the body reader counts undeclared (chunked) ones.
  if (Number(req.headers['content-length']) > ctx.settings.body.maxBytes) {
    await readBody(ctx, call);
    return false;
  }
  return true;
}
