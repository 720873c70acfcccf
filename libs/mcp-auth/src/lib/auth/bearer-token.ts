import type { IncomingHttpHeaders } from 'node:http';

/**
 * The token from `Authorization: Bearer <token>` (scheme case-insensitive), or undefined.
 * Any other scheme, an empty token or a token with whitespace counts as absent.
 */
export function bearerFromHeaders(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined> | undefined): string | undefined {
  const value = headers?.['authorization'];
  const header = Array.isArray(value) ? value[0] : value;
  if (!header || header.length < 8) return undefined;
  if (header.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  const token = header.slice(7).trim();
  return token && !/\s/.test(token) ? token : undefined;
}
