import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolResultSchema,
  ErrorCode,
  ListToolsRequestSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '@mcp-factory/shared-util';
import type { z } from 'zod';
import type { ToolRegistry } from '../tools/tool-registry';
import { openToolCall } from './tool-call';
import { toolErrorResult, toolFailureResult, type ToolErrorDetail } from './tool-failure';

export interface CallerIdentity {
  userId: string;
  accessToken: string;
  /** The parent logger; tool lines go to a child carrying `userId` and `tool`. */
  logger: Logger;
}

/**
 * A JSON-RPC error as the SDK's Protocol sends it (`code`, `message`). Not `McpError`: its message
 * carries an `MCP error -32602:` prefix, which the SDK client then prefixes a second time.
 */
class JsonRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Answers `tools/list` and `tools/call` for one caller. The registry is shared by the process;
 * the caller's identity lives only in these closures, so two users' servers share no state.
 *
 * Errors (MCP 2025-11-25): an unknown tool or malformed `params` is a JSON-RPC `-32602`; arguments
 * that fail the tool's schema are a tool result with `isError: true` naming the field, so the model
 * can correct the call; a handler that throws is an `isError` result per `toolErrors` (tool-failure.ts).
 */
export function registerToolHandlers(server: Server, registry: ToolRegistry, caller: CallerIdentity, toolErrors: ToolErrorDetail = 'generic'): void {
  server.setRequestHandler(ListToolsRequestSchema, async () => registry.listResult);

  // tools/call is answered by the fallback handler, not setRequestHandler(CallToolRequestSchema, …):
  // the SDK zod-parses a registered method's request before any handler, and answers a malformed
  // one (a `name` that is not a string) with -32603 and the zod issue list.
  server.fallbackRequestHandler = async (request, extra): Promise<CallToolResult> => {
    if (request.method !== 'tools/call') throw new JsonRpcError(ErrorCode.MethodNotFound, 'Method not found');
    const { name, arguments: rawArgs } = callParams(request.params);
    const tool = registry.get(name);
    if (!tool) throw new JsonRpcError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);

    const parsed = tool.input.safeParse(rawArgs ?? {});
    if (!parsed.success) return toolErrorResult(`Invalid arguments for tool ${name}: ${describeIssues(parsed.error)}`);

    // Built per call, not per server: most servers in stateless mode answer one request, often not a tool call.
    const logger = caller.logger.child({ userId: caller.userId, tool: name });
    const call = openToolCall(caller, logger, extra.signal);
    try {
      const result = await call.run((ctx) => tool.handler(parsed.data, ctx));
      if (typeof result === 'string') return { content: [{ type: 'text', text: result }] };
      // What the SDK's own tools/call handler checks: a malformed result is the tool's bug, not the caller's.
      const checked = CallToolResultSchema.safeParse(result);
      if (!checked.success) throw new Error(`Tool ${name} returned an invalid result: ${describeIssues(checked.error)}`);
      return checked.data;
    } catch (error) {
      // A failing tool is a result the model can read and act on (MCP spec: tool errors are reported
      // in the result with isError), not a protocol failure — unlike the seed's InternalError.
      return toolFailureResult(error, name, logger, toolErrors);
    }
  };
}

/** `params` of a tools/call: an object with a string `name` and, if any, object `arguments` (else -32602). */
function callParams(params: unknown): { name: string; arguments?: Record<string, unknown> } {
  const { name, arguments: args } = (typeof params === 'object' && params !== null ? params : {}) as { name?: unknown; arguments?: unknown };
  if (typeof name !== 'string') throw new JsonRpcError(ErrorCode.InvalidParams, 'Invalid params: name must be a string');
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args))) {
    throw new JsonRpcError(ErrorCode.InvalidParams, 'Invalid params: arguments must be an object');
  }
  return { name, arguments: args as Record<string, unknown> | undefined };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(arguments)'}: ${issue.message}`)
    .join('; ');
}
