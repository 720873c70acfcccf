/**
 * A short reason from a driver error. Duck-typed, because errors from another realm (jest's vm,
 * worker threads) fail `instanceof Error`. `connect` to `localhost` fails with an AggregateError
 * whose own message is empty, so its inner errors (or its code) are used instead.
 */
export function causeText(error: unknown): string {
  const record = (error ?? {}) as { message?: unknown; errors?: unknown; code?: unknown };
  if (Array.isArray(record.errors) && record.errors.length && !record.message) {
    return [...new Set(record.errors.map((inner) => causeText(inner)))].join('; ');
  }
  const message = typeof record.message === 'string' ? record.message : typeof error === 'string' ? error : '';
  const line = message.split('\n').filter(Boolean).pop();
  if (line) return line;
  return typeof record.code === 'string' ? record.code : 'unknown error';
}
