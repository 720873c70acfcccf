import { WorkspaceUnrecognisedError } from '../../lib/errors';

/** The `.prettierrc` print width: a longer array is written one library per line. */
const PRINT_WIDTH = 110;

/** `export const toolLibraries: readonly ToolLibrary[] = [ … ];` — the one list each app keeps. */
const TOOL_LIBRARIES_ARRAY = /(export\s+const\s+toolLibraries\b[^=]*=\s*\[)([^\]]*)(\])/;

/** What an app imports to compose a tool library. */
export interface ToolLibraryEntry {
  /** The exported `ToolLibrary`, e.g. `weatherTools`. */
  readonly symbol: string;
  /** Where it comes from, e.g. `@mcp-factory/tools-weather`. */
  readonly importPath: string;
}

/**
 * Adds a tool library to an app's `tool-libraries.ts` source: the import (after the other imports)
 * and the symbol at the end of the `toolLibraries` array. Idempotent: what is already there is kept.
 * Throws ERR_WORKSPACE_UNRECOGNISED, naming `filePath`, when the file has no such array.
 *
 * @example
 * addToolLibrary(source, { symbol: 'weatherTools', importPath: '@mcp-factory/tools-weather' }, path);
 * // import { weatherTools } from '@mcp-factory/tools-weather';
 * // export const toolLibraries: readonly ToolLibrary[] = [helloTools, weatherTools];
 */
export function addToolLibrary(source: string, entry: ToolLibraryEntry, filePath: string): string {
  const match = TOOL_LIBRARIES_ARRAY.exec(source);
  if (!match) {
    throw new WorkspaceUnrecognisedError(
      `${filePath}: expected "export const toolLibraries: readonly ToolLibrary[] = [...];" to register the tool library in`,
    );
  }
  const [whole, open, body, close] = match;
  const items = body
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  let result = source;
  if (!items.includes(entry.symbol)) {
    const lineStart = source.lastIndexOf('\n', match.index) + 1;
    const prefix = source.slice(lineStart, match.index);
    result = source.slice(0, match.index) + open + arrayBody([...items, entry.symbol], body, prefix + open) + close + source.slice(match.index + whole.length);
  }
  return hasImport(result, entry) ? result : insertImport(result, entry);
}

/** Keeps a one-line array on one line while it fits, and a multi-line array multi-line. */
function arrayBody(items: string[], oldBody: string, lineHead: string): string {
  const oneLine = items.join(', ');
  if (!oldBody.includes('\n') && (lineHead + oneLine + '];').length <= PRINT_WIDTH) return oneLine;
  const indent = /\n([ \t]+)\S/.exec(oldBody)?.[1] ?? '  ';
  return `\n${items.map((item) => `${indent}${item},`).join('\n')}\n`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function hasImport(source: string, entry: ToolLibraryEntry): boolean {
  const from = new RegExp(`import\\s*\\{[^}]*\\b${escapeRegExp(entry.symbol)}\\b[^}]*\\}\\s*from\\s*['"]${escapeRegExp(entry.importPath)}['"]`);
  return from.test(source);
}

/** Inserts the import after the last tool-library import, or else after the last import. */
function insertImport(source: string, entry: ToolLibraryEntry): string {
  const line = `import { ${entry.symbol} } from '${entry.importPath}';`;
  const imports = [...source.matchAll(/^import\b[^;]*;[ \t]*$/gm)];
  const toolImports = imports.filter((found) => /from\s*['"]@mcp-factory\/tools-/.test(found[0]));
  const after = toolImports.at(-1) ?? imports.at(-1);
  if (!after) return `${line}\n${source}`;
  const end = (after.index ?? 0) + after[0].length;
  return `${source.slice(0, end)}\n${line}${source.slice(end)}`;
}
