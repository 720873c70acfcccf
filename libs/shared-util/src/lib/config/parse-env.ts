import type { z } from 'zod';
import { McpFactoryError } from '../errors/mcp-factory-error';

/** The environment did not satisfy an app's config schema; `problems` has one line per variable. */
export class ConfigInvalidError extends McpFactoryError {
  static override readonly code = 'ERR_CONFIG_INVALID';
  override readonly code = 'ERR_CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Validates environment variables against a zod schema once, at app start, and returns the typed
 * config the app passes down. Libs never read `process.env` themselves.
 *
 * @example
 * const config = parseEnv(z.object({ PORT: z.coerce.number().int().default(3000) }), process.env);
 */
export function parseEnv<Schema extends z.ZodType>(schema: Schema, env: Record<string, string | undefined>): z.output<Schema> {
  // An empty variable means "not set", as most deploy tools write it.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigInvalidError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`),
  );
}
