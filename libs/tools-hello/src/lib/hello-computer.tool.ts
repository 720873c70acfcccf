import { defineTool } from '@mcp-factory/core-factory';
import { z } from 'zod';

/** Greets the caller, says which user it runs for, and records the greeting in the caller's data. */
export const helloComputerTool = defineTool({
  name: 'hello_computer',
  title: 'Hello, computer',
  description: 'Greets you by name, says which user the server runs for, and records the greeting.',
  input: z.object({
    name: z.string().trim().min(1).max(200).optional().describe('Who to greet; defaults to the user id'),
  }),
  handler: async ({ name }, ctx) => {
    const who = name ?? ctx.userId;
    const message = `Hello, ${who}! This server is running for user "${ctx.userId}".`;
    const db = await ctx.db();
    await db.greeting.create({ data: { name: name ?? null, message } });
    ctx.logger.debug('greeting recorded');
    return message;
  },
});
