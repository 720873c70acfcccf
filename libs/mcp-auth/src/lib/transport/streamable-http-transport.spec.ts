import { createServer, request, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { LoggingMessageNotificationSchema, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { rawRequest, type RawResponse } from '../testing/test-clients';
import { StreamableHttpTransport } from './streamable-http-transport';

type Kind = 'ours' | 'sdk';
type AnyTransport = StreamableHttpTransport | StreamableHTTPServerTransport;

interface Harness {
  url: string;
  server: McpServer | undefined;
  transport: AnyTransport | undefined;
  errors: Error[];
  close(): Promise<void>;
}

function buildMcpServer(): McpServer {
  const server = new McpServer({ name: 'transport-spec', version: '1.0.0' }, { capabilities: { logging: {}, tools: { listChanged: true } } });
  server.registerTool('echo', { description: 'echo', inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text', text }] }));
  server.registerTool('progress', { description: 'sends two progress notifications', inputSchema: {} }, async (_args, extra) => {
    const token = extra._meta?.progressToken;
    if (token !== undefined) {
      for (const progress of [1, 2]) {
        await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, total: 2 } });
      }
    }
    return { content: [{ type: 'text', text: 'done' }] };
  });
  return server;
}

/**
 * One node:http server with a single session (stateful) or a transport per POST (stateless), driving
 * either our transport or the SDK's, so both can be held to the same answers. Every request reaches
 * the transport, whatever its session header, to exercise the transport's own checks.
 */
async function startHarness(kind: Kind, options: { stateless?: boolean; json?: boolean }): Promise<Harness> {
  const h: Harness = { url: '', server: undefined, transport: undefined, errors: [], close: async () => undefined };
  const make = (): AnyTransport => {
    const settings = { sessionIdGenerator: options.stateless ? undefined : () => `sess-${kind}`, enableJsonResponse: options.json ?? false };
    const transport = kind === 'ours' ? new StreamableHttpTransport(settings) : new StreamableHTTPServerTransport(settings);
    return transport;
  };
  const http: HttpServer = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      let body: unknown;
      if (chunks.length) body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (!h.transport || options.stateless) {
        h.server = buildMcpServer();
        h.transport = make();
        await h.server.connect(h.transport);
        const onerror = h.transport.onerror;
        h.transport.onerror = (error) => {
          h.errors.push(error);
          onerror?.(error);
        };
      }
      await h.transport.handleRequest(req, res, body);
    })().catch((error) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  h.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
  h.close = async () => {
    await h.transport?.close().catch(() => undefined);
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  };
  return h;
}

const ACCEPT_BOTH = 'application/json, text/event-stream';
const init = (id: number | string = 1) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});
const call = (id: number, text = 'hi') => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: { text } } });

/**
 * A POST on a kept-alive connection: the SDK's SSE answers say `Connection: keep-alive` even to a
 * client that sent `Connection: close`, after which node refuses the next request on that socket.
 */
