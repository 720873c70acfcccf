import { CallToolResultSchema, ErrorCode, ListResourcesResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { createMemoryLogger } from '@mcp-factory/shared-util';
import { z } from 'zod';
import { connectInMemoryClient, resultText } from '../../testing';
import { ToolError } from '../errors';
import { shutdownFactory } from '../runtime/factory-runtime';
import { defineTool, defineToolLibrary, type ToolDefinition } from '../tools/tool-contract';
import { createServer, type ServerOptions } from './create-server';

// The error paths of tools/call as an MCP 2025-11-25 client sees them (issue 14): protocol errors
// for a request that names nothing we serve, results the model can read for everything else, and
// no driver text in front of a tenant.

const failing = (name: string, error: () => unknown): ToolDefinition =>
  defineTool({
    name,
    description: `Fails: ${name}`,
    input: z.object({}),
    handler: async () => {
      throw error();
    },
  });
const add = defineTool({
  name: 'add',
  description: 'Adds two numbers',
  input: z.object({ a: z.number(), b: z.number() }),
  handler: async ({ a, b }) => String(a + b),
});
const malformed = defineTool({
  name: 'malformed',
  description: 'Returns something that is not a tool result',
  input: z.object({}),
  handler: async () => ({ content: [{ type: 'nonsense' }] }) as never,
});
const tools = [
  defineToolLibrary('test-tools', [
    add,
    malformed,
    failing('broken', () => new Error('database "tenant_db" is not currently accepting connections')),
    failing('refusing', () => new ToolError('No note "todo"')),
    defineTool({
      name: 'unavailable',
      description: 'Fails as data-access does when PostgreSQL goes away',
      input: z.object({}),
      handler: async () => {
        // Imported when called: core-factory loads data-access lazily, and lint holds its tests to that too.
        const { DatabaseUnavailableError } = await import('@mcp-factory/data-access');
        throw new DatabaseUnavailableError('findMany failed: database unavailable (terminating connection due to administrator command)');
      },
    }),
  ]),
];

afterEach(async () => {
  await shutdownFactory();
});

async function connect(options: ServerOptions = {}) {
  return connectInMemoryClient(await createServer('t', 'dave', { tools, ...options }));
}

describe('tools/call: protocol errors (-32602) for a request that names nothing we serve', () => {
  it('unknown tool → -32602 "Unknown tool: <name>", the SDK prefix once', async () => {
    const { client, close } = await connect();
    const error = await client.callTool({ name: 'nope', arguments: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect(error).toMatchObject({ code: ErrorCode.InvalidParams, message: 'MCP error -32602: Unknown tool: nope' });
    await close();
  });

  it.each([
    ['a name that is not a string', { name: 42 }, 'name'],
    ['no name', { arguments: {} }, 'name'],
    ['arguments that are not an object', { name: 'add', arguments: 'a=1' }, 'arguments'],
  ])('%s → -32602 from the SDK, naming the field', async (_case, params, field) => {
    const { client, close } = await connect();
    const error = await client.request({ method: 'tools/call', params } as never, CallToolResultSchema).catch((e: unknown) => e);
    // SDK v2 checks the request's shape before any handler and answers -32602 itself (v1 said -32603).
    expect(error).toMatchObject({ code: ErrorCode.InvalidParams, message: expect.stringMatching(/^MCP error -32602: Invalid tools\/call request: /) });
    expect((error as Error).message).toContain(`"${field}"`);
    await close();
  });

  it('a method the server does not serve is still -32601 "Method not found"', async () => {
    const { client, close } = await connect();
    const error = await client.request({ method: 'resources/list' }, ListResourcesResultSchema).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.MethodNotFound, message: 'MCP error -32601: Method not found' });
    await close();
  });
});

describe('tools/call: tool execution errors (isError results)', () => {
  it('arguments that fail the schema → a result naming the field, so the model can correct the call', async () => {
    const { client, close } = await connect();
    const result = await client.callTool({ name: 'add', arguments: { a: 1, b: 'two' } });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toMatch(/^Invalid arguments for tool add: b: .*number/);
    expect(resultText(await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } }))).toBe('5');
    await close();
  });

  it('a handler that throws → a generic message with an error id; the detail is logged under that id', async () => {
    const { logger, entries } = createMemoryLogger();
    const { client, close } = await connect({ logger });
    const result = await client.callTool({ name: 'broken', arguments: {} });
    expect(result.isError).toBe(true);
    const text = resultText(result);
    expect(text).toMatch(/^Tool broken failed \(error id [0-9a-f-]{36}\)\. The details are in the server log\.$/);
    expect(text).not.toContain('tenant_db');
    const errorId = /error id ([0-9a-f-]{36})/.exec(text)?.[1];
    expect(entries).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'Tool failed', tool: 'broken', userId: 'dave', errorId, error: 'database "tenant_db" is not currently accepting connections' }),
    );
    await close();
  });

  it('a ToolError is the tool author talking to the caller: its message is shown as written', async () => {
    const { client, close } = await connect();
    const result = await client.callTool({ name: 'refusing', arguments: {} });
    expect(result).toMatchObject({ isError: true, content: [{ type: 'text', text: 'No note "todo"' }] });
    await close();
  });

  it('the database being unavailable → a fixed sentence saying so, never the driver text', async () => {
    const { client, close } = await connect();
    const text = resultText(await client.callTool({ name: 'unavailable', arguments: {} }));
    expect(text).toMatch(/^The database is unavailable right now; try again shortly \(error id [0-9a-f-]{36}\)\.$/);
    await close();
  });

  it('a malformed result is the tool\'s bug: a generic error, the reason logged', async () => {
    const { logger, entries } = createMemoryLogger();
    const { client, close } = await connect({ logger });
    const result = await client.callTool({ name: 'malformed', arguments: {} });
    expect(resultText(result)).toMatch(/^Tool malformed failed \(error id/);
    expect(entries).toContainEqual(expect.objectContaining({ message: 'Tool failed', error: expect.stringMatching(/^Tool malformed returned an invalid result/) }));
    await close();
  });

  it("toolErrors: 'detailed' (the desktop app) shows every error's own message", async () => {
    const { client, close } = await connect({ toolErrors: 'detailed' });
    expect(resultText(await client.callTool({ name: 'broken', arguments: {} }))).toBe('database "tenant_db" is not currently accepting connections');
    expect(resultText(await client.callTool({ name: 'refusing', arguments: {} }))).toBe('No note "todo"');
    await close();
  });

  it('a tool asking for the database when none is configured gets an isError result', async () => {
    const needsDb = defineTool({
      name: 'needs_db',
      description: 'Touches the database',
      input: z.object({}),
      handler: async (_args, ctx) => {
        await ctx.db();
        return 'unreachable';
      },
    });
    const { client, close } = await connectInMemoryClient(await createServer('t', 'erin', { tools: [defineToolLibrary('db', [needsDb])], toolErrors: 'detailed' }));
    const result = await client.callTool({ name: 'needs_db', arguments: {} });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toMatch(/No database is configured/);
    await close();
  });
});
