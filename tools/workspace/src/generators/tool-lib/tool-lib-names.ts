import { ToolLibNameInvalidError, ToolLibNameReservedError } from '../../lib/errors';

/** Names the workspace's own libraries use, or that would read as one of them. */
export const RESERVED_TOOL_LIB_NAMES: readonly string[] = [
  'hello',
  'core',
  'factory',
  'auth',
  'data',
  'util',
  'workspace',
  'shared',
  'mcp',
  'transport',
];

/** Longest accepted name: tool names (`<snake>_note_save`) and generated lines stay short. */
export const MAX_TOOL_LIB_NAME_LENGTH = 30;

const KEBAB_CASE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Every name the generator derives from one tool-lib name. */
export interface ToolLibNames {
  /** As given, kebab-case: `weather-alerts`. Also the `defineToolLibrary` name and the note-key prefix. */
  readonly name: string;
  /** `tools-weather-alerts` */
  readonly projectName: string;
  /** `libs/tools-weather-alerts` */
  readonly projectRoot: string;
  /** `@mcp-factory/tools-weather-alerts` */
  readonly importPath: string;
  /** `weather_alerts`: the prefix of every tool name, which keeps tool names unique across libs. */
  readonly snake: string;
  /** `weatherAlerts` */
  readonly camel: string;
  /** `weatherAlertsTools`: the exported `ToolLibrary`. */
  readonly librarySymbol: string;
  /** `Weather alerts` */
  readonly title: string;
}

/**
 * Checks a tool-lib name and returns it; throws ERR_TOOL_LIB_NAME_INVALID or ERR_TOOL_LIB_NAME_RESERVED
 * with one message that says what to type instead.
 */
export function validateToolLibName(name: unknown): string {
  if (typeof name !== 'string' || name === '') {
    throw new ToolLibNameInvalidError('A tool-lib name is required, in kebab-case (e.g. weather or weather-alerts)');
  }
  if (name.startsWith('tools-')) {
    throw new ToolLibNameInvalidError(
      `Invalid tool-lib name "${name}": leave out the "tools-" prefix, the generator adds it (try "${name.slice('tools-'.length)}")`,
    );
  }
  if (!KEBAB_CASE.test(name)) {
    throw new ToolLibNameInvalidError(
      `Invalid tool-lib name "${name}": use kebab-case, lowercase letters and digits in dash-separated words starting with a letter (e.g. weather-alerts)`,
    );
  }
  if (name.length > MAX_TOOL_LIB_NAME_LENGTH) {
    throw new ToolLibNameInvalidError(
      `Invalid tool-lib name "${name}": at most ${MAX_TOOL_LIB_NAME_LENGTH} characters, it prefixes every tool name`,
    );
  }
  if (RESERVED_TOOL_LIB_NAMES.includes(name)) {
    throw new ToolLibNameReservedError(
      `Reserved tool-lib name "${name}": ${RESERVED_TOOL_LIB_NAMES.join(', ')} belong to the workspace, pick another`,
    );
  }
  return name;
}

/** Derives the project, path, symbol and tool-name forms of a valid tool-lib name. */
export function toolLibNames(name: string): ToolLibNames {
  const words = name.split('-');
  const camel = words[0] + words.slice(1).map((word) => word[0].toUpperCase() + word.slice(1)).join('');
  return {
    name,
    projectName: `tools-${name}`,
    projectRoot: `libs/tools-${name}`,
    importPath: `@mcp-factory/tools-${name}`,
    snake: words.join('_'),
    camel,
    librarySymbol: `${camel}Tools`,
    title: words.join(' ').replace(/^./, (first) => first.toUpperCase()),
  };
}
