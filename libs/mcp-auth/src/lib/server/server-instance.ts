import type { IncomingMessage } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { errorMessage } from '@mcp-factory/shared-util';
import type { AuthSuccess } from '../auth/types';
import { ServerFactoryError } from '../errors';
import type { Session, SessionKind, SessionReservation } from '../session/session-manager';
import { rejectAuth } from './authenticate';
import { fail, type Call } from './call';
import type { McpServerLike, ServerFactoryContext } from './config';
import type { AnyTransport, WrapperContext } from './wrapper-context';

/*
 * Step 7 — the server behind a request: a session's (2025 era), or one built for a single request
 * (stateless 2025 POSTs and every 2026-07-28 request). The factory is the app's; these helpers give
 * it the resolved access token, the verified user and what the wrapper knows ({@link ServerFactoryContext}).
 */

/** The access token the factory receives: the resolver's answer, else the provider's. Answers 401/500 and returns undefined on failure. */
export async function resolveAccessToken(ctx: WrapperContext, call: Call, auth: AuthSuccess): Promise<string | undefined> {
  const resolver = ctx.config.tokenResolver;
  if (!resolver) return auth.accessToken ?? '';
  try {
    const resolved = await resolver.resolveToken(auth.userId, ctx.config.resourceType, auth);
    if (resolved) return resolved;
    rejectAuth(ctx, call, 'ERR_AUTH_TOKEN_RESOLUTION', undefined, undefined);
  } catch (error) {
    ctx.logger.error('token resolver failed', { requestId: call.requestId, userId: auth.userId, error: errorMessage(error) });
    fail(ctx, call, new ServerFactoryError('Could not resolve the access token for this user', { cause: error }));
  }
  return undefined;
}

/** Calls the app's factory; a throw is logged and rethrown as {@link ServerFactoryError}. */
export async function callFactory(ctx: WrapperContext, call: Call, auth: AuthSuccess, accessToken: string, context: ServerFactoryContext): Promise<McpServerLike> {
  try {
    return await ctx.config.serverFactory(accessToken, auth.userId, ctx.config.factoryOptions, context);
  } catch (error) {
    ctx.logger.error('server factory failed', { requestId: call.requestId, userId: auth.userId, era: context.era, error: errorMessage(error) });
    throw new ServerFactoryError(undefined, { cause: error });
  }
}

/** Resolves the access token and builds the user's server; answers the error and returns undefined on failure. */
export async function createMcpServer(ctx: WrapperContext, call: Call, auth: AuthSuccess, context: ServerFactoryContext): Promise<McpServerLike | undefined> {
  const accessToken = await resolveAccessToken(ctx, call, auth);
  if (accessToken === undefined) return undefined;
  try {
    return await callFactory(ctx, call, auth, accessToken, context);
  } catch (error) {
    fail(ctx, call, error);
    return undefined;
  }
}

/**
 * Takes a session slot for the user (answering 429/503 when the limits say no), then builds their
 * server; the slot is given back when the factory fails. Undefined means the answer is already sent.
 */
export async function reserveSessionServer(
  ctx: WrapperContext,
  call: Call,
  auth: AuthSuccess,
  context: ServerFactoryContext,
): Promise<{ reservation: SessionReservation; server: McpServerLike } | undefined> {
  const reservation = await reserveSlot(ctx, call, auth);
  if (!reservation) return undefined;
  const server = await createMcpServer(ctx, call, auth, context);
  if (!server) {
    reservation.release();
    return undefined;
  }
  return { reservation, server };
}

/**
 * One of the user's session slots (a session, or an open `subscriptions/listen` stream) — of this
 * process and, with shared state, of the whole service — or undefined after answering 429/503.
 */
export async function reserveSlot(ctx: WrapperContext, call: Call, auth: AuthSuccess): Promise<SessionReservation | undefined> {
  try {
    return await ctx.sessions.reserveShared(auth.userId);
  } catch (error) {
    fail(ctx, call, error);
    return undefined;
  }
}

/** The session if it exists, is of this kind and belongs to this user; otherwise undefined (→ the same 404 as an unknown id). */
export function sessionFor(ctx: WrapperContext, id: string, userId: string, kind: SessionKind): Session<AnyTransport> | undefined {
  const session = ctx.sessions.get(id);
  return session && session.userId === userId && session.kind === kind ? session : undefined;
}

/** The verified identity as the SDK hands it to tool handlers (`authInfo`): the token the factory got, the user as `clientId` and `extra.userId`. */
export function authInfoOf(auth: AuthSuccess): AuthInfo {
  return { token: auth.accessToken ?? '', clientId: auth.userId, scopes: auth.scopes ?? [], expiresAt: auth.expiresAt, extra: { userId: auth.userId } };
}

/** Hands a 2025-era transport the verified identity (`req.auth`, as the SDK's transports read it). */
export function setAuthInfo(req: IncomingMessage, auth: AuthSuccess): void {
  (req as IncomingMessage & { auth?: AuthInfo }).auth = authInfoOf(auth);
}

/** Runs `handler` after whatever `onclose` the transport already has. */
export function chainOnClose(transport: Transport, handler: () => void): void {
  const previous = transport.onclose;
  transport.onclose = () => {
    previous?.();
    handler();
  };
}
