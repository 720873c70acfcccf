import {
  ProtocolError,
  ProtocolErrorCode,
  specTypeSchemas,
  type CallToolResult,
  type InputRequiredResult,
  type Server,
} from '@modelcontextprotocol/server';
import type { z } from 'zod';
import type { ToolRegistry } from '../tools/tool-registry';
import { requestChannel } from './request-channel';
import { openToolCall, type CallerIdentity } from './tool-call';
import { toolErrorResult, toolFailureResult, type ToolErrorDetail } from './tool-failure';

/**
 * Answers `tools/list` and `tools/call` for one caller. The registry is shared by the process;
 * the caller's identity lives only in these closures, so two users' servers share no state.
 * `onFirstUse` runs before each answer (the `background` database open hangs on it).
 *
 * Errors (MCP 2025-11-25 and 2026-07-28): an unknown tool is a JSON-RPC `-32602`, and so is malformed
 * `params` (the SDK checks the request's shape before this handler runs); arguments that fail the
 * tool's schema, or that it does not name, are a tool result with `isError: true` naming the field, so
 * the model can correct the call; a handler that throws is an `isError` result per `toolErrors`
 * (tool-failure.ts). A handler that asks the user something and has no answer yet ends the round with
 * an input-required result (the SDK turns it into `elicitation/create` on a 2025-era session).
 */
export function registerToolHandlers(
  server: Server,
  registry: ToolRegistry,
  caller: CallerIdentity,
  toolErrors: ToolErrorDetail,
  onFirstUse: () => void,
): void {
  server.setRequestHandler('tools/list', async () => {
    onFirstUse();
    return registry.listResult;
  });

  server.setRequestHandler('tools/call', async (request, ctx): Promise<CallToolResult | InputRequiredResult> => {
    onFirstUse();
    const { name, arguments: rawArgs } = request.params;
    const tool = registry.get(name);
    if (!tool) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: ${name}`);

    const parsed = tool.input.safeParse(rawArgs ?? {});
    if (!parsed.success) return toolErrorResult(`Invalid arguments for tool ${name}: ${describeIssues(parsed.error.issues)}`);

    // Built per call, not per server: most servers in stateless mode answer one request, often not a tool call.
    const logger = caller.logger.child({ userId: caller.userId, tool: name });
    const call = openToolCall(caller, name, logger, requestChannel(server, ctx));
    try {
      const result = await call.run((toolCtx) => tool.definition.handler(parsed.data, toolCtx));
      // A question still open ends the round, whatever the handler made of the rejection it got.
      const pending = call.inputRequired();
      if (pending) return pending;
      return server.projectCallToolResult(checkedResult(name, result), undefined);
    } catch (error) {
      const pending = call.inputRequired();
      if (pending) return pending;
      // A failing tool is a result the model can read and act on (MCP: tool errors are reported in the
      // result with isError), not a protocol failure.
      return toolFailureResult(error, name, logger, toolErrors);
    }
  });
}

/** A handler's return value as a tool result; a malformed one is the tool's bug, reported as its failure. */
function checkedResult(name: string, result: string | CallToolResult): CallToolResult {
  if (typeof result === 'string') return { content: [{ type: 'text', text: result }] };
  const checked = specTypeSchemas.CallToolResult['~standard'].validate(result);
  if (checked instanceof Promise) throw new Error('unexpected asynchronous validation of a tool result');
  if (checked.issues) throw new Error(`Tool ${name} returned an invalid result: ${describeIssues(checked.issues)}`);
  return checked.value as CallToolResult;
}

function describeIssues(issues: ReadonlyArray<z.core.$ZodIssue | { message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> }>): string {
  return issues
    .map((issue) => {
      const path = (issue.path ?? []).map((segment) => String(typeof segment === 'object' ? segment.key : segment));
      return `${path.length ? path.join('.') : '(arguments)'}: ${issue.message}`;
    })
    .join('; ');
}
