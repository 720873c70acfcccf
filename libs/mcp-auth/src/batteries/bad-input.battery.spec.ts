import { classifyInboundRequest } from '@modelcontextprotocol/server';
import fc from 'fast-check';
import { connectClient, createTestServerFactory, modernEnvelope, rawRequest, signTestToken, type ConnectedClient, type RawResponse, type TestServerFactory } from '../testing';
import { exposeGc, healthy, INIT_BODY, MCP_HEADERS, messagesOf, settledHeap, sleep, startWrapped, type StartedServer } from './battery-helpers';

/*
 * Bad input battery (issue 9, part 2): garbage JSON-RPC posted to /mcp with a valid token, with and
 * without a live session id. Invariants: no 5xx, every answer is a JSON-RPC error / 4xx / a valid
 * JSON-RPC response, /health keeps answering, another user's session keeps working meanwhile,
 * nothing stays in flight, the owner's session survives, and the heap settles back.
 */

const MAX_BODY = 64 * 1024;
/** Bound on heap growth across the fuzz run, after GC (test-owned note store cleared first). */
const HEAP_BOUND_BYTES = 32 * 1024 * 1024;
/** `BATTERY_RUNS=2000` for a longer local hunt; CI keeps the default. */
const FUZZ_RUNS = Number(process.env['BATTERY_RUNS'] ?? 150);
const FUZZ_TIME_LIMIT_MS = Math.max(12_000, FUZZ_RUNS * 40);

interface JsonRpcLike {
  jsonrpc?: unknown;
  id?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown };
}

/** True for a JSON-RPC 2.0 error object (`id` may be null). */
function isJsonRpcError(value: unknown): boolean {
  const m = value as JsonRpcLike | undefined;
  return !!m && m.jsonrpc === '2.0' && typeof m.error?.code === 'number' && typeof m.error?.message === 'string';
}

/** True for a JSON-RPC 2.0 response (result or error). */
function isJsonRpcResponse(value: unknown): boolean {
  const m = value as JsonRpcLike | undefined;
  return !!m && m.jsonrpc === '2.0' && ('result' in m ? m.id !== undefined : isJsonRpcError(m));
}

/** Describes why an answer breaks the contract, or undefined when it is fine. */
function contractViolation(res: RawResponse): string | undefined {
  if (res.status >= 500) return `server error ${res.status}: ${res.body.slice(0, 200)}`;
  if (res.status === 202) return res.body === '' ? undefined : 'non-empty 202';
  if (res.status >= 200 && res.status < 300) {
    try {
      const messages = messagesOf(res);
      if (messages.length === 0) return `200 without a JSON-RPC message: ${res.body.slice(0, 200)}`;
      return messages.every(isJsonRpcResponse) ? undefined : `malformed JSON-RPC in 200: ${res.body.slice(0, 200)}`;
    } catch {
      return `unparseable 200: ${res.body.slice(0, 200)}`;
    }
  }
  if (res.status >= 400 && res.status < 500) return isJsonRpcError(res.json) ? undefined : `4xx without a JSON-RPC error: ${res.status} ${res.body.slice(0, 200)}`;
  return `unexpected status ${res.status}`;
}

const nested = (depth: number, open: string, close: string, core = '0') => open.repeat(depth) + core + close.repeat(depth);
const call = (params: string, id = '7', method = 'tools/call') => `{"jsonrpc":"2.0","id":${id},"method":"${method}","params":${params}}`;

