import { defineTool } from '@mcp-factory/core-factory';
import { z } from 'zod';

/**
 * Deletes all of the caller's greetings, only after they confirm. The question names the count, so a
 * greeting recorded while the user was deciding makes the tool ask again rather than delete more than
 * they agreed to. Everything before the question only reads: the handler runs again once answered.
 */
export const deleteMyGreetingsTool = defineTool({
  name: 'delete_my_greetings',
  title: 'Delete my greetings',
  description: 'Deletes all of your recorded greetings after asking you to confirm. Needs a client that can ask you (MCP elicitation).',
  input: z.object({}),
  annotations: { destructiveHint: true, idempotentHint: true },
  handler: async (_args, ctx) => {
    const db = await ctx.db();
    const count = await db.greeting.count();
    if (count === 0) return 'You have no greetings to delete.';
    const yours = count === 1 ? 'your one greeting' : `all ${count} of your greetings`;
    if (!(await ctx.confirm(`Delete ${yours}? This cannot be undone.`))) return `Nothing deleted: you still have ${count === 1 ? '1 greeting' : `${count} greetings`}.`;
    const { count: deleted } = await db.greeting.deleteMany({});
    ctx.logger.info('greetings deleted', { deleted });
    return `Deleted ${deleted} ${deleted === 1 ? 'greeting' : 'greetings'}.`;
  },
});
