import { classifyInboundRequest } from '@modelcontextprotocol/server';
import fc from 'fast-check';
import { modernEnvelope } from '../../testing';
import { eraOf } from './era';

/** What the SDK's classifier decides for the same request: `legacy` or not. */
function sdkEra(headers: Record<string, string>, body: unknown): 'legacy' | 'modern' {
  const outcome = classifyInboundRequest({
    httpMethod: 'POST',
    protocolVersionHeader: headers['mcp-protocol-version'],
    mcpMethodHeader: headers['mcp-method'],
    mcpNameHeader: headers['mcp-name'],
    body,
  });
  return outcome.kind === 'legacy' ? 'legacy' : 'modern';
}

const methods = fc.constantFrom('initialize', 'tools/call', 'tools/list', 'ping', 'server/discover', 'subscriptions/listen', 'notifications/initialized', 'notifications/cancelled', '');
const meta = fc.oneof(
  fc.constant(modernEnvelope()),
  fc.constant({ 'io.modelcontextprotocol/protocolVersion': '2026-07-28' }),
  fc.constantFrom('2025-11-25', '2099-01-01', '', 7).map((v) => modernEnvelope({ 'io.modelcontextprotocol/protocolVersion': v })),
  fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  fc.jsonValue({ maxDepth: 1 }),
);
const params = fc.oneof(
  fc.record({ name: fc.string({ maxLength: 8 }), arguments: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] }),
  fc.record({ name: fc.constant('echo'), _meta: meta }, { requiredKeys: ['_meta'] }),
  fc.record({ protocolVersion: fc.constantFrom('2025-11-25', '2026-07-28'), capabilities: fc.constant({}), clientInfo: fc.constant({ name: 'c', version: '1' }), _meta: meta }, { requiredKeys: ['protocolVersion'] }),
  fc.jsonValue({ maxDepth: 2 }),
);
const message = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('2.0'), fc.constant('2.0'), fc.constantFrom('1.0', 2, null)),
    id: fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constantFrom(null, 1.5, 2 ** 60, {}, [])),
    method: methods,
    params,
    result: fc.jsonValue({ maxDepth: 1 }),
    error: fc.record({ code: fc.integer(), message: fc.string({ maxLength: 8 }) }),
    extra: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
);
/** Well-formed requests and notifications: the shapes the shortcuts decide, so their edges get most runs. */
const wellFormed = fc.record({ jsonrpc: fc.constant('2.0'), id: fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), method: methods, params }, { requiredKeys: ['jsonrpc', 'method'] });
const bodies = fc.oneof({ arbitrary: wellFormed, weight: 8 }, { arbitrary: message, weight: 6 }, { arbitrary: fc.array(message, { maxLength: 3 }), weight: 1 }, { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 });
const headers = fc.record(
  {
    'mcp-protocol-version': fc.constantFrom('2025-11-25', '2025-06-18', '2024-11-05', '2026-07-28', '2099-01-01', 'junk'),
    'mcp-method': methods,
    'mcp-name': fc.constantFrom('echo', 'other'),
  },
  { requiredKeys: [] },
);

describe('eraOf: the SDK classifier’s routing verdict, with two shortcuts', () => {
  it('agrees with classifyInboundRequest on random bodies and headers', () => {
    fc.assert(
      fc.property(bodies, headers, (body, hdrs) => {
        expect({ body, hdrs, era: eraOf(hdrs, body) }).toEqual({ body, hdrs, era: sdkEra(hdrs, body) });
      }),
      { numRuns: 3000 },
    );
  });

  it.each<[string, 'legacy' | 'modern', Record<string, string>, unknown]>([
    ['a 2025 tools/call', 'legacy', {}, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: {} } }],
    ['a 2025 initialize with a 2025 header', 'legacy', { 'mcp-protocol-version': '2025-11-25' }, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25' } }],
    ['a 2025 notification', 'legacy', {}, { jsonrpc: '2.0', method: 'notifications/initialized' }],
    ['a 2026 tools/call', 'modern', { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'echo' }, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', _meta: modernEnvelope() } }],
    ['a 2026 header on a body without the envelope', 'modern', { 'mcp-protocol-version': '2026-07-28' }, { jsonrpc: '2.0', id: 1, method: 'tools/list' }],
    ['an initialize with a valid envelope', 'modern', {}, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { _meta: modernEnvelope() } }],
    ['an initialize with a broken envelope', 'legacy', {}, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } } }],
    ['a posted response', 'legacy', {}, { jsonrpc: '2.0', id: 1, result: {} }],
    ['not JSON-RPC', 'modern', {}, { jsonrpc: '1.0', id: 1, method: 'ping' }],
  ])('%s → %s', (_name, era, hdrs, body) => {
    expect([eraOf(hdrs, body), sdkEra(hdrs, body)]).toEqual([era, era]);
  });
});
