import type { ServerResponse } from 'node:http';
import { httpStatusForCode, MethodNotAllowedError, type McpAuthError, type McpAuthErrorCode } from '../errors';

/** JSON-RPC error codes used in bodies (the SDK uses -32000 for transport errors, -32001 for session not found). */
function jsonRpcCodeFor(code: McpAuthErrorCode): number {
  if (code === 'ERR_INVALID_BODY') return -32700;
  if (code === 'ERR_SESSION_NOT_FOUND') return -32001;
  if (code === 'ERR_INTERNAL' || code === 'ERR_SERVER_FACTORY') return -32603;
  return -32000;
}

/** A JSON-RPC request id (`null` when the request's id could not be read). */
export type JsonRpcId = string | number | null;

/**
 * Writes an error as a JSON-RPC error body (what MCP clients expect) carrying our typed code in
 * `error.data.code` and the id of the request it answers (`null` before the body was read, or when
 * the body holds no single request). Status comes from {@link httpStatusForCode}; a 405 carries `Allow`.
 */
export function sendError(res: ServerResponse, error: McpAuthError, headers?: Record<string, string>, id: JsonRpcId = null): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  const body = JSON.stringify({
    jsonrpc: '2.0',
    error: { code: jsonRpcCodeFor(error.code), message: error.message, data: { code: error.code } },
    id,
  });
  res.statusCode = httpStatusForCode(error.code);
  if (error instanceof MethodNotAllowedError) res.setHeader('Allow', error.allow.join(', '));
  if (headers) for (const name in headers) res.setHeader(name, headers[name]);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/**
 * The id an error about `body` answers: the body's `id` when it is a single JSON-RPC request with a
 * string or number id, else `null` (unreadable bodies, notifications, responses, batches).
 */
export function requestIdOf(body: unknown): JsonRpcId {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const { method, id } = body as { method?: unknown; id?: unknown };
  return typeof method === 'string' && (typeof id === 'string' || typeof id === 'number') ? id : null;
}

/** Writes a JSON document with the given status. */
export function sendJson(res: ServerResponse, status: number, value: unknown, headers?: Record<string, string>): void {
  const body = JSON.stringify(value);
  res.statusCode = status;
  if (headers) for (const name in headers) res.setHeader(name, headers[name]);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** Quotes a value for an auth-param (RFC 7235 quoted-string), dropping characters that cannot appear. */
function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&').replace(/[\r\n]/g, ' ')}"`;
}

/**
 * `WWW-Authenticate` for a 401/403, per RFC 6750 §3 and RFC 9728 §5.1:
 * `Bearer realm="…", error="invalid_token", error_description="…", resource_metadata="…"`.
 * Without `error` (no token was sent, RFC 6750 §3.1): `Bearer realm="…", resource_metadata="…"`.
 */
export function wwwAuthenticate(params: {
  realm: string;
  error?: 'invalid_token' | 'insufficient_scope';
  description?: string;
  scope?: string;
  resourceMetadataUrl?: string;
}): string {
  let value = `Bearer realm=${quote(params.realm)}`;
  if (params.error) value += `, error=${quote(params.error)}`;
  if (params.description) value += `, error_description=${quote(params.description)}`;
  if (params.scope) value += `, scope=${quote(params.scope)}`;
  if (params.resourceMetadataUrl) value += `, resource_metadata=${quote(params.resourceMetadataUrl)}`;
  return value;
}
