// Ours on the 2026-07-28 path: wrapServer (JWT HS256 verified on every request) with a v2 server
// factory — the peer's very factory (`same`: only the serving path differs), a low-level v2 Server
// over a tool list built once (`lean`: what a factory like createServer does), or the mcp-auth
// test factory (`test`: six tools on a v2 McpServer). core-factory is not involved.
import { JWTAuthProvider, wrapServer, type MCPServerFactory } from '@mcp-factory/mcp-auth';
import { createTestServerFactory } from '@mcp-factory/mcp-auth/testing';
import { ProtocolError, ProtocolErrorCode, Server, type Tool } from '@modelcontextprotocol/server';
import { buildV2HelloServer } from '../peers/sdk-v2-http';
import type { Started } from './main';
import { BENCH_JWT, type ServerSpec } from './spec';

const TOOLS: Tool[] = [
  { name: 'echo', title: 'Echo', description: 'Returns the text you send, unchanged.', inputSchema: { type: 'object' as const, properties: { text: { type: 'string', maxLength: 10_000 } }, required: ['text'] } },
  { name: 'hello_computer', description: 'Greets you by name', inputSchema: { type: 'object' as const, properties: { name: { type: 'string', minLength: 1, maxLength: 200 } } } },
  { name: 'list_greetings', description: 'Lists the greetings', inputSchema: { type: 'object' as const, properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 } } } },
];

/** A low-level v2 Server whose tool list is built once per process, as a compiled registry would be. */
function buildLeanServer(): Server {
  const server = new Server({ name: 'mcp-factory-bench', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler('tools/list', () => ({ tools: TOOLS }));
  server.setRequestHandler('tools/call', (request) => {
    const text = request.params.arguments?.['text'];
    if (request.params.name !== 'echo' || typeof text !== 'string') throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool or arguments: ${request.params.name}`);
    return { content: [{ type: 'text', text }] };
  });
  return server;
}

export async function startOursModern(spec: Extract<ServerSpec, { kind: 'ours-modern' }>): Promise<Started> {
  const factories: Record<typeof spec.factory, MCPServerFactory> = {
    same: () => buildV2HelloServer(),
    lean: () => buildLeanServer(),
    test: createTestServerFactory().factory,
  };
  const wrapped = wrapServer({
    serverFactory: factories[spec.factory],
    authProvider: new JWTAuthProvider({ jwtSecret: BENCH_JWT.secret, issuer: BENCH_JWT.issuer, audience: BENCH_JWT.audience }),
    resourceType: 'mcp-factory',
    transport: { type: 'http', port: 0, host: '127.0.0.1', stateless: true },
    rateLimit: false,
  });
  const { url } = await wrapped.start();
  return { url, sessions: () => wrapped.sessions.size, stop: () => wrapped.stop() };
}
