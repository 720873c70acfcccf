import { fromJsonSchema, McpServer, Server } from '@modelcontextprotocol/server';
import { JWTAuthProvider } from '../auth/jwt-auth-provider';
import { modernRequest, rawRequest, signTestToken, TEST_AUDIENCE, TEST_ISSUER, TEST_JWT_SECRET } from '../../testing';
import { paramHeaderDeclarations } from './param-headers';
import { wrapServer, type AuthenticatedServerWrapper } from './wrap-server';

/*
 * SEP-2243 `Mcp-Param-*` checks, differential: the same 2026-07-28 requests go to a wrapper whose
 * factory returns an SDK `McpServer` (the SDK checks the headers itself) and to one whose factory
 * returns a low-level `Server` with `toolInputSchema` (our param-headers.ts checks them). Status,
 * JSON-RPC code and the header named in `data.mismatch` must agree, request by request.
 */

const SCHEMA = {
  type: 'object',
  properties: {
    region: { type: 'string', 'x-mcp-header': 'Region' },
    count: { type: 'integer', 'x-mcp-header': 'Count' },
    flag: { type: 'boolean', 'x-mcp-header': 'Flag' },
    place: { type: 'object', properties: { zone: { type: 'string', 'x-mcp-header': 'Zone' } } },
    note: { type: 'string' },
  },
} as const;
const TOOL = 'route';
const ok = { content: [{ type: 'text' as const, text: 'routed' }] };
const b64 = (text: string) => `=?base64?${Buffer.from(text, 'utf8').toString('base64')}?=`;

function sdkServer(): McpServer {
  const server = new McpServer({ name: 'sdk', version: '1.0.0' });
  server.registerTool(TOOL, { description: 'routes', inputSchema: fromJsonSchema(SCHEMA) }, async () => ok);
  return server;
}

