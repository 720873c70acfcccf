// Tools that talk back to the client during a call, through ctx only: log messages and progress
// (`tools-call-with-logging`, `tools-call-with-progress`), and the 2026-07-28 probes of
// `server-stateless` (no log without a requested level; a request stream carrying only its result).
import { defineTool } from '@mcp-factory/core-factory';
import { z } from 'zod';

/** Gaps between notifications, so that the client sees them as separate frames before the result. */
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const notificationTools = [
  defineTool({
    name: 'test_tool_with_logging',
    description: 'Sends three log notifications',
    input: z.object({}),
    handler: async (_args, ctx) => {
      for (const [i, data] of ['Tool execution started', 'Tool processing data', 'Tool execution completed'].entries()) {
        if (i > 0) await pause(50);
        await ctx.log('info', data);
      }
      return 'Tool with logging executed successfully';
    },
  }),
  defineTool({
    name: 'test_tool_with_progress',
    description: 'Reports progress when given a token',
    input: z.object({}),
    handler: async (_args, ctx) => {
      for (const progress of [0, 50, 100]) {
        await ctx.progress({ progress, total: 100, message: `Completed step ${progress} of 100` });
        if (progress < 100) await pause(50);
      }
      return 'Progress reported';
    },
  }),
  defineTool({
    name: 'test_logging_tool',
    description: 'Logs to the client (sent only when the request asked for a log level)',
    input: z.object({}),
    handler: async (_args, ctx) => {
      await ctx.log('info', 'test_logging_tool ran');
      return 'logged through the request-scoped channel';
    },
  }),
  defineTool({
    name: 'test_streaming_elicitation',
    description: 'Answers with result frames only',
    input: z.object({}),
    handler: async () => 'result frames only',
  }),
];
