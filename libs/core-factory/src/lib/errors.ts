import { McpFactoryError } from '@mcp-factory/shared-util';

/** `createServer` was given an empty or blank userId. */
export class UserIdRequiredError extends McpFactoryError {
  static override readonly code = 'ERR_USER_ID_REQUIRED';
  override readonly code = 'ERR_USER_ID_REQUIRED';
  constructor() {
    super('userId is required');
  }
}

/** The once-per-process initialisation failed; the next `createServer` retries it. */
export class InitializationFailedError extends McpFactoryError {
  static override readonly code = 'ERR_INIT_FAILED';
  override readonly code = 'ERR_INIT_FAILED';
}

/** Two tool libraries offer a tool with the same name. */
export class DuplicateToolError extends McpFactoryError {
  static override readonly code = 'ERR_DUPLICATE_TOOL';
  override readonly code = 'ERR_DUPLICATE_TOOL';
}

/** A tool asked for the database, but this process was configured without one. */
export class DatabaseNotConfiguredError extends McpFactoryError {
  static override readonly code = 'ERR_DATABASE_NOT_CONFIGURED';
  override readonly code = 'ERR_DATABASE_NOT_CONFIGURED';
  constructor() {
    super('No database is configured for this server: call configureFactory({ database }) at start');
  }
}

/** `configureFactory` was called while the factory was initialised or initialising. */
export class FactoryAlreadyConfiguredError extends McpFactoryError {
  static override readonly code = 'ERR_FACTORY_ALREADY_CONFIGURED';
  override readonly code = 'ERR_FACTORY_ALREADY_CONFIGURED';
  constructor() {
    super('configureFactory() must be called before the first createServer(), or after shutdownFactory()');
  }
}

/**
 * A tool's message for the caller. Throw it from a handler when the caller can act on the reason
 * (`No note "todo"`, `limit must be below 100`): its message becomes the text of an `isError` result
 * as written. Anything else a handler throws reaches the caller only as a generic message with an
 * error id (unless the server runs with `toolErrors: 'detailed'`); the detail goes to the log.
 *
 * @example
 * if (!note) throw new ToolError(`No note "${key}"`);
 */
export class ToolError extends McpFactoryError {
  static override readonly code = 'ERR_TOOL';
  override readonly code = 'ERR_TOOL';
}

/**
 * A tool asked the user something (`ctx.elicit`, `ctx.confirm`) through a client that cannot show
 * questions: it declared no form elicitation (2025: at `initialize`; 2026-07-28: in the request's
 * `_meta`), or it reached a stateless 2025-era endpoint, which has no way back to it. Its message is
 * for the caller, like a `ToolError`'s; a tool may catch it and do without the answer.
 */
export class ElicitationUnsupportedError extends McpFactoryError {
  static override readonly code = 'ERR_ELICITATION_UNSUPPORTED';
  override readonly code = 'ERR_ELICITATION_UNSUPPORTED';
}

export const coreFactoryErrors = {
  UserIdRequiredError,
  InitializationFailedError,
  DuplicateToolError,
  DatabaseNotConfiguredError,
  FactoryAlreadyConfiguredError,
  ToolError,
  ElicitationUnsupportedError,
} as const;

export type CoreFactoryErrorCode = (typeof coreFactoryErrors)[keyof typeof coreFactoryErrors]['code'];
