import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { rawRequest } from '../testing/test-clients';
import { SseTransport } from './sse-transport';

type Kind = 'ours' | 'sdk';

function buildServer(): McpServer {
  const server = new McpServer({ name: 'sse-spec', version: '1.0.0' }, { capabilities: { logging: {} } });
  server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
  return server;
}

/** GET /sse opens a session, POST /messages?sessionId= feeds it; the body is read and parsed first. */
async function startHarness(kind: Kind) {
  const sessions = new Map<string, { transport: SseTransport | SSEServerTransport; server: McpServer }>();
  const http: HttpServer = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'GET' && url.pathname === '/sse') {
        const transport = kind === 'ours' ? new SseTransport('/messages', res) : new SSEServerTransport('/messages', res);
        const server = buildServer();
        sessions.set(transport.sessionId, { transport, server });
        await server.connect(transport);
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // The transport judges it.
      }
      const session = sessions.get(url.searchParams.get('sessionId') ?? '');
      if (!session) return void res.writeHead(404).end();
      await session.transport.handlePostMessage(req, res, body);
    })().catch(() => undefined);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    base,
    sessions,
    close: async () => {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

describe('SseTransport', () => {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.close()));
  });

  it('serves the SDK SSE client: connect, list, call, server notification, close', async () => {
    const h = await startHarness('ours');
    open.push(h);
    const client = new Client({ name: 'spec', version: '1' });
    await client.connect(new SSEClientTransport(new URL('/sse', h.base)));
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['echo']);
    expect(await client.callTool({ name: 'echo', arguments: { text: 'héllo' } })).toEqual({ content: [{ type: 'text', text: 'héllo' }] });
    const logged = new Promise<unknown>((resolve) => client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => resolve(n.params.data)));
    const [{ server, transport }] = [...h.sessions.values()];
    await server.server.sendLoggingMessage({ level: 'info', data: 'ping' });
    expect(await logged).toBe('ping');
    let closes = 0;
    const previous = transport.onclose;
    transport.onclose = () => {
      closes += 1;
      previous?.();
    };
    await client.close();
    await transport.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closes).toBe(1);
  });

  it('answers bad POSTs as the SDK transport does', async () => {
    const answers: Record<Kind, unknown[]> = { ours: [], sdk: [] };
    for (const kind of ['ours', 'sdk'] as const) {
      const h = await startHarness(kind);
      open.push(h);
      const client = new Client({ name: 'spec', version: '1' });
      await client.connect(new SSEClientTransport(new URL('/sse', h.base)));
      const [id] = h.sessions.keys();
      const url = `${h.base}/messages?sessionId=${id}`;
      for (const [contentType, body] of [
        ['text/plain', '{}'],
        ['', '{}'],
        ['application/json', '{"hello":1}'],
        ['application/json', '"not json-rpc"'],
        ['application/json; charset=utf-8', '{"jsonrpc":"2.0","method":"notifications/initialized"}'],
        ['application/json', '{"jsonrpc":"2.0","id":77,"method":"ping"}'],
      ]) {
        const headers: Record<string, string> = contentType ? { 'Content-Type': contentType } : {};
        const res = await rawRequest(url, { method: 'POST', headers, body });
        answers[kind].push({ status: res.status, body: res.body });
      }
      await client.close();
    }
    expect(answers.ours).toEqual(answers.sdk);
    expect((answers.ours as Array<{ status: number }>).map((a) => a.status)).toEqual([400, 400, 400, 400, 202, 202]);
  });
});
