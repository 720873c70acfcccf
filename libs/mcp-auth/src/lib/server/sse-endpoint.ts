import type { AuthSuccess } from '../auth/types';
import { SessionNotFoundError } from '../errors';
import { SseTransport } from '../transport/sse-transport';
import { fail, type Call } from './call';
import { instrumentTransport } from './in-flight';
import { chainOnClose, reserveSessionServer, sessionFor, setAuthInfo } from './server-instance';
import type { WrapperContext } from './wrapper-context';

/** Step 6, legacy SSE — `GET /sse`: opens a session bound to the user, served by our SSE transport (`sse-transport.ts`). */
export async function openSseStream(ctx: WrapperContext, call: Call, auth: AuthSuccess): Promise<void> {
  const opened = await reserveSessionServer(ctx, call, auth, { era: 'legacy', transport: 'sse', perRequest: false });
  if (!opened) return;
  const { reservation, server } = opened;
  const transport = new SseTransport(ctx.settings.messagesPath, call.res, ctx.settings.sessionIdGenerator());
  const id = transport.sessionId;
  try {
    await server.connect(transport);
  } catch (error) {
    reservation.release();
    await server.close().catch(() => undefined);
    return fail(ctx, call, error);
  }
  const session = ctx.sessions.add(reservation, { id, userId: auth.userId, kind: 'sse', transport, server });
  ctx.metrics.sessionsCreated.inc({ transport: 'sse' });
  instrumentTransport(transport, {
    tracker: ctx.inFlight,
    metrics: ctx.metrics,
    onCountChange: (delta) => ctx.sessions.countCall(session, delta),
  });
  chainOnClose(transport, () => {
    if (ctx.sessions.remove(id)) {
      ctx.logger.info('session closed', { userId: auth.userId, sessionId: id, reason: 'stream closed' });
      void server.close().catch(() => undefined);
    }
  });
  ctx.logger.info('session opened', { requestId: call.requestId, userId: auth.userId, sessionId: id, transport: 'sse' });
}

/** Step 6, legacy SSE — `POST /messages?sessionId=…`: one message into the user's own session (another user's id → the same 404 as an unknown one). */
export async function postSseMessage(ctx: WrapperContext, call: Call, auth: AuthSuccess, body: unknown): Promise<void> {
  const sessionId = new URLSearchParams(call.query).get('sessionId');
  const session = sessionId ? sessionFor(ctx, sessionId, auth.userId, 'sse') : undefined;
  if (!session) return fail(ctx, call, new SessionNotFoundError());
  ctx.sessions.touch(session);
  setAuthInfo(call.req, auth);
  await (session.transport as SseTransport).handlePostMessage(call.req, call.res, body);
}