/** Hand-picked bad inputs; each row of BATTERIES.md's bad-input table is one of these. */
const CASES: Array<[string, () => string]> = [
  ['empty body', () => ''],
  ['not JSON', () => 'hello'],
  ['truncated JSON', () => '{"jsonrpc":"2.0","id":1,"method":"ping"'],
  ['JSON scalar', () => '42'],
  ['JSON null', () => 'null'],
  ['NUL bytes', () => '\u0000\u0000'],
  ['wrong jsonrpc version', () => '{"jsonrpc":"1.0","id":1,"method":"ping"}'],
  ['jsonrpc as a number', () => '{"jsonrpc":2,"id":1,"method":"ping"}'],
  ['no method, no result', () => '{"jsonrpc":"2.0","id":1}'],
  ['empty batch', () => '[]'],
  ['batch of 50 pings', () => JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ jsonrpc: '2.0', id: i + 1, method: 'ping' })))],
  ['batch mixing garbage and pings', () => '[1,"x",null,{"jsonrpc":"2.0","id":1,"method":"ping"}]'],
  ['huge numeric id', () => '{"jsonrpc":"2.0","id":123456789012345678901234567890123456789,"method":"ping"}'],
  ['id 1e308', () => '{"jsonrpc":"2.0","id":1e308,"method":"ping"}'],
  ['10 KB string id', () => `{"jsonrpc":"2.0","id":"${'i'.repeat(10_000)}","method":"ping"}`],
  ['object id', () => '{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}'],
  ['10k nested arrays in arguments', () => call(`{"name":"whoami","arguments":${nested(10_000, '[', ']')}}`)],
  ['10k nested objects in params', () => call(nested(10_000, '{"a":', '}'), '8', 'tools/list')],
  ['10k nested arrays as the id', () => `{"jsonrpc":"2.0","id":${nested(10_000, '[', ']')},"method":"ping"}`],
  ['unknown method', () => '{"jsonrpc":"2.0","id":1,"method":"admin/shutdown","params":{}}'],
  ['unknown tool', () => call('{"name":"rm -rf","arguments":{}}')],
  ['params as a string', () => '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":"whoami"}'],
  ['tool argument of the wrong type', () => call('{"name":"remember","arguments":{"note":{"$gt":""}}}')],
  ['__proto__ in params', () => call('{"name":"remember","arguments":{"__proto__":{"polluted":true},"note":"n"}}')],
  ['re-initialize', () => INIT_BODY],
  ['a bare JSON-RPC response', () => '{"jsonrpc":"2.0","id":999,"result":{}}'],
  ['a notification with garbage params', () => '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":[[[]]]}}'],
  ['string just under the body limit', () => call(`{"name":"remember","arguments":{"note":"${'n'.repeat(MAX_BODY - 200)}"}}`)],
  ['string just over the body limit', () => call(`{"name":"remember","arguments":{"note":"${'n'.repeat(MAX_BODY + 10)}"}}`)],
];

