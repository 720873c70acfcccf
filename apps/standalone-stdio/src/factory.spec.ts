// The package's `./factory` entry through the real SDKs: its self-contained public types still accept
// the server-side transports of both SDK lines (ts-jest type-checks this file), and its servers serve
// the app's tools over either.
import { Client as ModernClient } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { InMemoryTransport as V2InMemoryTransport, WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import { StdioServerTransport as V2StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { configureFactory, createServer, helloTools, shutdownFactory, toolLibraries, type McpTransport, type ToolLibrary } from './factory';

// Compile-time only: each server-side transport of the 1.x SDK and of the v2 packages is an McpTransport.
const sdkTransports: ReadonlyArray<new (...args: never[]) => McpTransport> = [
  StdioServerTransport,
  StreamableHTTPServerTransport,
  InMemoryTransport,
  V2StdioServerTransport,
  WebStandardStreamableHTTPServerTransport,
  V2InMemoryTransport,
];

describe('the ./factory entry', () => {
  beforeAll(() => configureFactory({ logLevel: 'error' }));
  afterAll(() => shutdownFactory());

  it('serves the app tool libraries to an SDK client over an SDK transport', async () => {
    expect(sdkTransports).toHaveLength(6);
    const server = await createServer('', 'alice', { instructions: 'from the spec' });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'factory-spec', version: '1.0.0' });
    await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);

    expect(client.getServerVersion()?.name).toBe('mcp-factory-stdio');
    expect(client.getInstructions()).toBe('from the spec');
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(toolLibraries.flatMap((library) => library.tools.map((tool) => tool.name)).sort());
    expect(await client.callTool({ name: 'echo', arguments: { text: 'ping' } })).toMatchObject({ content: [{ type: 'text', text: 'ping' }] });
    await client.close();
    await server.close();
  });

  it('connects to a v2 SDK transport too, for the v2 client', async () => {
    const server = await createServer('', 'carol');
    const [clientTransport, serverTransport] = V2InMemoryTransport.createLinkedPair();
    const client = new ModernClient({ name: 'factory-spec', version: '1.0.0' });
    await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
    expect(await client.callTool({ name: 'echo', arguments: { text: 'v2' } })).toMatchObject({ content: [{ type: 'text', text: 'v2' }] });
    await client.close();
    await server.close();
  });

  it('serves only the libraries asked for, and refuses one this package does not have', async () => {
    expect(toolLibraries).toContain(helloTools);
    const server = await createServer('', 'bob', { tools: [helloTools], name: 'custom' });
    await server.close();

    const forged: ToolLibrary = { name: 'forged', tools: [{ name: 'rm_rf', description: 'no' }] };
    await expect(createServer('', 'bob', { tools: [forged] })).rejects.toThrow(/"forged" is not a tool library of this package/);
    await expect(createServer('', '  ')).rejects.toMatchObject({ code: 'ERR_USER_ID_REQUIRED' });
  });
});
