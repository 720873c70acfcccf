import { errorMessage } from '@mcp-factory/shared-util';

/**
 * A short reason from a driver error. `connect` to `localhost` fails with an AggregateError whose
 * own message is empty, so its inner errors (or its code) are used instead.
 */
export function causeText(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) {
    return [...new Set(error.errors.map((inner) => errorMessage(inner)))].join('; ');
  }
  const message = errorMessage(error).split('\n').filter(Boolean).pop();
  if (message) return message;
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : 'unknown error';
}
