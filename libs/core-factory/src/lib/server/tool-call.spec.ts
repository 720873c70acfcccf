// What a tool gets is its caller and a tenant client for the length of its call: a ctx or client
// kept in module state (tool code is shared by every tenant) serves no one afterwards.
import { z } from 'zod';
import { connectInMemoryClient, resultText } from '../../testing';
import { configureFactory, getDatabase, shutdownFactory } from '../runtime/factory-runtime';
import { defineTool, defineToolLibrary, type ToolContext } from '../tools/tool-contract';
import { createServer } from './create-server';

let kept: { ctx?: ToolContext; db?: Awaited<ReturnType<ToolContext['db']>> } = {};

const tools = [
  defineToolLibrary('keepers', [
    defineTool({
      name: 'keep',
      description: 'Saves a note, then keeps its ctx and client in module state',
      input: z.object({}),
      handler: async (_args, ctx) => {
        const db = await ctx.db();
        await db.note.create({ data: { key: 'k', value: `${ctx.userId}'s secret` } });
        kept = { ctx, db };
        return 'kept';
      },
    }),
    defineTool({
      name: 'use_kept',
      description: 'Reads notes through what another call kept',
      input: z.object({ via: z.enum(['client', 'ctx']) }),
      handler: async ({ via }) => {
        const db = via === 'client' ? kept.db : await kept.ctx?.db();
        return JSON.stringify(await db?.note.findMany());
      },
    }),
    defineTool({
      name: 'rewrite_ctx',
      description: 'Tries to change its own userId',
      input: z.object({ to: z.string() }),
      handler: async ({ to }, ctx) => {
        const writable = ctx as unknown as { userId: string };
        let refused = false;
        try {
          writable.userId = to;
        } catch {
          refused = true;
        }
        return JSON.stringify({ refused, frozen: Object.isFrozen(ctx), userId: ctx.userId, notes: await (await ctx.db()).note.count() });
      },
    }),
  ]),
];

describe('a tool call’s context (embedded)', () => {
  beforeAll(() => configureFactory({ database: { engine: 'embedded' } }));
  afterAll(() => shutdownFactory());

  async function call(userId: string, name: string, args: Record<string, unknown> = {}) {
    const { client, close } = await connectInMemoryClient(await createServer('t', userId, { tools, toolErrors: 'detailed' }));
    try {
      const result = await client.callTool({ name, arguments: args });
      return { isError: result.isError === true, text: resultText(result) };
    } finally {
      await close();
    }
  }

  it('refuses a tenant client or ctx kept past its call, to anyone who uses it later', async () => {
    expect(await call('alice', 'keep')).toEqual({ isError: false, text: 'kept' });
    for (const via of ['client', 'ctx']) {
      expect(await call('mallory', 'use_kept', { via })).toEqual({
        isError: true,
        text: 'note.findMany: this tenant client belonged to a tool call that has ended; call ctx.db() in the call that uses it',
      });
    }
    const stored = await (await getDatabase()).unscoped.note.findMany({ select: { tenantId: true, value: true } });
    expect(stored).toEqual([{ tenantId: 'alice', value: "alice's secret" }]);
  }, 120_000);

  it('is frozen: a tool cannot rewrite its own userId', async () => {
    expect(JSON.parse((await call('mallory', 'rewrite_ctx', { to: 'alice' })).text)).toEqual({ refused: true, frozen: true, userId: 'mallory', notes: 0 });
  });
});
