import { isJsonContentType } from '@modelcontextprotocol/server';
import { UnsupportedMediaTypeError } from '../errors';
import { requestIdOf } from '../http/responses';
import { fail, NO_BODY, readBody, type Call } from './call';
import { eraOf } from './era';
import type { WrapperContext } from './wrapper-context';

/** Where a request goes after admission. */
export type Route =
  /** 2026-07-28 (a `_meta` envelope claim, or a malformed one): the SDK's `createMcpHandler`. */
  | { to: 'modern'; body: unknown }
  /** 2025-era Streamable HTTP: a session's transport, a new session, or a stateless POST (`body` undefined for GET/DELETE). */
  | { to: 'streamable-http'; body: unknown }
  /** Legacy SSE: open the event stream (`GET /sse`). */
  | { to: 'sse-stream' }
  /** Legacy SSE: one message into the stream's session (`POST /messages`). */
  | { to: 'sse-message'; body: unknown };

/**
 * Step 5 — route by era and transport. The legacy SSE paths are 2024-11-05 by definition. On `/mcp`
 * a POST must say JSON (415, as both SDK eras answer, before anything is read); its body is read once
 * (size and deadline: 413/408, not JSON: 400) and classified as the SDK's own
 * `classifyInboundRequest` does — the step `createMcpHandler` and `isLegacyRequest` run — so the two
 * never disagree (`era.ts`): `legacy` goes to the 2025-era transport, everything else (a modern claim,
 * or a body that is not JSON-RPC at all) to the modern handler, which owns those answers.
 * GET and DELETE carry no body and are 2025-era session operations. Answers and returns undefined when the request stops here.
 */
export async function route(ctx: WrapperContext, call: Call): Promise<Route | undefined> {
  if (call.door === 'sse') return { to: 'sse-stream' };
  if (call.door === 'messages') {
    const body = await readBody(ctx, call);
    if (body === NO_BODY) return undefined;
    call.messageId = requestIdOf(body);
    return { to: 'sse-message', body };
  }
  const { req } = call;
  if (req.method !== 'POST') return { to: 'streamable-http', body: undefined };
  if (!isJsonContentType(req.headers['content-type'])) {
    fail(ctx, call, new UnsupportedMediaTypeError());
    return undefined;
  }
  const body = await readBody(ctx, call);
  if (body === NO_BODY) return undefined;
  call.messageId = requestIdOf(body);
  const era = eraOf(req.headers, body);
  ctx.metrics.eraRequests.inc({ era });
  return era === 'legacy' ? { to: 'streamable-http', body } : { to: 'modern', body };
}