function lowLevelServer(): Server {
  const server = new Server({ name: 'ours', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler('tools/list', async () => ({ tools: [{ name: TOOL, inputSchema: SCHEMA as never }] }));
  server.setRequestHandler('tools/call', async () => ok);
  return server;
}

/** [what it shows, arguments, Mcp-Param-* headers] */
const CASES: Array<[string, Record<string, unknown>, Record<string, string>]> = [
  ['all headers match', { region: 'eu-west', count: 3, flag: true, place: { zone: 'a' } }, { 'Mcp-Param-Region': 'eu-west', 'Mcp-Param-Count': '3', 'Mcp-Param-Flag': 'true', 'Mcp-Param-Zone': 'a' }],
  ['no marked argument, no header', { note: 'x' }, {}],
  ['a header without its argument is ignored', { note: 'x' }, { 'Mcp-Param-Region': 'anything' }],
  ['null argument needs no header', { region: null }, {}],
  ['missing header', { region: 'eu-west' }, {}],
  ['header disagrees', { region: 'eu-west' }, { 'Mcp-Param-Region': 'us-east' }],
  ['header name is case-insensitive', { region: 'eu-west' }, { 'mcp-param-region': 'eu-west' }],
  ['value is case-sensitive', { region: 'eu-west' }, { 'Mcp-Param-Region': 'EU-WEST' }],
  ['Base64 sentinel decodes', { region: 'zürich' }, { 'Mcp-Param-Region': b64('zürich') }],
  ['Base64 of another value', { region: 'zürich' }, { 'Mcp-Param-Region': b64('basel') }],
  ['non-canonical Base64', { region: 'x' }, { 'Mcp-Param-Region': '=?base64?eA?=' }],
  ['Base64 that is not UTF-8', { region: 'x' }, { 'Mcp-Param-Region': '=?base64?/w==?=' }],
  ['integer compared as a number', { count: 42 }, { 'Mcp-Param-Count': '42.0' }],
  ['integer mismatch', { count: 42 }, { 'Mcp-Param-Count': '41' }],
  ['boolean as lowercase text', { flag: false }, { 'Mcp-Param-Flag': 'false' }],
  ['boolean in capitals', { flag: false }, { 'Mcp-Param-Flag': 'False' }],
  ['nested argument, missing header', { place: { zone: 'b' } }, {}],
  ['nested argument, matching header', { place: { zone: 'b' } }, { 'Mcp-Param-Zone': 'b' }],
  ['whitespace around the value', { region: 'eu' }, { 'Mcp-Param-Region': '  eu  ' }],
];

describe('SEP-2243 Mcp-Param-* headers: ours (low-level Server + toolInputSchema) against the SDK (McpServer)', () => {
  let sdk: AuthenticatedServerWrapper;
  let ours: AuthenticatedServerWrapper;
  let urls: { sdk: string; ours: string };
  let token: string;

  const start = (serverFactory: () => Promise<McpServer | Server>, extra: { toolInputSchema?: (name: string) => unknown } = {}) =>
    wrapServer({
      serverFactory,
      authProvider: new JWTAuthProvider({ jwtSecret: TEST_JWT_SECRET, audience: TEST_AUDIENCE, issuer: TEST_ISSUER }),
      resourceType: 'param-headers',
      transport: { type: 'http', port: 0 },
      rateLimit: false,
      ...extra,
    });

  beforeAll(async () => {
    sdk = start(async () => sdkServer());
    ours = start(async () => lowLevelServer(), { toolInputSchema: (name) => (name === TOOL ? SCHEMA : undefined) });
    urls = { sdk: (await sdk.start()).url, ours: (await ours.start()).url };
    token = await signTestToken({ sub: 'alice', scope: 'mcp' });
  }, 60_000);
  afterAll(async () => {
    await sdk?.stop();
    await ours?.stop();
  });

  const call = async (url: string, args: Record<string, unknown>, headers: Record<string, string>) => {
    const request = modernRequest('tools/call', { name: TOOL, arguments: args }, { headers });
    const response = await rawRequest(`${url}/mcp`, { method: 'POST', headers: { ...request.headers, Authorization: `Bearer ${token}` }, body: request.body });
    const body = JSON.parse(response.body) as { error?: { code: number; data?: { mismatch?: { header: string } } }; result?: unknown };
    return { status: response.status, code: body.error?.code, header: body.error?.data?.mismatch?.header, answered: body.result !== undefined };
  };

  it.each(CASES)('%s', async (_what, args, headers) => {
    const [theirs, mine] = await Promise.all([call(urls.sdk, args, headers), call(urls.ours, args, headers)]);
    expect(mine).toEqual(theirs);
  });

  it('refuses with 400 / -32020 naming the header, and serves the call when it agrees (not a vacuous match)', async () => {
    expect(await call(urls.ours, { region: 'eu-west' }, {})).toEqual({ status: 400, code: -32020, header: 'Mcp-Param-Region', answered: false });
    expect(await call(urls.ours, { region: 'eu-west' }, { 'Mcp-Param-Region': 'eu-west' })).toEqual({ status: 200, code: undefined, header: undefined, answered: true });
  });

  it('a schema that declares a header where it may not (under items, on an object, twice) declares nothing', () => {
    expect(paramHeaderDeclarations({ type: 'object', properties: { list: { type: 'array', items: { type: 'string', 'x-mcp-header': 'Item' } } } })).toBeUndefined();
    expect(paramHeaderDeclarations({ type: 'object', properties: { o: { type: 'object', 'x-mcp-header': 'O' } } })).toBeUndefined();
    expect(paramHeaderDeclarations({ type: 'object', properties: { a: { type: 'string', 'x-mcp-header': 'X' }, b: { type: 'string', 'x-mcp-header': 'x' } } })).toBeUndefined();
    expect(paramHeaderDeclarations(SCHEMA)?.map((d) => d.headerName)).toEqual(['Region', 'Count', 'Flag', 'Zone']);
  });
});
