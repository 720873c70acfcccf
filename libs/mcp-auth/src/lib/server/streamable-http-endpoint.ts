import type { AuthSuccess } from '../auth/types';
import { BadRequestError, SessionNotFoundError } from '../errors';
import type { Session } from '../session/session-manager';
import { StreamableHttpTransport } from '../transport/streamable-http-transport';
import { fail, type Call } from './call';
import { instrumentTransport } from './in-flight';
import { chainOnClose, createMcpServer, reserveSessionServer, sessionFor, setAuthInfo } from './server-instance';
import type { AnyTransport, WrapperContext } from './wrapper-context';

/**
 * Step 6, 2025 era on `/mcp` — our Streamable HTTP transport (`streamable-http-transport.ts`):
 * a fresh server per POST when stateless, else the user's session (its `Mcp-Session-Id`), or a new
 * session for an `initialize`. `body` is undefined for GET and DELETE.
 */
export async function serveStreamableHttp(ctx: WrapperContext, call: Call, auth: AuthSuccess, body: unknown): Promise<void> {
  const { req, res } = call;
  setAuthInfo(req, auth);
  // As the SDK's stateless transport: an Mcp-Session-Id header means nothing here and is ignored.
  if (ctx.settings.stateless) return serveStateless(ctx, call, auth, body);
  const header = req.headers['mcp-session-id'];
  const sessionId = Array.isArray(header) ? header[0] : header;
  if (sessionId !== undefined) {
    const session = sessionFor(ctx, sessionId, auth.userId, 'streamable-http');
    if (!session) return fail(ctx, call, new SessionNotFoundError());
    ctx.sessions.touch(session);
    await (session.transport as StreamableHttpTransport).handleRequest(req, res, body);
    return;
  }
  if (req.method !== 'POST') return fail(ctx, call, new BadRequestError('Bad Request: Mcp-Session-Id header is required'));
  if (!isInitialize(body)) return fail(ctx, call, new BadRequestError('Bad Request: No valid session ID provided'));
  return openSession(ctx, call, auth, body);
}

async function serveStateless(ctx: WrapperContext, call: Call, auth: AuthSuccess, body: unknown): Promise<void> {
  const server = await createMcpServer(ctx, call, auth, { era: 'legacy', transport: 'streamable-http', perRequest: true });
  if (!server) return;
  const transport = new StreamableHttpTransport({ sessionIdGenerator: undefined, enableJsonResponse: ctx.settings.enableJsonResponse });
  call.res.on('close', () => {
    // A response sent in full leaves nothing to cancel: the pair is simply dropped. Closing it anyway
    // costs a stack-traced error per request in the SDK (~4 % of a stateless call); only a client
    // that went away mid-call needs the close, which aborts the handler's signal.
    if (call.res.writableFinished) return;
    void transport.close().catch(() => undefined);
    void server.close().catch(() => undefined);
  });
  await server.connect(transport);
  instrumentTransport(transport, { tracker: ctx.inFlight, metrics: ctx.metrics });
  await transport.handleRequest(call.req, call.res, body);
}

async function openSession(ctx: WrapperContext, call: Call, auth: AuthSuccess, body: unknown): Promise<void> {
  const opened = await reserveSessionServer(ctx, call, auth, { era: 'legacy', transport: 'streamable-http', perRequest: false });
  if (!opened) return;
  const { reservation, server } = opened;
  let session: Session<AnyTransport> | undefined;
  const transport: StreamableHttpTransport = new StreamableHttpTransport({
    sessionIdGenerator: ctx.settings.sessionIdGenerator,
    enableJsonResponse: ctx.settings.enableJsonResponse,
    onsessioninitialized: (id) => {
      session = ctx.sessions.add(reservation, { id, userId: auth.userId, kind: 'streamable-http', transport, server });
      ctx.metrics.sessionsCreated.inc({ transport: 'streamable-http' });
      ctx.logger.info('session opened', { requestId: call.requestId, userId: auth.userId, sessionId: id, transport: 'streamable-http' });
    },
  });
  await server.connect(transport);
  instrumentTransport(transport, {
    tracker: ctx.inFlight,
    metrics: ctx.metrics,
    onCountChange: (delta) => {
      if (session) ctx.sessions.countCall(session, delta);
    },
  });
  chainOnClose(transport, () => {
    // Only when the client ended it: a close by the manager has already removed and closed it.
    if (transport.sessionId && ctx.sessions.remove(transport.sessionId)) {
      ctx.logger.info('session closed', { userId: auth.userId, sessionId: transport.sessionId, reason: 'transport closed' });
      void server.close().catch(() => undefined);
    }
  });
  try {
    await transport.handleRequest(call.req, call.res, body);
  } finally {
    if (!session) {
      // The initialize was rejected (bad params, protocol version): nothing to keep.
      reservation.release();
      await server.close().catch(() => undefined);
    }
  }
}

function isInitialize(body: unknown): boolean {
  const first = Array.isArray(body) ? body[0] : body;
  return typeof first === 'object' && first !== null && (first as { method?: unknown }).method === 'initialize';
}
