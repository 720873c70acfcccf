// One createServer, two protocol eras, each driven by its own real SDK client: the 1.x Client on a
// 2025-era session, the v2 Client on 2026-07-28 through the SDK's createMcpHandler. What the server
// advertises, and what a tool can send back while it runs (log, progress) or learn (cancellation).
import { LOG_LEVEL_META_KEY, ProtocolError } from '@modelcontextprotocol/client';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { connectInMemoryClient, connectModernClient, resultText } from '../../testing';
import { shutdownFactory } from '../runtime/factory-runtime';
import { defineTool, defineToolLibrary } from '../tools/tool-contract';
import { createServer } from './create-server';

/** Settles when the `wait` tool's signal aborts (the test cancelled the call). */
let aborted: (reason: unknown) => void = () => undefined;

const tools = [
  defineToolLibrary('talkative', [
    defineTool({
      name: 'chatty',
      description: 'Logs to the client at three levels',
      input: z.object({}),
      handler: async (_args, ctx) => {
        await ctx.log('debug', 'details');
        await ctx.log('info', { step: 'started' });
        await ctx.log('warning', 'almost out of space');
        return 'done';
      },
    }),
    defineTool({
      name: 'count',
      description: 'Reports progress 1..3 (and a stray 2, which is not sent)',
      input: z.object({}),
      handler: async (_args, ctx) => {
        for (const progress of [1, 2, 2, 3]) await ctx.progress({ progress, total: 3, message: `step ${progress}` });
        return 'counted';
      },
    }),
    defineTool({
      name: 'wait',
      description: 'Waits until cancelled',
      input: z.object({}),
      handler: async (_args, ctx) => {
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
        aborted(ctx.signal.reason);
        return 'cancelled';
      },
    }),
    defineTool({ name: 'add', description: 'Adds', input: z.object({ a: z.number(), b: z.number() }), handler: async ({ a, b }) => String(a + b) }),
  ]),
];

const factory = () => createServer('t', 'frank', { tools, name: 'eras', version: '2.0.0', instructions: 'Ask for a sum.' });
const progressOf = (updates: Array<{ progress: number; total?: number; message?: string }>) => updates.map(({ progress, total, message }) => ({ progress, total, message }));

afterEach(() => shutdownFactory());

