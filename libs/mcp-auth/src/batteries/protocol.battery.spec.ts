import { createMemoryLogger } from '@mcp-factory/shared-util';
import { createTestServerFactory, rawRequest, signTestToken, type RawResponse } from '../testing';
import { errorCode, eventually, healthy, INIT_BODY, MCP_HEADERS, messagesOf, PerTest, rawExchange } from './battery-helpers';

/*
 * Protocol battery (issue 14): what outside probes found where our HTTP layer differed from the SDK or
 * the specs — a cancelled call left in flight forever, the 413 lost to a broken pipe, a batch with
 * duplicate ids that never ended, 405 without `Allow`, stateless mode refusing a session header, and
 * a body with a UTF-8 byte order mark.
 */

const MiB = 1024 * 1024;
const auth = async (sub: string) => ({ Authorization: `Bearer ${await signTestToken({ sub, scope: 'mcp' })}` });
const portOf = (url: string) => Number(new URL(url).port);
const rpc = (id: number | string, method: string, params: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', id, method, params });
const slowCall = (id: number, ms: number) => rpc(id, 'tools/call', { name: 'slow', arguments: { ms } });
const cancel = (requestId: number) => ({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, reason: 'probe' } });
const idsOf = (res: RawResponse) => messagesOf(res).map((m) => (m as { id?: unknown }).id);

