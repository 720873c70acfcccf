import { defineTool } from '@mcp-factory/core-factory';
import { z } from 'zod';

/** Returns its text unchanged. No I/O: the cheapest round trip, used by health checks and benchmarks. */
export const echoTool = defineTool({
  name: 'echo',
  title: 'Echo',
  description: 'Returns the text you send, unchanged.',
  input: z.object({ text: z.string().max(10_000).describe('The text to send back') }),
  annotations: { readOnlyHint: true, idempotentHint: true },
  handler: async ({ text }) => text,
});
