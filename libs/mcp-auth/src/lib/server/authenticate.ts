import { errorMessage } from '@mcp-factory/shared-util';
import { bearerFromHeaders } from '../auth/bearer-token';
import type { AuthSuccess, RequestContext } from '../auth/types';
import {
  InsufficientScopeError,
  TokenExpiredError,
  TokenInvalidError,
  TokenMissingError,
  TokenResolutionError,
  type AuthErrorCode,
  type McpAuthError,
} from '../errors';
import { wwwAuthenticate } from '../http/responses';
import { fail, type Call } from './call';
import { resourceMetadataUrl } from './protected-resource';
import type { WrapperContext } from './wrapper-context';

/**
 * Step 3 — authenticate every request, not only the one that opens a session: the bearer token from
 * `Authorization` (or `?access_token=` on the legacy SSE endpoints when enabled) goes to the
 * provider. Returns the verified identity (its `accessToken` defaults to the bearer token), or
 * answers 401/403 with the `WWW-Authenticate` challenge and returns undefined.
 */
export async function authenticate(ctx: WrapperContext, call: Call): Promise<AuthSuccess | undefined> {
  const { req, requestId } = call;
  let token = bearerFromHeaders(req.headers);
  if (!token && ctx.settings.allowQueryToken && call.door !== 'mcp' && call.query) {
    token = new URLSearchParams(call.query).get('access_token') ?? undefined;
  }
  const context: RequestContext = {
    headers: req.headers,
    bearerToken: token,
    transport: call.door === 'mcp' ? 'http' : 'sse',
    timestamp: new Date(),
    requestId,
  };
  let result;
  try {
    result = await ctx.config.authProvider.authenticate(context);
  } catch (error) {
    ctx.logger.error('auth provider threw', { requestId, error: errorMessage(error) });
    result = { authenticated: false as const, code: 'ERR_AUTH_TOKEN_INVALID' as const, error: 'Invalid token' };
  }
  if (!result.authenticated || !result.userId) {
    const failure = result.authenticated ? { code: 'ERR_AUTH_TOKEN_INVALID' as const, error: 'No user id' } : result;
    rejectAuth(ctx, call, failure.code ?? (token ? 'ERR_AUTH_TOKEN_INVALID' : 'ERR_AUTH_TOKEN_MISSING'), failure.error, 'requiredScopes' in failure ? failure.requiredScopes : undefined);
    return undefined;
  }
  return result.accessToken === undefined ? { ...result, accessToken: token } : result;
}

/** A 401/403 with its `WWW-Authenticate` challenge (RFC 6750 §3, RFC 9728 §5.1). */
export function rejectAuth(ctx: WrapperContext, call: Call, code: AuthErrorCode, description: string | undefined, requiredScopes: string[] | undefined): void {
  const scope = code === 'ERR_AUTH_INSUFFICIENT_SCOPE';
  ctx.metrics.authFailures.inc({ code });
  ctx.logger.warn('authentication failed', { requestId: call.requestId, code, door: call.door });
  const error = authError(code, description, requiredScopes);
  // RFC 6750 §3.1: a request without a usable token gets a bare challenge, no error code or description.
  const missing = code === 'ERR_AUTH_TOKEN_MISSING';
  fail(ctx, call, error, {
    'WWW-Authenticate': wwwAuthenticate({
      realm: ctx.settings.realm,
      error: missing ? undefined : scope ? 'insufficient_scope' : 'invalid_token',
      description: missing ? undefined : error.message,
      scope: scope && requiredScopes?.length ? requiredScopes.join(' ') : undefined,
      resourceMetadataUrl: resourceMetadataUrl(ctx, call.req),
    }),
  });
}

/** The typed error for a provider's failure code; the provider's free text never decides the status. */
function authError(code: AuthErrorCode, description: string | undefined, requiredScopes: string[] | undefined): McpAuthError {
  return (AUTH_ERRORS[code] ?? AUTH_ERRORS.ERR_AUTH_TOKEN_INVALID)(description, requiredScopes);
}

const AUTH_ERRORS: Record<AuthErrorCode, (message: string | undefined, scopes: string[] | undefined) => McpAuthError> = {
  ERR_AUTH_TOKEN_MISSING: (m) => new TokenMissingError(m),
  ERR_AUTH_TOKEN_INVALID: (m) => new TokenInvalidError(m),
  ERR_AUTH_TOKEN_EXPIRED: (m) => new TokenExpiredError(m),
  ERR_AUTH_INSUFFICIENT_SCOPE: (m, s) => new InsufficientScopeError(s ?? [], m),
  ERR_AUTH_TOKEN_RESOLUTION: (m) => new TokenResolutionError(m),
};