function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: ACCEPT_BOTH, Connection: 'keep-alive', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Opens a request whose response may never end (SSE); resolves on the response head. */
function openStream(url: string, method: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingMessage['headers']; body: () => string; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('error', () => undefined);
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: () => text, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

/** What must match between ours and the SDK: status, content type, body with the session id masked. */
function shape(res: RawResponse, sessionId: string | undefined): unknown {
  const contentType = String(res.headers['content-type'] ?? '').split(';')[0];
  const text = sessionId ? res.body.split(sessionId).join('<session>') : res.body;
  let body: unknown = text;
  if (contentType === 'application/json' && text) body = JSON.parse(text);
  if (contentType === 'text/event-stream') body = text.split('\n\n').filter(Boolean).map((e) => JSON.parse(e.slice(e.indexOf('data: ') + 6)));
  return { status: res.status, contentType, body, session: res.headers['mcp-session-id'] === undefined ? 'none' : 'set' };
}

describe('StreamableHttpTransport', () => {
  let harnesses: Harness[] = [];
  const start = async (kind: Kind, options: { stateless?: boolean; json?: boolean }) => {
    const h = await startHarness(kind, options);
    harnesses.push(h);
    return h;
  };
  afterEach(async () => {
    await Promise.all(harnesses.map((h) => h.close()));
    harnesses = [];
  });

  describe.each([
    ['JSON response mode', true],
    ['SSE response mode', false],
  ])('answers raw requests exactly as the SDK transport (stateful, %s)', (_name, json) => {
    /** A scripted conversation; each step's answer is compared between ours and the SDK. */
    async function script(kind: Kind): Promise<unknown[]> {
      const h = await start(kind, { json });
      const sid = `sess-${kind}`;
      const out: unknown[] = [];
      const s = (res: RawResponse) => out.push(shape(res, sid));
      const session = { 'mcp-session-id': sid };
      s(await post(h.url, init(), { Accept: 'application/json' })); // 406
      s(await post(h.url, init(), { Accept: 'text/event-stream' })); // 406
      s(await post(h.url, init(), { 'Content-Type': 'text/plain' })); // 415
      s(await post(h.url, init(), { 'Content-Type': 'text/plain; a=application/json' })); // 415
      s(await post(h.url, { hello: 'world' })); // 400 not JSON-RPC
      s(await post(h.url, Array.from({ length: 101 }, (_, i) => call(i)))); // 400 batch too large
      s(await post(h.url, call(1))); // 400 not initialized
      s(await post(h.url, [init(1), init(2)])); // 400 only one initialize
      s(await post(h.url, init(), { 'Content-Type': 'application/json; charset=utf-8' })); // 200
      s(await post(h.url, init(2), session)); // 400 already initialized
      s(await post(h.url, { jsonrpc: '2.0', method: 'notifications/initialized' })); // 400 header required
      s(await post(h.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': 'nope' })); // 404
      s(await post(h.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { ...session, 'mcp-protocol-version': '1999-01-01' })); // 400
      s(await post(h.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { ...session, 'mcp-protocol-version': '2025-11-25' })); // 202
      s(await post(h.url, [], session)); // 202 (empty batch)
      s(await post(h.url, call(3), session)); // 200
      s(await post(h.url, { ...call(4), id: 'string-id' }, session)); // 200
      s(await post(h.url, [call(5, 'a'), { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 99 } }, call(6, 'b')], session)); // batch
      s(await post(h.url, { jsonrpc: '2.0', id: 7, method: 'no/such/method' }, session)); // JSON-RPC error in a 200
      s(await post(h.url, { jsonrpc: '2.0', id: 8, method: 'tools/list', params: { _meta: { progressToken: 1 } } }, session)); // schema path
      s(await post(h.url, { jsonrpc: '2.0', id: 9, method: 'tools/list', extra: true }, session)); // strict schema → 400
      s(await rawRequest(h.url, { method: 'PUT', headers: { Accept: ACCEPT_BOTH } })); // 405
      s(await rawRequest(h.url, { method: 'GET', headers: { Accept: 'application/json', ...session } })); // 406
      s(await rawRequest(h.url, { method: 'GET', headers: { Accept: 'text/event-stream' } })); // 400
      s(await rawRequest(h.url, { method: 'DELETE', headers: { 'mcp-session-id': 'nope' } })); // 404
      s(await rawRequest(h.url, { method: 'DELETE', headers: { ...session, 'mcp-protocol-version': 'x' } })); // 400
      s(await rawRequest(h.url, { method: 'DELETE', headers: session })); // 200
      s(await post(h.url, call(10), session)); // 404 once closed
      return out;
    }

    it('matches status, content type and body at every step', async () => {
      const ours = await script('ours');
      const sdk = await script('sdk');
      expect(ours).toEqual(sdk);
      expect((ours as Array<{ status: number }>).map((r) => r.status)).toEqual([
        406, 406, 415, 415, 400, 400, 400, 400, 200, 400, 400, 404, 400, 202, 202, 200, 200, 200, 200, 200, 400, 405, 406, 400, 404, 400, 200, 404,
      ]);
    });
  });

  it('answers a stateless POST as the SDK does and refuses reuse', async () => {
    const answers: Record<Kind, unknown[]> = { ours: [], sdk: [] };
    for (const kind of ['ours', 'sdk'] as const) {
      const h = await start(kind, { stateless: true, json: true });
      answers[kind].push(shape(await post(h.url, init()), undefined));
      answers[kind].push(shape(await post(h.url, call(2)), undefined));
      answers[kind].push(shape(await post(h.url, call(3), { 'mcp-session-id': 'whatever' }), undefined));
      answers[kind].push(shape(await post(h.url, { jsonrpc: '2.0', method: 'notifications/initialized' }), undefined));
    }
    expect(answers.ours).toEqual(answers.sdk);
    const reused = new StreamableHttpTransport({ enableJsonResponse: true });
    const fakeRes = () => ({ headersSent: false, writableEnded: false, destroyed: false, writeHead: () => ({ end: () => undefined }) }) as unknown as ServerResponse;
    await expect(reused.handleRequest({ method: 'POST', headers: {} } as IncomingMessage, fakeRes(), init())).resolves.toBeUndefined();
    await expect(reused.handleRequest({ method: 'POST', headers: {} } as IncomingMessage, fakeRes(), init())).rejects.toThrow(
      'Stateless transport cannot be reused across requests',
    );
  });

  it('allows one standalone GET stream per session and delivers server notifications on it', async () => {
    const h = await start('ours', { json: true });
    await post(h.url, init());
    const headers = { Accept: 'text/event-stream', 'mcp-session-id': 'sess-ours' };
    const stream = await openStream(h.url, 'GET', headers);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream');
    expect(stream.headers['mcp-session-id']).toBe('sess-ours');
    const second = await rawRequest(h.url, { method: 'GET', headers });
    expect(second.status).toBe(409);
    expect(second.json).toEqual({ jsonrpc: '2.0', error: { code: -32000, message: 'Conflict: Only one SSE stream is allowed per session' }, id: null });
    h.server?.sendToolListChanged();
    await waitFor(() => stream.body().includes('notifications/tools/list_changed'));
    expect(stream.body()).toBe('event: message\ndata: {"method":"notifications/tools/list_changed","jsonrpc":"2.0"}\n\n');
    // Once the client leaves, a new stream may open.
    stream.close();
    await waitFor(async () => {
      const again = await openStream(h.url, 'GET', headers);
      again.close();
      return again.status === 200;
    });
  });

  it("honours a client's Connection: close on an SSE answer (the SDK's explicit keep-alive did not)", async () => {
    const h = await start('ours', { json: false });
    const res = await rawRequest(h.url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: ACCEPT_BOTH }, body: JSON.stringify(init()) });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(res.headers['connection']).toBe('close');
    const next = await rawRequest(h.url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: ACCEPT_BOTH, 'mcp-session-id': 'sess-ours' }, body: JSON.stringify(call(2)) });
    expect(next.status).toBe(200);
  });

  it('writes keep-alive comments on an idle SSE stream', async () => {
    const transport = new StreamableHttpTransport({ sessionIdGenerator: () => 'k', keepAliveMs: 20 });
    const server = buildMcpServer();
    await server.connect(transport);
    const http = createServer((req, res) => void transport.handleRequest(req, res, req.method === 'POST' ? init() : undefined));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
    try {
      await rawRequest(url, { method: 'POST', headers: { Accept: ACCEPT_BOTH, 'Content-Type': 'application/json' }, body: '{}' });
      const stream = await openStream(url, 'GET', { Accept: 'text/event-stream', 'mcp-session-id': 'k' });
      await waitFor(() => stream.body().includes(': keepalive\n\n'));
      stream.close();
    } finally {
      await transport.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    }
  });

  it('answers a JSON-mode POST still waiting when the session closes, instead of leaving it hanging', async () => {
    const transport = new StreamableHttpTransport({ sessionIdGenerator: () => 'c', enableJsonResponse: true });
    const server = new McpServer({ name: 'hang', version: '1' });
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    server.registerTool('hang', { inputSchema: {} }, async () => {
      entered();
      return new Promise(() => undefined);
    });
    await server.connect(transport);
    const bodies = [init(), { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'hang', arguments: {} } }];
    const http = createServer((req, res) => void transport.handleRequest(req, res, bodies.shift()));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
    try {
      await post(url, {});
      const pending = post(url, {}, { 'mcp-session-id': 'c' });
      await inside;
      await transport.close();
      const res = await pending;
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null });
    } finally {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    }
  });

  describe.each([
    ['JSON response mode', true],
    ['SSE response mode', false],
  ])('with the SDK client (%s)', (_name, json) => {
    it('initializes, lists and calls tools, gets notifications and terminates the session', async () => {
      const h = await start('ours', { json });
      const client = new Client({ name: 'spec', version: '1' });
      const transport = new StreamableHTTPClientTransport(new URL(h.url));
      await client.connect(transport);
      expect(transport.sessionId).toBe('sess-ours');
      expect(client.getServerVersion()).toEqual({ name: 'transport-spec', version: '1.0.0' });
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['echo', 'progress']);
      expect(await client.callTool({ name: 'echo', arguments: { text: 'héllo' } })).toEqual({ content: [{ type: 'text', text: 'héllo' }] });

      const progress: number[] = [];
      const done = await client.callTool({ name: 'progress', arguments: {} }, undefined, { onprogress: (p) => progress.push(p.progress) });
      expect(done).toEqual({ content: [{ type: 'text', text: 'done' }] });
      // Mid-call notifications ride the POST's SSE stream; a JSON response has nowhere to put them.
      expect(progress).toEqual(json ? [] : [1, 2]);

      // The client opened the standalone GET stream after initialize: server-initiated messages arrive.
      const logged = new Promise<string>((resolve) => client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => resolve(String(n.params.data))));
      const changed = new Promise<void>((resolve) => client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()));
      await waitFor(async () => {
        await h.server?.server.sendLoggingMessage({ level: 'info', data: 'ping' });
        return Promise.race([logged.then(() => true), sleep(50).then(() => false)]);
      });
      h.server?.sendToolListChanged();
      await changed;
      expect(await logged).toBe('ping');

      let closed = false;
      (h.transport as StreamableHttpTransport).onclose = ((previous) => () => {
        closed = true;
        previous?.();
      })((h.transport as StreamableHttpTransport).onclose);
      await transport.terminateSession();
      expect(closed).toBe(true);
      expect(h.errors).toEqual([]);
      await client.close();
    });
  });

  it('works stateless with the SDK client (no session id)', async () => {
    const h = await start('ours', { stateless: true, json: true });
    const client = new Client({ name: 'spec', version: '1' });
    const transport = new StreamableHTTPClientTransport(new URL(h.url));
    await client.connect(transport);
    expect(transport.sessionId).toBeUndefined();
    expect(await client.callTool({ name: 'echo', arguments: { text: 'x' } })).toEqual({ content: [{ type: 'text', text: 'x' }] });
    await client.close();
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}
