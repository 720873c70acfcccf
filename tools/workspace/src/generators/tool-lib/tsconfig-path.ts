import { parseJson } from '@nx/devkit';

/**
 * Adds `"key": ["target"]` to the `paths` block of a tsconfig's text, in sorted position, keeping
 * every other byte (the file's one-line-per-path layout). Returns undefined when the block does not
 * have that layout, so the caller can fall back to rewriting the JSON.
 */
export function addTsconfigPathText(text: string, key: string, target: string): string | undefined {
  const block = /("paths"\s*:\s*\{)([^{}]*)(\})/.exec(text);
  if (!block) return undefined;
  const [, open, body] = block;
  const lines = body.split('\n');
  // Every non-blank line must be one `"key": [...]` entry, or we cannot edit it as text.
  const entries = lines
    .map((line, index) => ({ line, index, key: /^(\s*)"([^"]+)"\s*:\s*\[[^\]]*\],?\s*$/.exec(line) }))
    .filter((entry) => entry.line.trim() !== '');
  if (entries.length === 0 || entries.some((entry) => !entry.key)) return undefined;

  const indent = entries[0].key?.[1] ?? '';
  const newLine = `${indent}${JSON.stringify(key)}: [${JSON.stringify(target)}]`;
  const next = entries.find((entry) => (entry.key?.[2] ?? '') > key);
  if (next) {
    lines.splice(next.index, 0, `${newLine},`);
  } else {
    const last = entries[entries.length - 1];
    lines[last.index] = last.line.replace(/\],?(\s*)$/, '],$1');
    lines.splice(last.index + 1, 0, newLine);
  }
  const start = (block.index ?? 0) + open.length;
  const edited = text.slice(0, start) + lines.join('\n') + text.slice(start + body.length);
  try {
    return parseJson<{ compilerOptions?: { paths?: Record<string, unknown> } }>(edited).compilerOptions?.paths?.[key]
      ? edited
      : undefined;
  } catch {
    return undefined;
  }
}
