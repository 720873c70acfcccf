/** The 2026-07-28 revision. */
export const MODERN_PROTOCOL_VERSION = '2026-07-28';

/** The per-request `_meta` envelope a 2026-07-28 request carries (protocol version, client info, capabilities). */
export function modernEnvelope(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': MODERN_PROTOCOL_VERSION,
    'io.modelcontextprotocol/clientInfo': { name: 'raw-test-client', version: '1.0.0' },
    'io.modelcontextprotocol/clientCapabilities': {},
    ...overrides,
  };
}

/**
 * A raw 2026-07-28 request as a client sends it: the JSON-RPC body with the `_meta` envelope, and
 * the SEP-2243 standard headers that must agree with it (`MCP-Protocol-Version`, `Mcp-Method`, and
 * `Mcp-Name` for methods that name a tool, prompt or resource). `headers` overrides or adds headers.
 *
 * @example
 * const { body, headers } = modernRequest('tools/call', { name: 'echo', arguments: { text: 'hi' } });
 * await rawRequest(`${url}/mcp`, { method: 'POST', headers: { ...headers, Authorization: `Bearer ${token}` }, body });
 */
export function modernRequest(
  method: string,
  params: Record<string, unknown> = {},
  options: { id?: string | number; headers?: Record<string, string>; envelope?: Record<string, unknown> } = {},
): { body: string; headers: Record<string, string> } {
  const name = typeof params['name'] === 'string' ? params['name'] : typeof params['uri'] === 'string' ? params['uri'] : undefined;
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Accept: 'application/json, text/event-stream',
    'MCP-Protocol-Version': MODERN_PROTOCOL_VERSION,
    'Mcp-Method': method,
    ...(name !== undefined && { 'Mcp-Name': name }),
    ...options.headers,
  };
  const body = JSON.stringify({ jsonrpc: '2.0', id: options.id ?? 1, method, params: { ...params, _meta: options.envelope ?? modernEnvelope() } });
  return { body, headers };
}
