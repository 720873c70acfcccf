import { SessionNotFoundError } from '../errors';
import { SseTransport } from '../transport/sse-transport';
import { admit } from './admit';
import { fail, NO_BODY, readBody, sessionFor, type Call } from './call';
import { instrumentTransport } from './in-flight';
import { chainOnClose, reserveSessionServer, setAuthInfo } from './server-instance';
import type { WrapperContext } from './wrapper-context';

/** `GET /sse`: admits the user and opens a legacy SSE session bound to them. */
export async function handleSseStream(ctx: WrapperContext, call: Call): Promise<void> {
  const auth = await admit(ctx, call);
  if (!auth) return;
  const opened = await reserveSessionServer(ctx, call, auth);
  if (!opened) return;
  const { reservation, server } = opened;
  const transport = new SseTransport(ctx.settings.messagesPath, call.res);
  const id = transport.sessionId;
  try {
    await server.connect(transport);
  } catch (error) {
    reservation.release();
    await server.close().catch(() => undefined);
    return fail(ctx, call.res, error, call.requestId);
  }
  const session = ctx.sessions.add(reservation, { id, userId: auth.userId, kind: 'sse', transport, server });
  ctx.metrics.sessionsCreated.inc({ transport: 'sse' });
  instrumentTransport(transport, ctx.inFlight, ctx.metrics, (delta) => {
    session.inFlight += delta;
  });
  chainOnClose(transport, () => {
    if (ctx.sessions.remove(id)) {
      ctx.logger.info('session closed', { userId: auth.userId, sessionId: id, reason: 'stream closed' });
      void server.close().catch(() => undefined);
    }
  });
  ctx.logger.info('session opened', { requestId: call.requestId, userId: auth.userId, sessionId: id, transport: 'sse' });
}

/** `POST /messages?sessionId=…`: one message into the user's own SSE session (another user's id → the same 404 as an unknown one). */
export async function handleSseMessage(ctx: WrapperContext, call: Call): Promise<void> {
  const auth = await admit(ctx, call);
  if (!auth) return;
  const sessionId = new URLSearchParams(call.query).get('sessionId');
  const session = sessionId ? sessionFor(ctx, sessionId, auth.userId, 'sse') : undefined;
  if (!session) return fail(ctx, call.res, new SessionNotFoundError(), call.requestId);
  const body = await readBody(ctx, call);
  if (body === NO_BODY) return;
  ctx.sessions.touch(session);
  setAuthInfo(call.req, auth);
  await (session.transport as SseTransport).handlePostMessage(call.req, call.res, body);
}
