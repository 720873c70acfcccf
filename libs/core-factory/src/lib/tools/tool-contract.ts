import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { TenantClient } from '@mcp-factory/data-access';
import type { Logger } from '@mcp-factory/shared-util';
import type { z } from 'zod';

/** What every tool handler receives besides its arguments: who calls, and tenant-scoped resources. */
export interface ToolContext {
  /** The caller. Every read and write a tool makes is scoped to it. */
  readonly userId: string;
  /** The caller's access token, for calling external APIs on their behalf. Never log it. */
  readonly accessToken: string;
  /** A child logger whose lines carry `userId` and `tool`. */
  readonly logger: Logger;
  /**
   * The database client scoped to this caller (tenant filter + row-level security). It waits for the
   * shared database when that is still opening, so the MCP handshake never has to.
   */
  db(): Promise<TenantClient>;
  /** Aborted when the client cancels the request or the connection closes. */
  readonly signal: AbortSignal;
}

/** A handler returns plain text, or a full MCP tool result for structured or multi-part content. */
export type ToolResult = string | CallToolResult;

/** One tool: its name, description, zod input schema (advertised as JSON Schema) and handler. */
export interface ToolDefinition<Input extends z.ZodObject = z.ZodObject> {
  /** Unique across all composed libraries, snake_case by MCP convention, e.g. `hello_computer`. */
  readonly name: string;
  readonly title?: string;
  readonly description: string;
  /** Validated before the handler runs; a failure is an `isError` result naming the field. */
  readonly input: Input;
  readonly annotations?: ToolAnnotations;
  /** Throw `ToolError` for a failure the caller should read; anything else reaches them as a generic error with an id. */
  handler(args: z.output<Input>, ctx: ToolContext): Promise<ToolResult>;
}

/** A named set of tools that a team owns and an app composes, e.g. `helloTools` from `@mcp-factory/tools-hello`. */
export interface ToolLibrary {
  readonly name: string;
  readonly tools: readonly ToolDefinition<z.ZodObject>[];
}

/**
 * Declares a tool with its argument types inferred from the schema.
 *
 * @example
 * export const echo = defineTool({
 *   name: 'echo',
 *   description: 'Repeats the text',
 *   input: z.object({ text: z.string() }),
 *   handler: async ({ text }, ctx) => `${ctx.userId} said ${text}`,
 * });
 */
export function defineTool<Input extends z.ZodObject>(tool: ToolDefinition<Input>): ToolDefinition<z.ZodObject> {
  return tool as unknown as ToolDefinition<z.ZodObject>;
}

/** Groups tools under a library name. */
export function defineToolLibrary(name: string, tools: readonly ToolDefinition<z.ZodObject>[]): ToolLibrary {
  return Object.freeze({ name, tools: Object.freeze([...tools]) });
}