/** Random and mutated JSON-RPC bodies. */
function bodyArbitrary(): fc.Arbitrary<string> {
  const id = fc.oneof(
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 40 }),
    fc.constantFrom(null, true, [], {}, Number.MAX_SAFE_INTEGER, -0),
  );
  const method = fc.oneof(
    fc.constantFrom(
      'initialize',
      'ping',
      'tools/list',
      'tools/call',
      'resources/list',
      'resources/read',
      'prompts/get',
      'logging/setLevel',
      'completion/complete',
      'notifications/initialized',
      'notifications/cancelled',
      '',
    ),
    fc.string({ maxLength: 30 }),
  );
  const toolParams = fc.record({
    // No `slow`: a fuzzer-chosen wait would only measure the clock.
    name: fc.oneof(fc.constantFrom('whoami', 'remember', 'recall', 'nope', '__proto__', 'constructor'), fc.string({ maxLength: 10 })),
    arguments: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ note: fc.oneof(fc.string({ maxLength: 50 }), fc.jsonValue({ maxDepth: 2 })) })),
  });
  const message = fc.record(
    {
      jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('2.0'), fc.constantFrom('1.0', 2, null, '')),
      id,
      method,
      params: fc.oneof(toolParams, fc.jsonValue({ maxDepth: 3 })),
      result: fc.jsonValue({ maxDepth: 2 }),
    },
    { requiredKeys: ['jsonrpc'] },
  );
  // Envelopes the SDK accepts, so the fuzz also reaches method dispatch and tool validation.
  const wellFormed = fc.record({
    jsonrpc: fc.constant('2.0'),
    id: fc.integer({ min: 1, max: 1_000_000 }),
    method: fc.constantFrom('ping', 'tools/list', 'tools/call', 'resources/list', 'prompts/list', 'logging/setLevel', 'completion/complete', 'no/such'),
    params: fc.oneof(toolParams, fc.constant({}), fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })),
  });
  const structured = fc.oneof(
    message.map((m) => JSON.stringify(m)),
    wellFormed.map((m) => JSON.stringify(m)),
    wellFormed.map((m) => JSON.stringify(m)),
    fc.array(message, { maxLength: 6 }).map((ms) => JSON.stringify(ms)),
  );
  // Character-level mutations of a structured body: truncate, splice in junk, duplicate a slice.
  const mutated = fc.tuple(structured, fc.nat(), fc.nat(), fc.string({ maxLength: 8 })).map(([text, a, b, junk]) => {
    const i = text.length ? a % text.length : 0;
    const j = text.length ? b % text.length : 0;
    return [text.slice(0, i), text.slice(0, i) + junk + text.slice(i + 1), text + text.slice(Math.min(i, j), Math.max(i, j))][(a + b) % 3];
  });
  const deep = fc.tuple(fc.integer({ min: 500, max: 10_000 }), fc.constantFrom<[string, string]>(['[', ']'], ['{"a":', '}'])).map(([depth, [open, close]]) =>
    call(`{"name":"whoami","arguments":${nested(depth, open, close)}}`),
  );
  const nearLimit = fc.integer({ min: -300, max: 300 }).map((delta) => call(`{"name":"remember","arguments":{"note":"${'x'.repeat(MAX_BODY - 120 + delta)}"}}`));
  const junk = fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('{', '[', '"', '{}', '[{}]', '\u0000'));
  return fc.oneof(
    { arbitrary: structured, weight: 5 },
    { arbitrary: mutated, weight: 4 },
    { arbitrary: junk, weight: 2 },
    { arbitrary: deep, weight: 1 },
    { arbitrary: nearLimit, weight: 1 },
  );
}

/**
 * 2026-07-28 requests, mostly well formed, with the envelope and the standard headers broken now and
 * then: a missing or wrong envelope key, headers that disagree with the body, unknown methods and tools.
 */
function modernArbitrary(): fc.Arbitrary<{ body: string; headers: Record<string, string> }> {
  const method = fc.constantFrom('tools/call', 'tools/list', 'server/discover', 'ping', 'initialize', 'subscriptions/listen', 'no/such', 'resources/list');
  const envelope = fc.oneof(
    { arbitrary: fc.constant(modernEnvelope()), weight: 6 },
    { arbitrary: fc.constant({ 'io.modelcontextprotocol/protocolVersion': '2026-07-28' }), weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => modernEnvelope({ 'io.modelcontextprotocol/clientCapabilities': v })), weight: 1 },
    { arbitrary: fc.constantFrom('2025-11-25', '2099-01-01', '').map((v) => modernEnvelope({ 'io.modelcontextprotocol/protocolVersion': v })), weight: 1 },
  );
  const params = fc.record({
    name: fc.oneof(fc.constantFrom('whoami', 'echo', 'remember', 'nope', '__proto__'), fc.string({ maxLength: 10 })),
    arguments: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ text: fc.oneof(fc.string({ maxLength: 50 }), fc.jsonValue({ maxDepth: 2 })) })),
  });
  return fc
    .record({ id: fc.oneof(fc.integer(), fc.string({ maxLength: 20 })), method, params, envelope, headerMethod: fc.option(fc.constantFrom('tools/call', 'tools/list', 'ping')), headerVersion: fc.option(fc.constantFrom('2026-07-28', '2025-11-25', 'junk')) })
    .map(({ id, method, params, envelope, headerMethod, headerVersion }) => ({
      body: JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta: envelope } }),
      headers: {
        'MCP-Protocol-Version': headerVersion ?? '2026-07-28',
        'Mcp-Method': headerMethod ?? method,
        ...(typeof params.name === 'string' && /^[\x21-\x7e]*$/.test(params.name) && { 'Mcp-Name': params.name }),
      },
    }));
}

