import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorMessage } from '@mcp-factory/shared-util';
import { InternalError, isMcpAuthError, type McpAuthError } from '../errors';
import { readJsonBody } from '../http/read-body';
import { sendError } from '../http/responses';
import type { Session, SessionKind } from '../session/session-manager';
import type { AnyTransport, WrapperContext } from './wrapper-context';

/** One HTTP request as the steps pass it along. */
export interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  query: string;
  kind: SessionKind;
}

/** Sends a typed error (unknown errors become `ERR_INTERNAL`, logged with the cause) and counts it. */
export function fail(ctx: WrapperContext, res: ServerResponse, error: unknown, requestId: string | undefined, headers?: Record<string, string>): void {
  let typed: McpAuthError;
  if (isMcpAuthError(error)) typed = error;
  else {
    ctx.logger.error('unexpected error', { requestId, error: errorMessage(error) });
    typed = new InternalError(undefined, { cause: error });
  }
  ctx.metrics.errors.inc({ code: typed.code });
  sendError(res, typed, headers);
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
    fail(ctx, call.res, error, call.requestId);
    return NO_BODY;
  }
}

/** The session if it exists, is of this kind and belongs to this user; otherwise undefined (→ identical 404). */
export function sessionFor(ctx: WrapperContext, id: string, userId: string, kind: SessionKind): Session<AnyTransport> | undefined {
  const session = ctx.sessions.get(id);
  return session && session.userId === userId && session.kind === kind ? session : undefined;
}
