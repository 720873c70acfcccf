import { createTestServerFactory, modernRequest, rawRequest, signTestToken } from '../testing';
import { errorCode, healthy, INIT_BODY, MCP_HEADERS, openStream, PerTest, rawExchange, sleep } from './battery-helpers';

/*
 * Limits battery (issue 9, part 3): body size (declared and chunked), body deadline while other
 * users are served, header floods, sessions per user (also under concurrency) and the rate limit.
 */

const auth = async (sub: string) => ({ Authorization: `Bearer ${await signTestToken({ sub, scope: 'mcp' })}` });
const portOf = (url: string) => Number(new URL(url).port);

describe('battery: limits', () => {
  const t = new PerTest();
  afterEach(() => t.reset());
  const connect = (url: string, sub: string) => t.connect(url, sub);

  describe('body size (maxBodyBytes 16 KiB)', () => {
    const LIMIT = 16 * 1024;
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { pad: 'x'.repeat(4 * LIMIT) } });

    it('a declared Content-Length over the limit → 413 (the body is read and dropped first), no factory call', async () => {
      const fixture = createTestServerFactory();
      const server = await t.start(fixture, { maxBodyBytes: LIMIT });
      const res = await rawRequest(`${server.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, ...(await auth('alice')) }, body: big, timeoutMs: 3000 });
      expect(res.status).toBe(413);
      expect(errorCode(res)).toBe('ERR_BODY_TOO_LARGE');
      expect(res.headers['connection']).toBe('close'); // rawRequest asks for close; the server honours it
      expect(fixture.calls).toBe(0);
      expect(await healthy(server.url)).toBe(true);
    });

    it('a chunked body without a length that grows past the limit → 413, also inside a live session', async () => {
      const fixture = createTestServerFactory();
      const server = await t.start(fixture, { maxBodyBytes: LIMIT });
      const alice = await connect(server.url, 'alice');
      async function* chunks() {
        for (let i = 0; i < 8; i++) {
          yield 'y'.repeat(8 * 1024);
          await sleep(5);
        }
      }
      const sessionHeaders: Array<Record<string, string>> = [{}, { 'Mcp-Session-Id': alice.sessionId as string }];
      for (const sessionHeader of sessionHeaders) {
        const res = await rawRequest(`${server.url}/mcp`, {
          method: 'POST',
          headers: { ...MCP_HEADERS, ...(await auth('alice')), 'Transfer-Encoding': 'chunked', ...sessionHeader },
          body: chunks(),
          timeoutMs: 3000,
        });
        expect(res.status).toBe(413);
        expect(errorCode(res)).toBe('ERR_BODY_TOO_LARGE');
      }
      expect(fixture.calls).toBe(1);
      expect(await alice.callText('whoami')).toBe('alice');
    });
  });

  it('a body that never finishes → 408 within requestTimeoutMs while other users are served', async () => {
    const TIMEOUT = 1000;
    const server = await t.start(createTestServerFactory(), { requestTimeoutMs: TIMEOUT });
    const bob = await connect(server.url, 'bob');
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    async function* never() {
      yield '{"jsonrpc":"2.0","id":1,';
      await released; // hold the body open until the test is done with it
    }
    const started = Date.now();
    const slow = rawRequest(`${server.url}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, ...(await auth('alice')), 'Transfer-Encoding': 'chunked' },
      body: never(),
      timeoutMs: 5000,
    });
    // Meanwhile: bob's calls are answered promptly.
    const latencies: number[] = [];
    while (Date.now() - started < TIMEOUT - 200) {
      const t0 = Date.now();
      expect(await bob.callText('whoami')).toBe('bob');
      latencies.push(Date.now() - t0);
      await sleep(50);
    }
    const res = await slow;
    const elapsed = Date.now() - started;
    release();
    expect(res.status).toBe(408);
    expect(errorCode(res)).toBe('ERR_REQUEST_TIMEOUT');
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT - 50);
    expect(elapsed).toBeLessThan(TIMEOUT + 1500);
    expect(latencies.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...latencies)).toBeLessThan(500);
    expect(await bob.callText('whoami')).toBe('bob');
  });

  describe('header flood (node maxHeaderSize, 16 KiB)', () => {
    const floods: Array<[string, () => string]> = [
      ['one 20 KB header', () => `X-Flood: ${'h'.repeat(20 * 1024)}\r\n`],
      ['300 headers of 100 bytes', () => Array.from({ length: 300 }, (_, i) => `X-Flood-${i}: ${'h'.repeat(90)}\r\n`).join('')],
      ['5000 tiny headers', () => Array.from({ length: 5000 }, (_, i) => `X${i}: v\r\n`).join('')],
    ];
    it.each(floods)('%s → 431, the server stays up and keeps serving', async (_name, headers) => {
      const fixture = createTestServerFactory();
      const server = await t.start(fixture);
      const a = await auth('alice');
      const reply = await rawExchange(
        portOf(server.url),
        `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${a.Authorization}\r\nContent-Type: application/json\r\nContent-Length: ${INIT_BODY.length}\r\n${headers()}\r\n${INIT_BODY}`,
      );
      expect(reply.text).toMatch(/^HTTP\/1\.1 431 /);
      expect(fixture.calls).toBe(0);
      expect(await healthy(server.url)).toBe(true);
      const ok = await rawRequest(`${server.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, ...a }, body: INIT_BODY, timeoutMs: 3000 });
      expect(ok.status).toBe(200);
    });
  });

  describe('sessions per user (maxSessionsPerUser 3)', () => {
    const init = async (url: string, sub: string) =>
      rawRequest(`${url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, ...(await auth(sub)) }, body: INIT_BODY, timeoutMs: 3000 });

    it('8 concurrent initializes → exactly 3 sessions, 5 × 429 with a clear body; /sse counts too; others unaffected; DELETE frees a slot', async () => {
      const fixture = createTestServerFactory();
      const server = await t.start(fixture, { maxSessionsPerUser: 3 });
      const url = server.url;
      const results = await Promise.all(Array.from({ length: 8 }, () => init(url, 'alice')));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
      const refused = results.find((r) => r.status === 429);
      expect(errorCode(refused as (typeof results)[number])).toBe('ERR_SESSION_LIMIT_USER');
      expect((refused?.json as { error: { message: string } }).error.message).toBe('Too many sessions for this user (limit 3); close one or wait for idle eviction');
      expect(refused?.headers['retry-after']).toBeUndefined(); // a slot frees on close/eviction, not on a clock
      expect(fixture.calls).toBe(3);

      const sse = await openStream(`${url}/sse`, await auth('alice'));
      expect(sse.status).toBe(429);
      expect(JSON.parse(sse.body).error.data.code).toBe('ERR_SESSION_LIMIT_USER');
      expect((await init(url, 'bob')).status).toBe(200);
      expect(fixture.calls).toBe(4);

      const sessionId = String(results.find((r) => r.status === 200)?.headers['mcp-session-id']);
      const closed = await rawRequest(`${url}/mcp`, { method: 'DELETE', headers: { ...MCP_HEADERS, ...(await auth('alice')), 'Mcp-Session-Id': sessionId }, timeoutMs: 3000 });
      expect(closed.status).toBe(200);
      expect((await init(url, 'alice')).status).toBe(200);
      expect(server.wrapped.sessions.size).toBe(4);
    });
  });

  it('rate limit → 429 with a truthful Retry-After, per user, on /mcp (both eras) and /sse', async () => {
    // 4 requests per 4 s: a burst of 4, then one token every second.
    const server = await t.start(createTestServerFactory(), { rateLimit: { maxRequests: 4, windowMs: 4000 } });
    const url = server.url;
    const alice = await auth('alice');
    const get = () => rawRequest(`${url}/mcp`, { method: 'GET', headers: { ...MCP_HEADERS, ...alice }, timeoutMs: 3000 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get()).status);
    expect(statuses).toEqual([400, 400, 400, 400]); // admitted (then refused for lacking a session id)
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(errorCode(limited)).toBe('ERR_RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(4);
    const sse = await openStream(`${url}/sse`, alice);
    expect(sse.status).toBe(429);
    expect(sse.headers.get('retry-after')).not.toBeNull();
    const modern = modernRequest('tools/call', { name: 'whoami', arguments: {} });
    const modernLimited = await rawRequest(`${url}/mcp`, { method: 'POST', headers: { ...modern.headers, ...alice }, body: modern.body });
    expect([modernLimited.status, errorCode(modernLimited)]).toEqual([429, 'ERR_RATE_LIMITED']);
    // Unauthenticated noise is refused by auth, never charged to alice; bob has his own bucket.
    expect((await rawRequest(`${url}/mcp`, { method: 'GET', headers: MCP_HEADERS })).status).toBe(401);
    expect((await rawRequest(`${url}/mcp`, { method: 'GET', headers: { ...MCP_HEADERS, ...(await auth('bob')) } })).status).toBe(400);
    await sleep(retryAfter * 1000 + 50);
    expect((await get()).status).toBe(400);
  });

  it("honors a client's Connection: close even on the SDK's SSE responses (RFC 9112 §9.6)", async () => {
    const server = await t.start(createTestServerFactory());
    const a = await auth('alice');
    const reply = await rawExchange(
      portOf(server.url),
      `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${a.Authorization}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nConnection: close\r\nContent-Length: ${INIT_BODY.length}\r\n\r\n${INIT_BODY}`,
    );
    expect(reply.error).toBeUndefined(); // the server closed the connection (no timeout)
    expect(reply.text).toMatch(/^HTTP\/1\.1 200 /);
    const head = reply.text.slice(0, reply.text.indexOf('\r\n\r\n')).toLowerCase();
    expect(head).toContain('connection: close');
    expect(head).not.toContain('keep-alive');
    // Back-to-back requests that each say close (node's keep-alive agent) all succeed.
    for (let i = 0; i < 3; i++) {
      const res = await rawRequest(`${server.url}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, ...a }, body: INIT_BODY, timeoutMs: 3000 });
      expect(res.status).toBe(200);
    }
  });

  it("honors Connection: close on the SDK's 2026-07-28 event streams too (it answers with keep-alive)", async () => {
    const server = await t.start(createTestServerFactory(), { transport: { type: 'http', responseMode: 'sse' } });
    const a = await auth('alice');
    const { body, headers } = modernRequest('tools/call', { name: 'whoami', arguments: {} });
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
    const reply = await rawExchange(portOf(server.url), `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${a.Authorization}\r\n${lines}Connection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    expect(reply.error).toBeUndefined();
    expect(reply.text).toMatch(/^HTTP\/1\.1 200 /);
    const head = reply.text.slice(0, reply.text.indexOf('\r\n\r\n')).toLowerCase();
    expect(head).toContain('content-type: text/event-stream');
    expect(head).toContain('connection: close');
    expect(head).not.toContain('keep-alive');
    expect(reply.text).toContain('"text":"alice"');
  });
});