describe('battery: bad JSON-RPC input on /mcp', () => {
  let server: StartedServer;
  let fixture: TestServerFactory;
  let alice: ConnectedClient;
  let bob: ConnectedClient;
  let aliceToken: string;
  let stateless: StartedServer;
  let statelessFixture: TestServerFactory;

  beforeAll(async () => {
    fixture = createTestServerFactory();
    server = await startWrapped(fixture, { maxBodyBytes: MAX_BODY, rateLimit: { maxRequests: 100_000 }, maxSessionsPerUser: 25 });
    aliceToken = await signTestToken({ sub: 'alice', scope: 'mcp' });
    alice = await connectClient({ baseUrl: server.url, token: aliceToken, transport: 'streamable-http' });
    statelessFixture = createTestServerFactory();
    stateless = await startWrapped(statelessFixture, { maxBodyBytes: MAX_BODY, rateLimit: { maxRequests: 100_000 }, transport: { type: 'http', stateless: true } });
    bob = await connectClient({ baseUrl: server.url, token: await signTestToken({ sub: 'bob', scope: 'mcp' }), transport: 'streamable-http' });
  });
  afterAll(async () => {
    await alice?.close().catch(() => undefined);
    await bob?.close().catch(() => undefined);
    await server?.wrapped.stop();
    await stateless?.wrapped.stop();
  });

  const post = (body: string, sessionId?: string, base = server.url, extra: Record<string, string> = {}) =>
    rawRequest(`${base}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, Authorization: `Bearer ${aliceToken}`, ...(sessionId ? { 'Mcp-Session-Id': sessionId } : {}), ...extra },
      body,
      timeoutMs: 5000,
    });

  const targets: Array<[string, () => string | undefined, Record<string, string>]> = [
    ['without a session id', () => undefined, {}],
    ["into the owner's live session", () => alice.sessionId, {}],
    ['under 2026-07-28 headers', () => undefined, { 'MCP-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/call' }],
  ];
  describe.each(targets)('%s', (_where, session, headers) => {
    it.each(CASES)('%s', async (_name, body) => {
      const res = await post(body(), session(), server.url, headers);
      expect(contractViolation(res)).toBeUndefined();
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(await alice.callText('whoami')).toBe('alice');
    });
  });

  it(`fuzz: ${FUZZ_RUNS} random/mutated bodies; no 5xx, health, another user's session and the owner's session stay fine, heap settles`, async () => {
    const gc = exposeGc();
    await post('{}', alice.sessionId); // warm the code paths before the baseline
    const heapBefore = settledHeap(gc);

    let stop = false;
    const bobFailures: string[] = [];
    let bobCalls = 0;
    const bobLoop = (async () => {
      const deadline = Date.now() + FUZZ_TIME_LIMIT_MS + 5000;
      while (!stop && Date.now() < deadline && bobCalls < 5000) {
        try {
          const who = await bob.callText('whoami');
          if (who !== 'bob') bobFailures.push(`whoami → ${who}`);
        } catch (error) {
          bobFailures.push(String(error));
        }
        bobCalls += 1;
        await sleep(5);
      }
    })();

    const violations: string[] = [];
    let runs = 0;
    try {
      await fc.assert(
        // Mostly into alice's live session; also no id, an unknown id, and the stateless server.
        fc.asyncProperty(bodyArbitrary(), fc.constantFrom('none', 'live', 'live', 'live', 'bogus', 'stateless'), async (body, where) => {
          runs += 1;
          const sessionId = where === 'live' ? alice.sessionId : where === 'bogus' ? 'not-a-session' : undefined;
          const res = await post(body, sessionId, where === 'stateless' ? stateless.url : server.url);
          const violation = contractViolation(res);
          if (violation) violations.push(`${violation} ← ${body.slice(0, 120)}`);
          if (runs % 25 === 0 && !(await healthy(server.url))) violations.push(`/health failed after run ${runs}`);
          return violation === undefined;
        }),
        { numRuns: FUZZ_RUNS, interruptAfterTimeLimit: FUZZ_TIME_LIMIT_MS, markInterruptAsFailure: false, endOnFailure: true, seed: Number(process.env['BATTERY_SEED'] ?? Date.now() % 2 ** 31) },
      );
    } finally {
      stop = true;
      await bobLoop;
    }

    expect(violations).toEqual([]);
    expect(runs).toBeGreaterThanOrEqual(50);
    expect(await healthy(server.url)).toBe(true);
    expect(await healthy(stateless.url)).toBe(true);
    expect(bobFailures).toEqual([]);
    expect(bobCalls).toBeGreaterThan(10);
    expect(await alice.callText('whoami')).toBe('alice');
    // Every request the fuzzer started was answered: nothing is left counting as in flight.
    for (let i = 0; i < 40 && server.wrapped.inFlight.size + stateless.wrapped.inFlight.size > 0; i++) await sleep(25);
    expect(server.wrapped.inFlight.size).toBe(0);
    expect(stateless.wrapped.inFlight.size).toBe(0);

    fixture.store.clear(); // the notes the fuzzer stored are application data, not a leak
    const heapAfter = settledHeap(gc);
    expect(heapAfter - heapBefore).toBeLessThan(HEAP_BOUND_BYTES);
  }, FUZZ_TIME_LIMIT_MS + 28_000);

  it(`fuzz: ${FUZZ_RUNS} 2026-07-28 requests with broken envelopes and headers; no 5xx, every 2026-07-28 error carries its id, nothing stays in flight`, async () => {
    const violations: string[] = [];
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(modernArbitrary(), fc.boolean(), async ({ body, headers }, statelessTarget) => {
        runs += 1;
        const res = await post(body, undefined, statelessTarget ? stateless.url : server.url, headers);
        let violation = contractViolation(res);
        const message = JSON.parse(body) as { id: unknown };
        // What the SDK routes to 2026-07-28 serving must name its request in every error; the 2025-era
        // transport answers its own errors as the SDK 1.x transport does (id null).
        const sdk = classifyInboundRequest({ httpMethod: 'POST', protocolVersionHeader: headers['MCP-Protocol-Version'], mcpMethodHeader: headers['Mcp-Method'], mcpNameHeader: headers['Mcp-Name'], body: message });
        if (!violation && sdk.kind !== 'legacy' && res.status >= 400 && (res.json as { id?: unknown }).id !== message.id) {
          violation = `error without the request id ${JSON.stringify(message.id)}: ${res.body.slice(0, 200)}`;
        }
        if (violation) violations.push(`${violation} ← ${body.slice(0, 160)} ${JSON.stringify(headers)}`);
        return violation === undefined;
      }),
      { numRuns: FUZZ_RUNS, interruptAfterTimeLimit: FUZZ_TIME_LIMIT_MS, markInterruptAsFailure: false, endOnFailure: true, seed: Number(process.env['BATTERY_SEED'] ?? Date.now() % 2 ** 31) },
    );
    expect(violations).toEqual([]);
    expect(runs).toBeGreaterThanOrEqual(50);
    expect(await alice.callText('whoami')).toBe('alice');
    for (let i = 0; i < 40 && server.wrapped.inFlight.size + stateless.wrapped.inFlight.size > 0; i++) await sleep(25);
    expect(server.wrapped.inFlight.size + stateless.wrapped.inFlight.size).toBe(0);
  }, FUZZ_TIME_LIMIT_MS + 28_000);
});