describe('battery: protocol', () => {
  const t = new PerTest();
  afterEach(() => t.reset());
  const connect = (url: string, sub: string) => t.connect(url, sub);
  const post = async (url: string, sub: string, body: unknown, sessionId?: string, extra: Record<string, string> = {}) =>
    rawRequest(`${url}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, ...(await auth(sub)), ...(sessionId ? { 'Mcp-Session-Id': sessionId } : {}), ...extra },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      timeoutMs: 10_000,
    });

  describe('notifications/cancelled', () => {
    it('a batch [call, cancel] ends its stream, frees the in-flight slot, and the idle session is evicted and its slot reused', async () => {
      // Idle long enough that a busy machine does not evict the session between the client's initialize and initialized.
      const server = await t.start(createTestServerFactory(), { sessionIdleTimeoutMs: 1500, sessionSweepIntervalMs: 50, maxSessionsPerUser: 1 });
      const { url, wrapped } = server;
      const alice = await connect(url, 'alice');
      const res = await post(url, 'alice', [slowCall(5, 60_000), cancel(5)], alice.sessionId);
      expect(res.status).toBe(200);
      expect(idsOf(res)).toEqual([]); // a cancelled request gets no response, and its stream still ends
      expect(await eventually(() => wrapped.inFlight.size === 0, 5000)).toBe(true);
      expect(await eventually(() => wrapped.sessions.size === 0, 15_000)).toBe(true);
      // The evicted session no longer counts toward the user's cap.
      expect((await post(url, 'alice', INIT_BODY)).status).toBe(200);
    }, 30_000);

    it("an SDK client's abort (the cancel in a POST of its own) leaves nothing in flight, and stop() does not wait the drain timeout", async () => {
      const { logger, entries } = createMemoryLogger();
      const server = await t.start(createTestServerFactory(), { drainTimeoutMs: 60_000, logger });
      const { url, wrapped } = server;
      const alice = await connect(url, 'alice');
      const controller = new AbortController();
      const call = alice.client.callTool({ name: 'slow', arguments: { ms: 60_000 } }, undefined, { signal: controller.signal }).catch((e: Error) => e);
      expect(await eventually(() => wrapped.inFlight.size === 1, 5000)).toBe(true);
      controller.abort('user gave up');
      expect(await call).toBeInstanceOf(Error);
      expect(await eventually(() => wrapped.inFlight.size === 0, 5000)).toBe(true);
      await wrapped.stop();
      expect(entries.map((e) => e.message)).not.toContain('drain timeout: closing sessions with calls in flight');
      expect(entries).toContainEqual(expect.objectContaining({ message: 'mcp-auth server stopped', drained: true }));
    }, 30_000);
  });

  describe('oversized bodies', () => {
    it('20 POSTs of 5 MiB (declared and chunked) from a client that reads only after uploading all get the 413', async () => {
      const fixture = createTestServerFactory();
      const server = await t.start(fixture); // maxBodyBytes: the default 1 MiB
      const a = await auth('alice');
      const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { pad: 'x'.repeat(5 * MiB) } });
      const head = `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${a.Authorization}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nConnection: close\r\n`;
      const declared = `${head}Content-Length: ${Buffer.byteLength(big)}\r\n\r\n${big}`;
      let chunked = `${head}Transfer-Encoding: chunked\r\n\r\n`;
      for (let at = 0; at < big.length; at += 256 * 1024) {
        const piece = big.slice(at, at + 256 * 1024);
        chunked += `${piece.length.toString(16)}\r\n${piece}\r\n`;
      }
      chunked += '0\r\n\r\n';
      const outcomes: string[] = [];
      for (let i = 0; i < 20; i++) {
        const reply = await rawExchange(portOf(server.url), i % 2 === 0 ? declared : chunked, 20_000, true);
        outcomes.push(reply.text ? `${reply.text.slice(0, reply.text.indexOf('\r\n'))} ${/ERR_\w+/.exec(reply.text)?.[0]}` : String(reply.error));
      }
      expect(outcomes).toEqual(Array.from({ length: 20 }, () => 'HTTP/1.1 413 Payload Too Large ERR_BODY_TOO_LARGE'));
      expect(fixture.calls).toBe(0);
      expect(await healthy(server.url)).toBe(true);
    }, 120_000);

    it('beyond the discard cap the 413 closes the connection, and the server keeps serving', async () => {
      const server = await t.start(createTestServerFactory(), { maxBodyBytes: 16 * 1024, maxBodyDiscardBytes: 64 * 1024 });
      const body = JSON.stringify({ pad: 'x'.repeat(MiB) });
      const outcome = await rawRequest(`${server.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, ...(await auth('alice')) }, body, timeoutMs: 10_000 }).then(
        (r) => `${r.status} ${r.headers['connection']}`,
        (e: NodeJS.ErrnoException) => e.code ?? e.message,
      );
      // Either the client read the 413 before the socket closed, or the close cut its upload short.
      expect(outcome).toMatch(/^(413 close|EPIPE|ECONNRESET)$/);
      expect(await healthy(server.url)).toBe(true);
    }, 30_000);

    it('Expect: 100-continue with an oversized Content-Length gets the 413 at once, never a 100 Continue', async () => {
      const server = await t.start(createTestServerFactory(), { maxBodyBytes: 16 * 1024 });
      const a = await auth('alice');
      const reply = await rawExchange(
        portOf(server.url),
        `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${a.Authorization}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nExpect: 100-continue\r\nContent-Length: ${5 * MiB}\r\n\r\n`,
      );
      expect(reply.text).toMatch(/^HTTP\/1\.1 413 /);
      expect(reply.text).not.toContain('100 Continue');
    });
  });

  describe('batches', () => {
    it.each([
      ['an SSE stream', false],
      ['a JSON body', true],
    ])('duplicate ids are each answered (%s) and the POST ends', async (_mode, enableJsonResponse) => {
      const server = await t.start(createTestServerFactory(), { transport: { type: 'http', enableJsonResponse } });
      const alice = await connect(server.url, 'alice');
      const res = await post(server.url, 'alice', [rpc(10, 'ping'), rpc(10, 'ping'), rpc(11, 'ping')], alice.sessionId);
      expect(res.status).toBe(200);
      expect(idsOf(res).sort()).toEqual([10, 10, 11]);
    }, 30_000);

    it('an id still pending in another POST of the session is refused in its own answer; both POSTs end', async () => {
      const server = await t.start(createTestServerFactory());
      const { url } = server;
      const alice = await connect(url, 'alice');
      const first = post(url, 'alice', slowCall(7, 60_000), alice.sessionId);
      expect(await eventually(() => server.wrapped.inFlight.size === 1, 5000)).toBe(true);
      const second = await post(url, 'alice', rpc(7, 'ping'), alice.sessionId);
      expect(second.status).toBe(200);
      expect(messagesOf(second)).toEqual([{ jsonrpc: '2.0', id: 7, error: { code: -32600, message: 'Invalid Request: id 7 is already in use by a pending request' } }]);
      expect((await post(url, 'alice', cancel(7), alice.sessionId)).status).toBe(202);
      const ended = await first;
      expect(ended.status).toBe(200);
      expect(idsOf(ended)).toEqual([]);
    }, 30_000);
  });

  describe('405 carries Allow (RFC 9110 §15.5.6)', () => {
    const cases: Array<[string, string, boolean, string]> = [
      ['PUT', '/mcp', false, 'GET, POST, DELETE'],
      ['TRACE', '/mcp', false, 'GET, POST, DELETE'],
      ['POST', '/sse', false, 'GET'],
      ['GET', '/messages', false, 'POST'],
      ['GET', '/mcp', true, 'POST'],
      ['DELETE', '/mcp', true, 'POST'],
    ];
    it.each(cases)('%s %s (stateless: %s) → 405, Allow: %s', async (method, path, stateless, allow) => {
      const server = await t.start(createTestServerFactory(), { transport: { type: 'http', stateless } });
      const res = await rawRequest(`${server.url}${path}`, { method, headers: { ...MCP_HEADERS, ...(await auth('alice')) }, timeoutMs: 5000 });
      expect(res.status).toBe(405);
      expect(res.headers['allow']).toBe(allow);
      expect(errorCode(res)).toBe('ERR_METHOD_NOT_ALLOWED');
    });
  });

  it('stateless mode ignores an Mcp-Session-Id header, as the SDK transport does', async () => {
    const server = await t.start(createTestServerFactory(), { transport: { type: 'http', stateless: true, enableJsonResponse: true } });
    const res = await post(server.url, 'alice', rpc(3, 'tools/call', { name: 'whoami', arguments: {} }), 'any-session-id');
    expect(res.status).toBe(200);
    expect(messagesOf(res)).toEqual([{ jsonrpc: '2.0', id: 3, result: { content: [{ type: 'text', text: 'alice' }] } }]);
  });

  it('a body starting with a UTF-8 byte order mark is read as JSON (as the SDK reads it)', async () => {
    const server = await t.start(createTestServerFactory());
    const { url } = server;
    const opened = await post(url, 'alice', `\uFEFF${INIT_BODY}`);
    expect(opened.status).toBe(200);
    const sessionId = String(opened.headers['mcp-session-id']);
    const ping = await post(url, 'alice', `\uFEFF${JSON.stringify(rpc(2, 'ping'))}`, sessionId);
    expect(ping.status).toBe(200);
    expect(idsOf(ping)).toEqual([2]);
  });
});
