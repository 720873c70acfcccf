import type { IncomingMessage } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { errorMessage } from '@mcp-factory/shared-util';
import type { AuthSuccess } from '../auth/types';
import { ServerFactoryError } from '../errors';
import type { SessionReservation } from '../session/session-manager';
import { rejectAuth } from './admit';
import { fail, type Call } from './call';
import type { McpServerLike } from './config';
import type { WrapperContext } from './wrapper-context';

/** Resolves the access token and calls the factory; answers the error and returns undefined on failure. */
export async function createMcpServer(ctx: WrapperContext, call: Call, auth: AuthSuccess): Promise<McpServerLike | undefined> {
  let accessToken = auth.accessToken ?? '';
  const resolver = ctx.config.tokenResolver;
  try {
    if (resolver) {
      const resolved = await resolver.resolveToken(auth.userId, ctx.config.resourceType, auth);
      if (!resolved) {
        rejectAuth(ctx, call, 'ERR_AUTH_TOKEN_RESOLUTION', undefined, undefined);
        return undefined;
      }
      accessToken = resolved;
    }
  } catch (error) {
    ctx.logger.error('token resolver failed', { requestId: call.requestId, userId: auth.userId, error: errorMessage(error) });
    fail(ctx, call.res, new ServerFactoryError('Could not resolve the access token for this user', { cause: error }), call.requestId);
    return undefined;
  }
  try {
    return await ctx.config.serverFactory(accessToken, auth.userId, ctx.config.factoryOptions);
  } catch (error) {
    ctx.logger.error('server factory failed', { requestId: call.requestId, userId: auth.userId, error: errorMessage(error) });
    fail(ctx, call.res, new ServerFactoryError(undefined, { cause: error }), call.requestId);
    return undefined;
  }
}

/**
 * Takes a session slot for the user (answering 429/503 when the limits say no), then builds their
 * server; the slot is given back when the factory fails. Undefined means the answer is already sent.
 */
export async function reserveSessionServer(ctx: WrapperContext, call: Call, auth: AuthSuccess): Promise<{ reservation: SessionReservation; server: McpServerLike } | undefined> {
  let reservation: SessionReservation;
  try {
    reservation = ctx.sessions.reserve(auth.userId);
  } catch (error) {
    fail(ctx, call.res, error, call.requestId);
    return undefined;
  }
  const server = await createMcpServer(ctx, call, auth);
  if (!server) {
    reservation.release();
    return undefined;
  }
  return { reservation, server };
}

/** Hands the SDK the auth result so tool handlers see `extra.authInfo`. */
export function setAuthInfo(req: IncomingMessage, auth: AuthSuccess): void {
  const info: AuthInfo = {
    token: auth.accessToken ?? '',
    clientId: auth.userId,
    scopes: auth.scopes ?? [],
    expiresAt: auth.expiresAt,
    extra: { userId: auth.userId },
  };
  (req as IncomingMessage & { auth?: AuthInfo }).auth = info;
}

/** Runs `handler` after whatever `onclose` the transport already has. */
export function chainOnClose(transport: Transport, handler: () => void): void {
  const previous = transport.onclose;
  transport.onclose = () => {
    previous?.();
    handler();
  };
}
