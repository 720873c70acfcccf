// Peer: a minimal @modelcontextprotocol/server v2 server mounted the way its docs mount one on plain
// node:http (docs/serving/http.md): createMcpHandler(factory) → toNodeHandler, behind the localhost
// Host/Origin guards. The factory builds a v2 McpServer with the hello tool shape per request. No auth.
import { createServer } from 'node:http';
import { localhostHostValidation, localhostOriginValidation, toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { Started } from '../servers/main';
import { listenOnLoopback } from './listen';
import { echoInput, otherTools } from './hello-shape';

/** The hello tool shape on a v2 McpServer (zod schemas, as a v2 author writes them). */
export function buildV2HelloServer(): McpServer {
  const server = new McpServer({ name: 'bare-sdk-v2', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.registerTool('echo', { title: 'Echo', description: 'Returns the text you send, unchanged.', inputSchema: z.object(echoInput) }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  for (const tool of otherTools) {
    server.registerTool(tool.name, { description: tool.description, inputSchema: z.object(tool.input) }, async () => ({ content: [{ type: 'text', text: 'n/a' }] }));
  }
  return server;
}

export async function startSdkV2(): Promise<Started> {
  const handler = createMcpHandler(() => buildV2HelloServer());
  const node = toNodeHandler(handler);
  const validateHost = localhostHostValidation();
  const validateOrigin = localhostOriginValidation();
  const http = createServer((req, res) => {
    if (!validateHost(req, res) || !validateOrigin(req, res)) return;
    void node(req, res);
  });
  return listenOnLoopback(http, { beforeStop: () => handler.close() });
}
