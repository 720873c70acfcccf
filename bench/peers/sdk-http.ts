// Peer: a bare @modelcontextprotocol/sdk server written the way the SDK's examples do
// (simpleStatelessStreamableHttp / simpleStreamableHttp / simpleSseServer), on node:http instead of
// express (express.json() replaced by a body read + JSON.parse). No authentication.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Started } from '../servers/main';
import { listenOnLoopback } from './listen';
import type { ServerSpec } from '../servers/spec';
import { peerGreetings, unverifiedSub, type PeerGreetings } from './greeting-sql';
import { echoInput, helloInput, listInput, otherTools } from './hello-shape';

/** With `greetings`, hello_computer and list_greetings run their statement; without, they answer 'n/a'. */
export function getServer(greetings?: PeerGreetings): McpServer {
  const server = new McpServer({ name: 'bare-sdk', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.registerTool('echo', { title: 'Echo', description: 'Returns the text you send, unchanged.', inputSchema: echoInput }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  if (greetings) {
    const user = (extra: { requestInfo?: { headers: Record<string, string | string[] | undefined> } }) => unverifiedSub(extra.requestInfo?.headers['authorization']);
    server.registerTool('hello_computer', { description: otherTools[0].description, inputSchema: helloInput }, async ({ name }, extra) => ({
      content: [{ type: 'text', text: await greetings.hello(user(extra), name) }],
    }));
    server.registerTool('list_greetings', { description: otherTools[1].description, inputSchema: listInput }, async ({ limit }, extra) => ({
      content: [{ type: 'text', text: await greetings.list(user(extra), limit) }],
    }));
    return server;
  }
  for (const tool of otherTools) {
    server.registerTool(tool.name, { description: tool.description, inputSchema: tool.input }, async () => ({ content: [{ type: 'text', text: 'n/a' }] }));
  }
  return server;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
}

export async function startSdk(spec: Extract<ServerSpec, { kind: 'sdk' }>): Promise<Started> {
  const greetings = spec.databaseUrl ? peerGreetings(spec.databaseUrl) : undefined;
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const sseTransports = new Map<string, SSEServerTransport>();
  const http = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/mcp' && spec.stateless) {
        if (req.method !== 'POST') {
          res.writeHead(405).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null }));
          return;
        }
        const body = await readJson(req);
        const server = getServer(greetings);
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: spec.enableJsonResponse });
        res.on('close', () => {
          void transport.close();
          void server.close();
        });
        await server.connect(transport);
        await transport.handleRequest(req, res, body);
        return;
      }
      if (url.pathname === '/mcp') {
        const sessionId = req.headers['mcp-session-id'] as string | undefined;
        const body = req.method === 'POST' ? await readJson(req) : undefined;
        let transport = sessionId ? transports.get(sessionId) : undefined;
        if (!transport) {
          if (sessionId || req.method !== 'POST' || !isInitializeRequest(body)) {
            res.writeHead(400).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Bad Request: No valid session ID provided' }, id: null }));
            return;
          }
          const created = new StreamableHTTPServerTransport({
            sessionIdGenerator: () => randomUUID(),
            enableJsonResponse: spec.enableJsonResponse,
            onsessioninitialized: (id) => {
              transports.set(id, created);
            },
          });
          created.onclose = () => {
            if (created.sessionId) transports.delete(created.sessionId);
          };
          await getServer().connect(created);
          transport = created;
        }
        await transport.handleRequest(req, res, body);
        return;
      }
      if (url.pathname === '/sse' && req.method === 'GET') {
        const transport = new SSEServerTransport('/messages', res);
        sseTransports.set(transport.sessionId, transport);
        res.on('close', () => sseTransports.delete(transport.sessionId));
        await getServer().connect(transport);
        return;
      }
      if (url.pathname === '/messages' && req.method === 'POST') {
        const transport = sseTransports.get(url.searchParams.get('sessionId') ?? '');
        if (!transport) {
          res.writeHead(404).end('Session not found');
          return;
        }
        await transport.handlePostMessage(req, res, await readJson(req));
        return;
      }
      res.writeHead(404).end();
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: String(error) }, id: null }));
    }
  });
  return listenOnLoopback(http, { sessions: () => transports.size + sseTransports.size, beforeStop: async () => greetings?.end() });
}
