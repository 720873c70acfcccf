import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import { isInitializeMessage, isRequestMessage, isResponseMessage, parseJsonRpcMessage, requestInfoOf } from './json-rpc';
import type { IncomingMessage } from 'node:http';

/** Inputs around every branch of the hand check; each must get the SDK schema's verdict and value. */
const CASES: unknown[] = [
  { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'x' } } },
  { jsonrpc: '2.0', id: 'a', method: 'tools/list' },
  { jsonrpc: '2.0', id: '', method: '' },
  { jsonrpc: '2.0', id: 0, method: 'ping', params: {} },
  { jsonrpc: '2.0', id: -5, method: 'ping' },
  { jsonrpc: '2.0', id: 1.5, method: 'ping' },
  { jsonrpc: '2.0', id: Number.MAX_SAFE_INTEGER + 2, method: 'ping' },
  { jsonrpc: '2.0', id: null, method: 'ping' },
  { jsonrpc: '2.0', id: true, method: 'ping' },
  { jsonrpc: '2.0', id: {}, method: 'ping' },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1, reason: 'r' } },
  { jsonrpc: '2.0', method: 'x', params: [] },
  { jsonrpc: '2.0', method: 'x', params: null },
  { jsonrpc: '2.0', method: 'x', params: 'p' },
  { jsonrpc: '2.0', id: 1, method: 'x', params: { _meta: { progressToken: 't' } } },
  { jsonrpc: '2.0', id: 1, method: 'x', params: { _meta: { progressToken: {} } } },
  { jsonrpc: '2.0', id: 1, method: 'x', params: { _meta: null } },
  { jsonrpc: '2.0', id: 1, method: 'x', extra: 1 },
  { jsonrpc: '2.0', method: 'x', __proto__: { polluted: true } },
  JSON.parse('{"jsonrpc":"2.0","method":"x","__proto__":{"a":1}}'),
  { jsonrpc: '1.0', id: 1, method: 'x' },
  { id: 1, method: 'x' },
  { jsonrpc: '2.0', id: 1, method: 5 },
  { jsonrpc: '2.0', id: 1, result: {} },
  { jsonrpc: '2.0', id: 1, result: { content: [] } },
  { jsonrpc: '2.0', id: 1, result: null },
  { jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'nope' } },
  { jsonrpc: '2.0', error: { code: -32700, message: 'parse' } },
  { jsonrpc: '2.0', id: 1, error: { code: 1.5, message: 'x' } },
  { jsonrpc: '2.0', id: 1, result: {}, error: { code: 1, message: 'x' } },
  { jsonrpc: '2.0' },
  [],
  null,
  'string',
  42,
];

describe('parseJsonRpcMessage', () => {
  it.each(CASES.map((c, i) => [i, c]))('case %i gets the same verdict and value as JSONRPCMessageSchema', (_i, input) => {
    const sdk = JSONRPCMessageSchema.safeParse(input);
    let ours: { ok: true; value: unknown } | { ok: false };
    try {
      ours = { ok: true, value: parseJsonRpcMessage(input) };
    } catch {
      ours = { ok: false };
    }
    expect(ours.ok).toBe(sdk.success);
    if (ours.ok && sdk.success) expect(ours.value).toEqual(sdk.data);
  });

  it('classifies requests, responses and initialize', () => {
    const req = parseJsonRpcMessage({ jsonrpc: '2.0', id: 1, method: 'ping' });
    const note = parseJsonRpcMessage({ jsonrpc: '2.0', method: 'notifications/initialized' });
    const res = parseJsonRpcMessage({ jsonrpc: '2.0', id: 1, result: {} });
    const err = parseJsonRpcMessage({ jsonrpc: '2.0', error: { code: 1, message: 'm' } });
    expect([req, note, res, err].map(isRequestMessage)).toEqual([true, false, false, false]);
    expect([req, note, res, err].map(isResponseMessage)).toEqual([false, false, true, true]);
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } } };
    expect(isInitializeMessage(parseJsonRpcMessage(init))).toBe(true);
    // A malformed initialize is not one, as for the SDK (it then needs a session like any request).
    expect(isInitializeMessage(parseJsonRpcMessage({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }))).toBe(false);
  });

  it('builds requestInfo.url only when read', () => {
    const req = { url: '/mcp?x=1', headers: { host: 'example.com:8080', a: 'b' }, socket: {} } as unknown as IncomingMessage;
    const info = requestInfoOf(req);
    expect(info.headers).toBe(req.headers);
    expect(info.url?.href).toBe('http://example.com:8080/mcp?x=1');
    expect(info.url).toBe(info.url);
    expect(JSON.parse(JSON.stringify(info))).toEqual({ headers: req.headers, url: 'http://example.com:8080/mcp?x=1' });
  });
});
