/**
 * Base of every typed error in mcp-factory. Each lib subclasses it once per code in its own
 * `errors.ts`, with a static and an instance `code`, so callers can `switch (err.code)`.
 *
 * @example
 * class TenantMissingError extends McpFactoryError {
 *   static override readonly code = 'ERR_TENANT_MISSING';
 *   override readonly code = 'ERR_TENANT_MISSING';
 * }
 */
export class McpFactoryError extends Error {
  static readonly code: string = 'ERR_MCP_FACTORY';
  readonly code: string = 'ERR_MCP_FACTORY';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** True when `value` is one of our typed errors with the given code. */
export function hasErrorCode(value: unknown, code: string): value is McpFactoryError {
  return value instanceof McpFactoryError && value.code === code;
}

/** A message from anything thrown, for logs and tool results. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
