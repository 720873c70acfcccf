import { join } from 'node:path';
import { formatFiles, generateFiles, getProjects, parseJson, serializeJson, type Tree } from '@nx/devkit';
import { ToolLibExistsError, WorkspaceUnrecognisedError } from '../../lib/errors';
import { addToolLibrary } from './register-tool-library';
import type { ToolLibGeneratorSchema } from './schema';
import { toolLibNames, validateToolLibName, type ToolLibNames } from './tool-lib-names';
import { addTsconfigPathText } from './tsconfig-path';

const ROOT_TSCONFIG = 'tsconfig.base.json';
/** The `.prettierrc` print width, for the one generated line whose length depends on the name. */
const PRINT_WIDTH = 110;

/** One file edit, worked out before anything is written. */
interface PlannedWrite {
  readonly path: string;
  readonly content: string;
}

/**
 * `nx g @mcp-factory/workspace:tool-lib <name>`: creates `libs/tools-<name>` in the house layout
 * (tags `type:feature`, `scope:tools`; a `<name>_note_save` / `<name>_note_get` sample on the scoped
 * `note` model; a spec through `createServer` on every test engine; a README), maps
 * `@mcp-factory/tools-<name>` in tsconfig.base.json and registers the library in each app's
 * `src/tool-libraries.ts`.
 *
 * Every check runs before the first write: a refused name (ERR_TOOL_LIB_NAME_INVALID,
 * ERR_TOOL_LIB_NAME_RESERVED), an existing lib (ERR_TOOL_LIB_EXISTS) or a file it cannot edit
 * (ERR_WORKSPACE_UNRECOGNISED) leaves the tree untouched.
 *
 * @example
 * await toolLibGenerator(tree, { name: 'weather' }); // libs/tools-weather, weather_note_save, weather_note_get
 */
export async function toolLibGenerator(tree: Tree, options: ToolLibGeneratorSchema): Promise<void> {
  const names = toolLibNames(validateToolLibName(options.name));
  assertToolLibIsNew(tree, names);
  const edits = [planTsconfigPath(tree, names), ...planRegistrations(tree, names)];

  generateFiles(tree, join(__dirname, 'files'), names.projectRoot, {
    ...names,
    libraryDeclaration: libraryDeclaration(names),
  });
  for (const edit of edits) tree.write(edit.path, edit.content);
  if (isPrettierInstalled()) await formatFiles(tree);
}

export default toolLibGenerator;

function assertToolLibIsNew(tree: Tree, names: ToolLibNames): void {
  const taken = [
    tree.exists(names.projectRoot) ? `${names.projectRoot} exists` : undefined,
    getProjects(tree).has(names.projectName) ? `project ${names.projectName} exists` : undefined,
    rootPaths(tree)[names.importPath] ? `${ROOT_TSCONFIG} already maps ${names.importPath}` : undefined,
  ].filter((reason): reason is string => reason !== undefined);
  if (taken.length > 0) {
    throw new ToolLibExistsError(`Tool lib "${names.name}" already exists (${taken.join('; ')}): pick another name`);
  }
}

function rootPaths(tree: Tree): Record<string, unknown> {
  if (!tree.exists(ROOT_TSCONFIG)) {
    throw new WorkspaceUnrecognisedError(`${ROOT_TSCONFIG} not found: run the generator at the workspace root`);
  }
  return readRootTsconfig(tree).compilerOptions?.paths ?? {};
}

interface RootTsconfig {
  compilerOptions?: { paths?: Record<string, string[]> };
}

function readRootTsconfig(tree: Tree): RootTsconfig {
  try {
    return parseJson<RootTsconfig>(tree.read(ROOT_TSCONFIG, 'utf-8') ?? '');
  } catch (error) {
    throw new WorkspaceUnrecognisedError(`${ROOT_TSCONFIG} is not valid JSON`, { cause: error });
  }
}

/** tsconfig.base.json with the path added: edited as text to keep its layout, else re-serialised. */
function planTsconfigPath(tree: Tree, names: ToolLibNames): PlannedWrite {
  const text = tree.read(ROOT_TSCONFIG, 'utf-8') ?? '';
  const content =
    addTsconfigPathText(text, names.importPath, entryPoint(names)) ??
    serializeJson(withPath(readRootTsconfig(tree), names));
  return { path: ROOT_TSCONFIG, content };
}

function entryPoint(names: ToolLibNames): string {
  return `${names.projectRoot}/src/index.ts`;
}

function withPath(json: RootTsconfig, names: ToolLibNames): RootTsconfig {
  const paths = { ...(json.compilerOptions?.paths ?? {}), [names.importPath]: [entryPoint(names)] };
  const sorted = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { ...json, compilerOptions: { ...json.compilerOptions, paths: sorted } };
}

/** Each app's `src/tool-libraries.ts` with the library added (throws if one has another shape). */
function planRegistrations(tree: Tree, names: ToolLibNames): PlannedWrite[] {
  const appsDir = 'apps';
  if (!tree.exists(appsDir)) return [];
  return tree
    .children(appsDir)
    .map((app) => `${appsDir}/${app}/src/tool-libraries.ts`)
    .filter((path) => tree.exists(path))
    .map((path) => ({
      path,
      content: addToolLibrary(
        tree.read(path, 'utf-8') ?? '',
        { symbol: names.librarySymbol, importPath: names.importPath },
        path,
      ),
    }));
}

/** `export const xTools = defineToolLibrary('x', [...]);` on one line while it fits. */
function libraryDeclaration(names: ToolLibNames): string {
  const tools = [`${names.camel}NoteSaveTool`, `${names.camel}NoteGetTool`];
  const head = `export const ${names.librarySymbol} = defineToolLibrary('${names.name}', [`;
  const oneLine = `${head}${tools.join(', ')}]);`;
  return oneLine.length <= PRINT_WIDTH ? oneLine : `${head}\n${tools.map((tool) => `  ${tool},`).join('\n')}\n]);`;
}

/** formatFiles only where prettier can run; otherwise the generated text is already laid out. */
function isPrettierInstalled(): boolean {
  try {
    require.resolve('prettier');
    return true;
  } catch {
    return false;
  }
}
