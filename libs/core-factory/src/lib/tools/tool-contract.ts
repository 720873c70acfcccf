import type { CallToolResult, LoggingLevel, ToolAnnotations } from '@modelcontextprotocol/server';
import type { TenantClient } from '@mcp-factory/data-access';
import type { Logger } from '@mcp-factory/shared-util';
import type { z } from 'zod';

/** A log level of MCP's `notifications/message`, lowest first: `debug` … `emergency`. */
export type ClientLogLevel = LoggingLevel;

/** One progress update: `progress` must grow from one update to the next; `total` when known. */
export interface ProgressUpdate {
  progress: number;
  total?: number;
  message?: string;
}

/**
 * A question for the user: a message and a flat zod object of primitive fields (strings, numbers,
 * booleans, enums; `.optional()`, `.default()`) — what MCP's elicitation forms can show.
 */
export interface ElicitationRequest<Schema extends z.ZodObject = z.ZodObject> {
  message: string;
  schema: Schema;
}

/** The user's answer: `accept` with the form's content (validated by the schema), `decline` or `cancel`. */
export type ElicitationAnswer<Content> = { action: 'accept'; content: Content } | { action: 'decline' } | { action: 'cancel' };

/** What every tool handler receives besides its arguments: who calls, and tenant-scoped resources. */
export interface ToolContext {
  /** The caller. Every read and write a tool makes is scoped to it. */
  readonly userId: string;
  /** The caller's access token, for calling external APIs on their behalf. Never log it. */
  readonly accessToken: string;
  /** The server's log (stderr / the service's log), a child whose lines carry `userId` and `tool`. */
  readonly logger: Logger;
  /**
   * The database client scoped to this caller (tenant filter + row-level security). It waits for the
   * shared database when that is still opening, so the MCP handshake never has to.
   */
  db(): Promise<TenantClient>;
  /** Aborted when the client cancels the request or the connection closes. Pass it to your own I/O. */
  readonly signal: AbortSignal;
  /**
   * Sends a log message to the MCP client (`notifications/message`), not to the server's log. Sent only
   * when the client asked for this level: `logging/setLevel` on a 2025-era session (everything until it
   * sets one), the request's `_meta` log level on 2026-07-28 (nothing when it carries none).
   */
  log(level: ClientLogLevel, data: unknown): Promise<void>;
  /** Reports progress to the client when its request carries a progress token; otherwise does nothing. */
  progress(update: ProgressUpdate): Promise<void>;
  /**
   * Asks the user through the client and resolves with the answer: `elicitation/create` on a 2025-era
   * session, an input-required result on 2026-07-28 (the client answers and retries the call). Either
   * way the handler **runs again from the start** with the answer available, so the code before the
   * question must not write anything. A client that cannot ask rejects with `ERR_ELICITATION_UNSUPPORTED`
   * (shown to the caller as an `isError` result unless the tool catches it).
   */
  elicit<Schema extends z.ZodObject>(request: ElicitationRequest<Schema>): Promise<ElicitationAnswer<z.output<Schema>>>;
  /** Asks a yes/no question (`elicit` with one `confirm` checkbox); true only when the user accepts and ticks it. */
  confirm(message: string): Promise<boolean>;
}

/** A handler returns plain text, or a full MCP tool result for structured or multi-part content. */
export type ToolResult = string | CallToolResult;

/** One tool: its name, description, zod input schema (advertised as JSON Schema) and handler. */
export interface ToolDefinition<Input extends z.ZodObject = z.ZodObject> {
  /** Unique across all composed libraries, snake_case by MCP convention, e.g. `hello_computer`. */
  readonly name: string;
  readonly title?: string;
  readonly description: string;
  /**
   * Validated before the handler runs; a failure is an `isError` result naming the field. An argument
   * the schema does not name is refused too, unless the schema is a `z.looseObject`.
   */
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
