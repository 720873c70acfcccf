import { defineTool } from '@mcp-factory/core-factory';
import { z } from 'zod';

/** Lists the greetings recorded for the caller — only theirs, newest first. */
export const listGreetingsTool = defineTool({
  name: 'list_greetings',
  title: 'List greetings',
  description: 'Lists the greetings hello_computer recorded for you, newest first.',
  input: z.object({
    limit: z.number().int().min(1).max(100).default(20).describe('How many to return (1–100, default 20)'),
  }),
  annotations: { readOnlyHint: true },
  handler: async ({ limit }, ctx) => {
    const db = await ctx.db();
    const greetings = await db.greeting.findMany({ orderBy: { createdAt: 'desc' }, take: limit });
    const lines = greetings.map((g) => `${g.createdAt.toISOString()} ${g.message}`);
    return {
      content: [{ type: 'text', text: lines.length ? lines.join('\n') : 'No greetings yet.' }],
      structuredContent: {
        greetings: greetings.map((g) => ({ name: g.name, message: g.message, createdAt: g.createdAt.toISOString() })),
      },
    };
  },
});
