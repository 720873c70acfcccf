// ctx.elicit / ctx.confirm with both eras' real SDK clients: the 1.x Client answering
// `elicitation/create` on a 2025-era session, the v2 Client answering input-required results on
// 2026-07-28. The same tool code runs against both.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { connectClient, PROTOCOL_ERAS, resultText, type ElicitationPrompt, type TestClientOptions } from '../../testing';
import { shutdownFactory } from '../runtime/factory-runtime';
import { createServer } from '../server/create-server';
import { defineTool, defineToolLibrary } from '../tools/tool-contract';

// What each handler run saw: the handler runs again from the top after every answer.
let runs: string[] = [];

const tools = [
  defineToolLibrary('asking', [
    defineTool({
      name: 'wipe',
      description: 'Asks to confirm, then says what it would do',
      input: z.object({ what: z.string() }),
      handler: async ({ what }, ctx) => {
        runs.push(`wipe ${what}`);
        return (await ctx.confirm(`Wipe ${what}?`)) ? `wiped ${what}` : `kept ${what}`;
      },
    }),
    defineTool({
      name: 'order',
      description: 'Two questions in sequence: the second depends on the first answer',
      input: z.object({}),
      handler: async (_args, ctx) => {
        runs.push('order');
        const size = await ctx.elicit({ message: 'Which size?', schema: z.object({ size: z.enum(['small', 'large']) }) });
        if (size.action !== 'accept') return `no order (${size.action})`;
        const count = await ctx.elicit({ message: `How many ${size.content.size} ones?`, schema: z.object({ count: z.number().int().min(1).max(9) }) });
        return count.action === 'accept' ? `${count.content.count} × ${size.content.size}` : `no order (${count.action})`;
      },
    }),
    defineTool({
      name: 'stubborn',
      description: 'Swallows the pending rejection and returns something else',
      input: z.object({}),
      handler: async (_args, ctx) => {
        try {
          return (await ctx.confirm('Really?')) ? 'yes' : 'no';
        } catch {
          return 'gave up';
        }
      },
    }),
  ]),
];

/** A user who answers from a script, recording each question. */
function user(answers: Array<(prompt: ElicitationPrompt) => ReturnType<NonNullable<TestClientOptions['onElicit']>>>) {
  const asked: string[] = [];
  return {
    asked,
    onElicit: async (prompt: ElicitationPrompt) => {
      asked.push(prompt.message);
      const next = answers.shift();
      if (!next) throw new Error(`unexpected question: ${prompt.message}`);
      return next(prompt);
    },
  };
}

const factory = () => createServer('t', 'erin', { tools });

afterEach(async () => {
  runs = [];
  await shutdownFactory();
});

describe.each(PROTOCOL_ERAS)('ctx.elicit on a %s-era client', (era) => {
  it('confirm: the user accepts → the handler runs again and goes ahead', async () => {
    const alice = user([() => ({ action: 'accept', content: { confirm: true } })]);
    const { client, close } = await connectClient(era, factory, alice);
    const result = await client.callTool({ name: 'wipe', arguments: { what: 'cache' } });
    expect(resultText(result)).toBe('wiped cache');
    expect(alice.asked).toEqual(['Wipe cache?']);
    expect(runs).toEqual(['wipe cache', 'wipe cache']);
    await close();
  });

  it.each([
    ['declines', { action: 'decline' as const }],
    ['cancels', { action: 'cancel' as const }],
    ['accepts without ticking the box', { action: 'accept' as const, content: { confirm: false } }],
  ])('confirm: the user %s → false', async (_case, answer) => {
    const { client, close } = await connectClient(era, factory, user([() => answer]));
    expect(resultText(await client.callTool({ name: 'wipe', arguments: { what: 'logs' } }))).toBe('kept logs');
    await close();
  });

  it('two questions in sequence: the first answer is kept across rounds, the second asked with it', async () => {
    const bob = user([() => ({ action: 'accept', content: { size: 'large' } }), () => ({ action: 'accept', content: { count: 3 } })]);
    const { client, close } = await connectClient(era, factory, bob);
    expect(resultText(await client.callTool({ name: 'order', arguments: {} }))).toBe('3 × large');
    expect(bob.asked).toEqual(['Which size?', 'How many large ones?']);
    expect(runs).toEqual(['order', 'order', 'order']);
    await close();
  });

  it('an accepted answer that fails the schema is asked again', async () => {
    const carol = user([
      () => ({ action: 'accept', content: { size: 'huge' } }),
      () => ({ action: 'accept', content: { size: 'small' } }),
      () => ({ action: 'decline' }),
    ]);
    const { client, close } = await connectClient(era, factory, carol);
    expect(resultText(await client.callTool({ name: 'order', arguments: {} }))).toBe('no order (decline)');
    expect(carol.asked).toEqual(['Which size?', 'Which size?', 'How many small ones?']);
    await close();
  });

  it('a handler that swallows the pending rejection still asks; its return value waits for the answer', async () => {
    const { client, close } = await connectClient(era, factory, user([() => ({ action: 'accept', content: { confirm: true } })]));
    expect(resultText(await client.callTool({ name: 'stubborn', arguments: {} }))).toBe('yes');
    await close();
  });

  it('a client that cannot ask → an isError result saying the tool needs elicitation; nothing asked', async () => {
    const { client, close } = await connectClient(era, factory);
    const result = await client.callTool({ name: 'wipe', arguments: { what: 'cache' } });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toBe(
      'Tool wipe needs to ask you something, but this client cannot show questions (it did not declare the MCP elicitation capability). Use a client that supports elicitation.',
    );
    expect(runs).toEqual(['wipe cache']);
    await close();
  });
});

describe('ctx.elicit on a stateless 2025-era request', () => {
  it('(createMcpHandler’s legacy fallback: a server per request, no initialize) → an isError result saying no question can reach the client', async () => {
    const handler = createMcpHandler(factory);
    const client = new Client({ name: 'stateless', version: '1' }, { capabilities: { elicitation: {} } });
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { confirm: true } }));
    await client.connect(new StreamableHTTPClientTransport(new URL('http://in-process.test/mcp'), { fetch: (url, init) => handler.fetch(new Request(url, init)) }));
    const result = await client.callTool({ name: 'wipe', arguments: { what: 'cache' } });
    expect(result).toMatchObject({ isError: true, content: [{ type: 'text', text: expect.stringMatching(/^Tool wipe needs to ask you something, but no question can reach your client over this connection/) }] });
    await client.close();
    await handler.close();
  });
});
