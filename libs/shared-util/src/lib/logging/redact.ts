/** What a redacted value is written as. */
export const REDACTED = '[redacted]';

/** Key names (lower-cased, `-` and `_` dropped) whose values never reach a log line. */
const SECRET_KEYS = new Set([
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'password',
  'passwd',
  'pwd',
  'secret',
  'credentials',
  'privatekey',
  'apikey',
  'xapikey',
]);
/** …and any key ending like one of these: `accessToken`, `id_token`, `clientSecret`, `dbPassword`, `x-api-key`. */
const SECRET_SUFFIXES = ['token', 'secret', 'password', 'apikey'];
/** Nesting below this is written as a marker, so no secret hides deeper than the redaction looks. */
const MAX_DEPTH = 32;

/** True when a field of this name holds a secret, at any level of the metadata. */
export function isSecretKey(key: string): boolean {
  const normal = key.toLowerCase().replace(/[-_]/g, '');
  return SECRET_KEYS.has(normal) || SECRET_SUFFIXES.some((suffix) => normal.endsWith(suffix));
}

// A password already masked as `***` (data-access's maskUrl) is left as it is.
const URL_PASSWORD = /(\b[a-z][\w+.-]*:\/\/[^\s:/@]*:)(?!\*\*\*@)[^\s@/]+@/gi;
const SECRET_QUERY = /([?&;](?:[\w.-]*(?:token|secret|password|passwd|pwd|api[-_]?key))=)[^&#;\s"']*/gi;
const BEARER = /\b(Bearer\s+)[\w\-.~+/]+=*/g;

/** A string with URL passwords, secret query parameters and bearer credentials replaced. */
export function redactText(text: string): string {
  // Cheap guard: most log strings hold none of the markers.
  if (!text.includes('://') && !text.includes('=') && !text.includes('Bearer')) return text;
  return text.replace(URL_PASSWORD, `$1${REDACTED}@`).replace(SECRET_QUERY, `$1${REDACTED}`).replace(BEARER, `$1${REDACTED}`);
}

/**
 * The value with every secret field (by name, at any depth) and every secret inside a string
 * replaced. Objects and arrays are copied only where something changes: the caller's metadata is
 * never modified. Cycles and nesting beyond {@link MAX_DEPTH} are written as markers.
 */
export function redactValue(value: unknown, depth = 0, path: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null || value instanceof Error || value instanceof Date) return value;
  if (path.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  path.add(value);
  try {
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      value.forEach((item, i) => {
        const redacted = redactValue(item, depth + 1, path);
        if (redacted !== item) (copy ??= [...value])[i] = redacted;
      });
      return copy ?? value;
    }
    const proto = Object.getPrototypeOf(value);
    // Class instances (streams, sockets, buffers) are not log metadata worth walking.
    if (proto !== Object.prototype && proto !== null) return value;
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const redacted = isSecretKey(key) ? REDACTED : redactValue(item, depth + 1, path);
      if (redacted !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = redacted;
    }
    return copy ?? value;
  } finally {
    path.delete(value);
  }
}
