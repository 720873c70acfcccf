import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { errorMessage, type Logger } from '@mcp-factory/shared-util';
import type { z } from 'zod';
import type { ToolRegistry } from '../tools/tool-registry';
import { openToolCall } from './tool-call';

export interface CallerIdentity {
  userId: string;
  accessToken: string;
  /** The parent logger; tool lines go to a child carrying `userId` and `tool`. */
  logger: Logger;
}

/**
 * Answers `tools/list` and `tools/call` for one caller. The registry is shared by the process;
 * the caller's identity lives only in these closures, so two users' servers share no state.
 */
export function registerToolHandlers(server: Server, registry: ToolRegistry, caller: CallerIdentity): void {
  server.setRequestHandler(ListToolsRequestSchema, async () => registry.listResult);

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { name, arguments: rawArgs } = request.params;
    const tool = registry.get(name);
    if (!tool) throw new McpError(ErrorCode.MethodNotFound, `Unknown tool: ${name}`);

    const parsed = tool.input.safeParse(rawArgs ?? {});
    if (!parsed.success) {
      throw new McpError(ErrorCode.InvalidParams, `Invalid arguments for tool ${name}: ${describeIssues(parsed.error)}`);
    }

    // Built per call, not per server: most servers in stateless mode answer one request, often not a tool call.
    const logger = caller.logger.child({ userId: caller.userId, tool: name });
    const call = openToolCall(caller, logger, extra.signal);
    try {
      const result = await call.run((ctx) => tool.handler(parsed.data, ctx));
      return typeof result === 'string' ? { content: [{ type: 'text', text: result }] } : result;
    } catch (error) {
      // A failing tool is a result the model can read and act on (MCP spec: tool errors are reported
      // in the result with isError), not a protocol failure — unlike the seed's InternalError.
      logger.error('Tool failed', { error: errorMessage(error) });
      return { content: [{ type: 'text', text: errorMessage(error) }], isError: true };
    }
  });
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(arguments)'}: ${issue.message}`)
    .join('; ');
}
