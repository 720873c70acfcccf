import { randomUUID } from 'node:crypto';
import type { AuthSuccess } from '../auth/types';
import { BadRequestError, MethodNotAllowedError, SessionNotFoundError } from '../errors';
import type { Session } from '../session/session-manager';
import { StreamableHttpTransport } from '../transport/streamable-http-transport';
import { admit } from './admit';
import { fail, NO_BODY, readBody, sessionFor, type Call } from './call';
import { instrumentTransport } from './in-flight';
import { chainOnClose, createMcpServer, reserveSessionServer, setAuthInfo } from './server-instance';
import type { AnyTransport, WrapperContext } from './wrapper-context';

const STATEFUL_METHODS = ['GET', 'POST', 'DELETE'];
/** Stateless servers have no stream to resume or session to delete (as the SDK's stateless example). */
const STATELESS_METHODS = ['POST'];

/**
 * `/mcp`: the method check, admission, then the session's transport (an `Mcp-Session-Id` of this
 * user), a fresh server per POST (stateless), or a new session (`initialize`).
 */
export async function handleMcp(ctx: WrapperContext, call: Call): Promise<void> {
  const { req, res, requestId } = call;
  const method = req.method ?? 'GET';
  if (!STATEFUL_METHODS.includes(method)) return fail(ctx, res, new MethodNotAllowedError(STATEFUL_METHODS), requestId);
  const auth = await admit(ctx, call);
  if (!auth) return;
  if (ctx.settings.stateless) {
    // As the SDK's stateless transport: an Mcp-Session-Id header means nothing here and is ignored.
    if (method !== 'POST') return fail(ctx, res, new MethodNotAllowedError(STATELESS_METHODS, 'Method not allowed in stateless mode'), requestId);
    const body = await readBody(ctx, call);
    if (body === NO_BODY) return;
    setAuthInfo(req, auth);
    return handleStateless(ctx, call, auth, body);
  }
  const header = req.headers['mcp-session-id'];
  const sessionId = Array.isArray(header) ? header[0] : header;
  if (sessionId !== undefined) {
    const session = sessionFor(ctx, sessionId, auth.userId, 'streamable-http');
    if (!session) return fail(ctx, res, new SessionNotFoundError(), requestId);
    const body = method === 'POST' ? await readBody(ctx, call) : undefined;
    if (body === NO_BODY) return;
    ctx.sessions.touch(session);
    setAuthInfo(req, auth);
    await (session.transport as StreamableHttpTransport).handleRequest(req, res, body);
    return;
  }
  if (method !== 'POST') return fail(ctx, res, new BadRequestError('Bad Request: Mcp-Session-Id header is required'), requestId);
  const body = await readBody(ctx, call);
  if (body === NO_BODY) return;
  setAuthInfo(req, auth);
  if (!isInitialize(body)) return fail(ctx, res, new BadRequestError('Bad Request: No valid session ID provided'), requestId);
  return openSession(ctx, call, auth, body);
}

async function handleStateless(ctx: WrapperContext, call: Call, auth: AuthSuccess, body: unknown): Promise<void> {
  const server = await createMcpServer(ctx, call, auth);
  if (!server) return;
  const transport = new StreamableHttpTransport({ sessionIdGenerator: undefined, enableJsonResponse: ctx.settings.enableJsonResponse });
  call.res.on('close', () => {
    // A response sent in full leaves nothing to cancel: the pair is simply dropped. Closing it anyway
    // costs a stack-traced McpError per request in the SDK (~4 % of a stateless call); only a client
    // that went away mid-call needs the close, which aborts the handler's signal.
    if (call.res.writableFinished) return;
    void transport.close().catch(() => undefined);
    void server.close().catch(() => undefined);
  });
  await server.connect(transport);
  instrumentTransport(transport, ctx.inFlight, ctx.metrics);
  await transport.handleRequest(call.req, call.res, body);
}

async function openSession(ctx: WrapperContext, call: Call, auth: AuthSuccess, body: unknown): Promise<void> {
  const opened = await reserveSessionServer(ctx, call, auth);
  if (!opened) return;
  const { reservation, server } = opened;
  let session: Session<AnyTransport> | undefined;
  const transport: StreamableHttpTransport = new StreamableHttpTransport({
    sessionIdGenerator: randomUUID,
    enableJsonResponse: ctx.settings.enableJsonResponse,
    onsessioninitialized: (id) => {
      session = ctx.sessions.add(reservation, { id, userId: auth.userId, kind: 'streamable-http', transport, server });
      ctx.metrics.sessionsCreated.inc({ transport: 'streamable-http' });
      ctx.logger.info('session opened', { requestId: call.requestId, userId: auth.userId, sessionId: id, transport: 'streamable-http' });
    },
  });
  await server.connect(transport);
  instrumentTransport(transport, ctx.inFlight, ctx.metrics, (delta) => {
    if (session) session.inFlight += delta;
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
