import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorMessage } from '@mcp-factory/shared-util';
import { InternalError, isMcpAuthError, type McpAuthError } from '../errors';
import { readJsonBody } from '../http/read-body';
import { sendError, type JsonRpcId } from '../http/responses';
import type { SessionKind } from '../session/session-manager';
import type { WrapperContext } from './wrapper-context';

/** Which MCP endpoint a request came to: Streamable HTTP (`/mcp`), or the legacy SSE stream and message paths. */
export type Door = 'mcp' | 'sse' | 'messages';

/** One HTTP request to an MCP endpoint, as the steps pass it along. */
export interface Call {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  readonly query: string;
  readonly door: Door;
  /** The JSON-RPC id of the request in the body, once the body is read: error answers carry it. */
  messageId: JsonRpcId;
}

/** Where an error answer goes: a call, or a bare response (the metrics listener). */
export interface Answerable {
  readonly res: ServerResponse;
  readonly requestId: string | undefined;
  readonly messageId?: JsonRpcId;
}

/** The session family of a door: `/sse` and `/messages` are legacy SSE, `/mcp` Streamable HTTP. */
export function sessionKindOf(door: Door): SessionKind {
  return door === 'mcp' ? 'streamable-http' : 'sse';
}

/** Sends a typed error (unknown errors become `ERR_INTERNAL`, logged with the cause) and counts it. */
export function fail(ctx: WrapperContext, to: Answerable, error: unknown, headers?: Record<string, string>): void {
  let typed: McpAuthError;
  if (isMcpAuthError(error)) typed = error;
  else {
    ctx.logger.error('unexpected error', { requestId: to.requestId, error: errorMessage(error) });
    typed = new InternalError(undefined, { cause: error });
  }
  ctx.metrics.errors.inc({ code: typed.code });
  sendError(to.res, typed, headers, to.messageId ?? null);
}

/** Marks a body that could not be read; the answer has been sent. */
export const NO_BODY = Symbol('no body');

/**
 * The request's JSON body, or {@link NO_BODY} after answering 400/408/413. The connection is kept
 * only when the body was consumed to its end; otherwise the next bytes on it would be body, not a request.
 */
export async function readBody(ctx: WrapperContext, call: Call): Promise<unknown> {
  try {
    return await readJsonBody(call.req, call.res, ctx.settings.body);
  } catch (error) {
    if (!call.req.complete) call.res.setHeader('Connection', 'close');
    fail(ctx, call, error);
    return NO_BODY;
  }
}
