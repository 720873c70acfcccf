import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http/responses';
import { fail } from './call';
import type { WrapperContext } from './wrapper-context';

/** RFC 9728 §3: where the protected-resource metadata lives. */
export const PROTECTED_RESOURCE_PATH = '/.well-known/oauth-protected-resource';

/**
 * The base URL clients reach the service at: `publicUrl` when configured. Otherwise `http://<Host>`
 * only when the Host header was checked against an allow-list (the default on loopback), and else
 * the bound address — an unchecked Host is the client's word, and what it would put into the
 * metadata is exactly what a forged Host poisons a cache with.
 */
export function publicBase(ctx: WrapperContext, req: IncomingMessage): string {
  if (ctx.settings.publicUrl) return ctx.settings.publicUrl;
  const host = req.headers.host;
  if (ctx.guard.checksHost && host && /^[\w.\-:[\]]+$/.test(host)) return `http://${host}`;
  return ctx.state.boundAddress?.url ?? `http://${ctx.settings.host}:${ctx.settings.port}`;
}

/** `resource_metadata` of a `WWW-Authenticate` challenge. */
export function resourceMetadataUrl(ctx: WrapperContext, req: IncomingMessage): string {
  return publicBase(ctx, req) + PROTECTED_RESOURCE_PATH;
}

/**
 * Serves the RFC 9728 document. `authorization_servers` names the configured servers, by default the
 * issuers the auth provider accepts. Only a document built from `publicUrl` is publicly cacheable: one
 * built from the request's Host is `no-store`, so no shared cache keeps one client's Host for another.
 */
export function serveProtectedResource(ctx: WrapperContext, req: IncomingMessage, res: ServerResponse, requestId: string): void {
  try {
    ctx.guard.checkHost(req);
  } catch (error) {
    return fail(ctx, { res, requestId }, error);
  }
  const pr = ctx.config.protectedResource ?? {};
  const doc: Record<string, unknown> = {
    resource: pr.resource ?? publicBase(ctx, req) + ctx.settings.mcpPath,
    authorization_servers: pr.authorizationServers ?? [...(ctx.config.authProvider.authorizationServers ?? [])],
    bearer_methods_supported: ctx.settings.allowQueryToken ? ['header', 'query'] : ['header'],
    resource_name: pr.resourceName ?? ctx.config.resourceType,
  };
  if (pr.scopesSupported) doc['scopes_supported'] = pr.scopesSupported;
  if (pr.resourceDocumentation) doc['resource_documentation'] = pr.resourceDocumentation;
  const fixedUrls = ctx.settings.publicUrl !== undefined || pr.resource !== undefined;
  sendJson(res, 200, doc, { 'Cache-Control': fixedUrls ? 'public, max-age=3600' : 'no-store' });
}
