import { randomUUID } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { errorMessage, hasErrorCode, type Logger } from '@mcp-factory/shared-util';
import { ElicitationUnsupportedError, ToolError } from '../errors';

/**
 * What a caller learns of a failed tool: `generic` (the default; for tenants) shows the message of a
 * {@link ToolError} (and of an {@link ElicitationUnsupportedError}, written for the caller too) and
 * otherwise a fixed sentence with an error id, the detail going to the log under that id; `detailed`
 * shows every error's own message (for a desktop app, whose user runs it and needs "the data
 * directory looks damaged: move it aside" to fix it).
 */
export type ToolErrorDetail = 'generic' | 'detailed';

/** An `isError` tool result: the MCP way to report a failure the model can read and act on. */
export function toolErrorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/**
 * The result for a handler that threw. Raw text from drivers and parsers (database names, byte
 * offsets, SQL states) stays in the log: a tenant sees it only when the tool author meant it for them.
 */
export function toolFailureResult(error: unknown, toolName: string, logger: Logger, detail: ToolErrorDetail): CallToolResult {
  const errorId = randomUUID();
  const rawCode = (error as { code?: unknown } | null)?.code;
  const code = typeof rawCode === 'string' ? rawCode : undefined;
  if (error instanceof ToolError || error instanceof ElicitationUnsupportedError) {
    logger.warn('Tool failed', { errorId, code, error: error.message });
    return toolErrorResult(error.message);
  }
  logger.error('Tool failed', { errorId, code, error: errorMessage(error) });
  if (detail === 'detailed') return toolErrorResult(errorMessage(error));
  if (hasErrorCode(error, 'ERR_DB_UNAVAILABLE')) {
    return toolErrorResult(`The database is unavailable right now; try again shortly (error id ${errorId}).`);
  }
  return toolErrorResult(`Tool ${toolName} failed (error id ${errorId}). The details are in the server log.`);
}