describe('2026-07-28 (v2 Client, createMcpHandler)', () => {
  it('discovers the capabilities the handlers honour, identity and instructions', async () => {
    const { client, close } = await connectModernClient(factory);
    expect(client.getDiscoverResult()).toMatchObject({ supportedVersions: ['2026-07-28'], capabilities: { tools: {}, logging: {} }, instructions: 'Ask for a sum.' });
    expect(Object.keys(client.getDiscoverResult()?.capabilities ?? {}).sort()).toEqual(['logging', 'tools']);
    expect(client.getServerVersion()).toMatchObject({ name: 'eras', version: '2.0.0' });
    await close();
  });

  it('lists tools with JSON Schema 2020-12 and private cache hints (one user’s list)', async () => {
    const { client, close } = await connectModernClient(factory);
    const listed = await client.listTools();
    expect(listed).toMatchObject({ ttlMs: 300_000, cacheScope: 'private' });
    expect(listed.tools.find((tool) => tool.name === 'add')?.inputSchema).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'number' } },
      required: ['a', 'b'],
      additionalProperties: false,
    });
    await close();
  });

  it('answers an unknown tool with -32602, bad and unexpected arguments with isError results naming them', async () => {
    const { client, close } = await connectModernClient(factory);
    const unknown = await client.callTool({ name: 'nope', arguments: {} }).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(ProtocolError);
    expect(unknown).toMatchObject({ code: -32602, message: 'Unknown tool: nope' });
    const wrongType = await client.callTool({ name: 'add', arguments: { a: 1, b: 'two' } });
    expect(wrongType.isError).toBe(true);
    expect(resultText(wrongType)).toMatch(/^Invalid arguments for tool add: b: .*number/);
    const extra = await client.callTool({ name: 'add', arguments: { a: 1, b: 2, c: 3 } });
    expect(extra).toMatchObject({ isError: true, content: [{ type: 'text', text: 'Invalid arguments for tool add: (arguments): Unrecognized key: "c"' }] });
    expect(resultText(await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } }))).toBe('3');
    await close();
  });

  it('sends log messages at and above the request’s _meta log level, and none when it carries none', async () => {
    const { client, close } = await connectModernClient(factory);
    const logged: unknown[] = [];
    client.setNotificationHandler('notifications/message', (notification) => void logged.push(notification.params));
    await client.callTool({ name: 'chatty', arguments: {} });
    expect(logged).toEqual([]);
    await client.callTool({ name: 'chatty', arguments: {}, _meta: { [LOG_LEVEL_META_KEY]: 'info' } });
    expect(logged).toEqual([
      { level: 'info', logger: 'chatty', data: { step: 'started' } },
      { level: 'warning', logger: 'chatty', data: 'almost out of space' },
    ]);
    await close();
  });

  it('reports progress when the request carries a progress token', async () => {
    const { client, close } = await connectModernClient(factory);
    const updates: Array<{ progress: number; total?: number; message?: string }> = [];
    expect(resultText(await client.callTool({ name: 'count', arguments: {} }, { onprogress: (update) => void updates.push(update) }))).toBe('counted');
    expect(progressOf(updates)).toEqual([1, 2, 3].map((progress) => ({ progress, total: 3, message: `step ${progress}` })));
    await close();
  });

  it('aborts ctx.signal when the client cancels the call', async () => {
    const { client, close } = await connectModernClient(factory);
    const seen = new Promise((resolve) => (aborted = resolve));
    const controller = new AbortController();
    const call = client.callTool({ name: 'wait', arguments: {} }, { signal: controller.signal }).catch((error: unknown) => error);
    setTimeout(() => controller.abort('stop'), 50);
    await expect(seen).resolves.toBeDefined();
    expect(await call).toBeInstanceOf(Error);
    await close();
  });
});

describe('2025-11-25 (1.x Client, an initialized session)', () => {
  it('initializes with the same capabilities and lists the same tools (no cache fields on this era)', async () => {
    const { client, close } = await connectInMemoryClient(await factory());
    expect(client.getServerCapabilities()).toEqual({ tools: {}, logging: {} });
    const listed = await client.listTools();
    expect(listed).not.toHaveProperty('ttlMs');
    expect(listed.tools.find((tool) => tool.name === 'add')?.inputSchema).toMatchObject({ additionalProperties: false });
    await close();
  });

  it('sends every log message until the client sets a level, then only those at or above it', async () => {
    const { client, close } = await connectInMemoryClient(await factory());
    const logged: Array<{ level: string }> = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => void logged.push(notification.params));
    await client.callTool({ name: 'chatty', arguments: {} });
    expect(logged.map((entry) => entry.level)).toEqual(['debug', 'info', 'warning']);
    logged.length = 0;
    await client.setLoggingLevel('warning');
    await client.callTool({ name: 'chatty', arguments: {} });
    expect(logged).toEqual([{ level: 'warning', logger: 'chatty', data: 'almost out of space' }]);
    await close();
  });

  it('reports progress when the request carries a progress token', async () => {
    const { client, close } = await connectInMemoryClient(await factory());
    const updates: Array<{ progress: number; total?: number; message?: string }> = [];
    await client.callTool({ name: 'count', arguments: {} }, undefined, { onprogress: (update) => void updates.push(update) });
    expect(progressOf(updates)).toEqual([1, 2, 3].map((progress) => ({ progress, total: 3, message: `step ${progress}` })));
    await close();
  });

  it('aborts ctx.signal on notifications/cancelled', async () => {
    const { client, close } = await connectInMemoryClient(await factory());
    const seen = new Promise((resolve) => (aborted = resolve));
    const controller = new AbortController();
    const call = client.callTool({ name: 'wait', arguments: {} }, undefined, { signal: controller.signal }).catch((error: unknown) => error);
    setTimeout(() => controller.abort('stop'), 50);
    await expect(seen).resolves.toBe('stop');
    expect(await call).toBeInstanceOf(Error);
    await close();
  });
});
