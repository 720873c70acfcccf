// Runs the generator on a virtual tree seeded like this workspace: the files it emits, the tags,
// the path mapping, the registration in every app, and each refusal leaving the tree untouched.
import { readProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import * as ts from 'typescript';
import { toolLibGenerator } from './generator';

const TSCONFIG_BASE = `{
  "compilerOptions": {
    "baseUrl": ".",
    "paths": {
      "@mcp-factory/core-factory": ["libs/core-factory/src/index.ts"],
      "@mcp-factory/tools-hello": ["libs/tools-hello/src/index.ts"],
      "@mcp-factory/transport-stdio": ["libs/transport-stdio/src/index.ts"]
    }
  },
  "exclude": ["node_modules", "tmp", "dist"]
}
`;

const TOOL_LIBRARIES = `// The tool libraries this app serves: the one place to list them (the tool-lib generator edits it).
import type { ToolLibrary } from '@mcp-factory/core-factory';
import { helloTools } from '@mcp-factory/tools-hello';

export const toolLibraries: readonly ToolLibrary[] = [helloTools];
`;

const APPS = ['standalone-stdio', 'multitenant-sse'];

/** The house layout of a tool lib (libs/tools-hello), for a lib named `weather-alerts`. */
const EXPECTED_FILES = [
  'README.md',
  'eslint.config.mjs',
  'jest.config.ts',
  'project.json',
  'src/index.ts',
  'src/lib/note-key.ts',
  'src/lib/weather-alerts-note-get.tool.ts',
  'src/lib/weather-alerts-note-save.tool.ts',
  'src/lib/weather-alerts-tools.spec.ts',
  'src/lib/weather-alerts-tools.ts',
  'tsconfig.json',
  'tsconfig.lib.json',
  'tsconfig.spec.json',
];

function seededTree(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  tree.write('tsconfig.base.json', TSCONFIG_BASE);
  for (const app of APPS) tree.write(`apps/${app}/src/tool-libraries.ts`, TOOL_LIBRARIES);
  tree.write('apps/standalone-stdio-e2e/src/stdio-app.e2e.spec.ts', '// no tool-libraries.ts here\n');
  return tree;
}

function read(tree: Tree, path: string): string {
  const content = tree.read(path, 'utf-8');
  if (content === null) throw new Error(`${path} was not written`);
  return content;
}

function filesUnder(tree: Tree, dir: string): string[] {
  return tree.children(dir).flatMap((child) => {
    const path = `${dir}/${child}`;
    return tree.isFile(path) ? [path] : filesUnder(tree, path);
  });
}

/** Every file and its content: a refusal must leave this identical. */
function snapshot(tree: Tree): Map<string, string> {
  return new Map(filesUnder(tree, '.').map((path) => [path, read(tree, path)]));
}

describe('tool-lib generator', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = seededTree();
  });

  describe('for a new name', () => {
    beforeEach(async () => {
      await toolLibGenerator(tree, { name: 'weather-alerts' });
    });

    it('emits exactly the house layout, and every .ts file parses', () => {
      const root = 'libs/tools-weather-alerts';
      expect(filesUnder(tree, root).map((path) => path.slice(root.length + 1)).sort()).toEqual(EXPECTED_FILES);
      for (const file of EXPECTED_FILES.filter((path) => path.endsWith('.ts'))) {
        const { diagnostics } = ts.transpileModule(read(tree, `${root}/${file}`), {
          reportDiagnostics: true,
          fileName: file,
        });
        expect({ file, diagnostics: diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')) }).toEqual({
          file,
          diagnostics: [],
        });
      }
      expect(tree.children(root)).not.toContain('files');
    });

    it('registers the project with the feature and tools tags', () => {
      const project = readProjectConfiguration(tree, 'tools-weather-alerts');
      expect(project.root).toBe('libs/tools-weather-alerts');
      expect(project.sourceRoot).toBe('libs/tools-weather-alerts/src');
      expect(project.projectType).toBe('library');
      expect(project.tags).toEqual(['type:feature', 'scope:tools']);
    });

    it('writes tools named after the lib on the scoped note model, exported from index.ts only by name', () => {
      const lib = 'libs/tools-weather-alerts/src';
      const save = read(tree, `${lib}/lib/weather-alerts-note-save.tool.ts`);
      const get = read(tree, `${lib}/lib/weather-alerts-note-get.tool.ts`);
      expect(save).toContain("name: 'weather_alerts_note_save'");
      expect(save).toContain('export const weatherAlertsNoteSaveTool = defineTool({');
      expect(save).toContain('await ctx.db()');
      expect(save).toContain('db.note.upsert(');
      expect(get).toContain("name: 'weather_alerts_note_get'");
      expect(get).toContain('db.note.findUnique(');
      expect(read(tree, `${lib}/lib/note-key.ts`)).toContain("NOTE_KEY_PREFIX = 'weather-alerts:'");
      // Too long for one 110-column line, so wrapped the way prettier would.
      expect(read(tree, `${lib}/lib/weather-alerts-tools.ts`)).toContain(
        "export const weatherAlertsTools = defineToolLibrary('weather-alerts', [\n  weatherAlertsNoteSaveTool,\n  weatherAlertsNoteGetTool,\n]);\n",
      );
      const index = read(tree, `${lib}/index.ts`);
      expect(index).not.toMatch(/export \*/);
      expect(index).toContain("export { weatherAlertsTools } from './lib/weather-alerts-tools';");
    });

    it('writes a spec through createServer and the SDK client on every test engine', () => {
      const spec = read(tree, 'libs/tools-weather-alerts/src/lib/weather-alerts-tools.spec.ts');
      expect(spec).toContain("describeEachEngine('weather-alerts tools', (engine) => {");
      expect(spec).toContain('createServer(');
      expect(spec).toContain('connectInMemoryClient(');
      // Both protocol eras: the 1.x client's session, and the v2 client on 2026-07-28.
      expect(spec).toContain('connectModernClient(() => createServer(');
      // The database opens and the servers start in beforeAll, under a timeout a busy machine meets.
      const beforeAll = /beforeAll\(async \(\) => \{([\s\S]*?)\n {2}\}, OPEN_TIMEOUT_MS\);/.exec(spec)?.[1] ?? '';
      expect(beforeAll).toContain('await ensureInitialized();');
      expect(beforeAll).toContain('connectInMemoryClient(await createServer(');
      const timeout = (constant: string) => Number(new RegExp(`const ${constant} = ([\\d_]+);`).exec(spec)?.[1].replace(/_/g, ''));
      expect(timeout('OPEN_TIMEOUT_MS')).toBeGreaterThanOrEqual(60_000);
      expect(timeout('TEST_TIMEOUT_MS')).toBeGreaterThanOrEqual(60_000);
      // Each test passes its own timeout (the last argument of it()).
      expect(spec.match(/^\s+TEST_TIMEOUT_MS,\n\s+\);$/gm)?.length).toBe(spec.match(/^\s+it\(/gm)?.length);
      expect(spec).toContain("const SAVE = 'weather_alerts_note_save';");
      expect(spec).toContain("[{ key: 'weather-alerts:k', value: 'two' }]");
      expect(spec).not.toMatch(/<%|%>/);
    });

    it('writes a README naming the import path, the tags and both tools', () => {
      const readme = read(tree, 'libs/tools-weather-alerts/README.md');
      expect(readme).toMatch(/^# tools-weather-alerts \(`@mcp-factory\/tools-weather-alerts`\)/);
      expect(readme).toContain('`type:feature`, `scope:tools`');
      expect(readme).toContain('`weather_alerts_note_save`');
      expect(readme).toContain('`weather_alerts_note_get`');
    });

    it('maps the import path in tsconfig.base.json in sorted position, keeping the layout', () => {
      expect(read(tree, 'tsconfig.base.json')).toBe(
        TSCONFIG_BASE.replace(
          '      "@mcp-factory/transport-stdio"',
          '      "@mcp-factory/tools-weather-alerts": ["libs/tools-weather-alerts/src/index.ts"],\n      "@mcp-factory/transport-stdio"',
        ),
      );
    });

    it('registers the library in every app that has a tool-libraries.ts', () => {
      for (const app of APPS) {
        expect(read(tree, `apps/${app}/src/tool-libraries.ts`)).toBe(
          TOOL_LIBRARIES.replace(
            "from '@mcp-factory/tools-hello';\n",
            "from '@mcp-factory/tools-hello';\nimport { weatherAlertsTools } from '@mcp-factory/tools-weather-alerts';\n",
          ).replace('[helloTools]', '[helloTools, weatherAlertsTools]'),
        );
      }
      expect(tree.exists('apps/standalone-stdio-e2e/src/tool-libraries.ts')).toBe(false);
    });

    it('appends a second library after the first, with unique tool names', async () => {
      await toolLibGenerator(tree, { name: 'calendar' });
      const source = read(tree, 'apps/multitenant-sse/src/tool-libraries.ts');
      expect(source).toContain('[helloTools, weatherAlertsTools, calendarTools]');
      expect(source.indexOf("from '@mcp-factory/tools-weather-alerts'")).toBeLessThan(
        source.indexOf("import { calendarTools } from '@mcp-factory/tools-calendar';"),
      );
      expect(read(tree, 'libs/tools-calendar/src/lib/calendar-note-save.tool.ts')).toContain("name: 'calendar_note_save'");
      expect(read(tree, 'libs/tools-calendar/src/lib/calendar-tools.ts')).toContain(
        "export const calendarTools = defineToolLibrary('calendar', [calendarNoteSaveTool, calendarNoteGetTool]);\n",
      );
      expect(Object.keys(JSON.parse(read(tree, 'tsconfig.base.json')).compilerOptions.paths)).toEqual([
        '@mcp-factory/core-factory',
        '@mcp-factory/tools-calendar',
        '@mcp-factory/tools-hello',
        '@mcp-factory/tools-weather-alerts',
        '@mcp-factory/transport-stdio',
      ]);
    });
  });

  it('maps the path at the end of the block when it sorts last', async () => {
    tree.write('tsconfig.base.json', TSCONFIG_BASE.replace(/,\n\s*"@mcp-factory\/transport-stdio".*\]/, ''));
    await toolLibGenerator(tree, { name: 'zoo' });
    expect(read(tree, 'tsconfig.base.json')).toContain(
      '      "@mcp-factory/tools-hello": ["libs/tools-hello/src/index.ts"],\n' +
        '      "@mcp-factory/tools-zoo": ["libs/tools-zoo/src/index.ts"]\n    }',
    );
  });

  it('falls back to rewriting tsconfig.base.json when paths is empty', async () => {
    tree.write('tsconfig.base.json', '{ "compilerOptions": { "paths": {} } }\n');
    await toolLibGenerator(tree, { name: 'weather' });
    expect(JSON.parse(read(tree, 'tsconfig.base.json')).compilerOptions.paths).toEqual({
      '@mcp-factory/tools-weather': ['libs/tools-weather/src/index.ts'],
    });
  });

  it('wraps a long one-line array one library per line', async () => {
    const long = TOOL_LIBRARIES.replace('[helloTools]', '[helloTools, aaaaaaaaaaaaaaaaTools, bbbbbbbbbbbbbbbbbbbbTools]');
    tree.write('apps/standalone-stdio/src/tool-libraries.ts', long);
    await toolLibGenerator(tree, { name: 'weather' });
    expect(read(tree, 'apps/standalone-stdio/src/tool-libraries.ts')).toContain(
      '= [\n  helloTools,\n  aaaaaaaaaaaaaaaaTools,\n  bbbbbbbbbbbbbbbbbbbbTools,\n  weatherTools,\n];\n',
    );
  });

  describe('refuses, with one clear message and nothing written,', () => {
    async function expectRefusal(name: string, code: string, message: string | RegExp): Promise<void> {
      const before = snapshot(tree);
      await expect(toolLibGenerator(tree, { name })).rejects.toMatchObject({
        code,
        message: typeof message === 'string' ? message : expect.stringMatching(message),
      });
      expect(snapshot(tree)).toEqual(before);
    }

    it.each([
      ['WeatherAlerts', /^Invalid tool-lib name "WeatherAlerts": use kebab-case/],
      ['weather_alerts', /^Invalid tool-lib name "weather_alerts": use kebab-case/],
      ['weather--alerts', /use kebab-case/],
      ['-weather', /use kebab-case/],
      ['weather-', /use kebab-case/],
      ['1weather', /use kebab-case/],
      ['', 'A tool-lib name is required, in kebab-case (e.g. weather or weather-alerts)'],
      ['a'.repeat(31), /at most 30 characters/],
    ])('a name that is not kebab-case: %j', async (name, message) => {
      await expectRefusal(name, 'ERR_TOOL_LIB_NAME_INVALID', message);
    });

    it('a name starting with tools-', async () => {
      await expectRefusal(
        'tools-weather',
        'ERR_TOOL_LIB_NAME_INVALID',
        'Invalid tool-lib name "tools-weather": leave out the "tools-" prefix, the generator adds it (try "weather")',
      );
    });

    it.each(['hello', 'core', 'factory', 'auth', 'data', 'util', 'workspace'])('the reserved name %s', async (name) => {
      await expectRefusal(name, 'ERR_TOOL_LIB_NAME_RESERVED', new RegExp(`^Reserved tool-lib name "${name}": .* pick another$`));
    });

    it('a name that already exists (second run)', async () => {
      await toolLibGenerator(tree, { name: 'weather' });
      await expectRefusal(
        'weather',
        'ERR_TOOL_LIB_EXISTS',
        'Tool lib "weather" already exists (libs/tools-weather exists; project tools-weather exists; ' +
          'tsconfig.base.json already maps @mcp-factory/tools-weather): pick another name',
      );
    });

    it('a name whose import path is already mapped', async () => {
      tree.write('tsconfig.base.json', TSCONFIG_BASE.replace('tools-hello', 'tools-weather'));
      await expectRefusal('weather', 'ERR_TOOL_LIB_EXISTS', /tsconfig.base.json already maps @mcp-factory\/tools-weather/);
    });

    it('an app whose tool-libraries.ts has another shape, naming the file', async () => {
      tree.write('apps/multitenant-sse/src/tool-libraries.ts', 'export const toolLibraries = makeList();\n');
      await expectRefusal(
        'weather',
        'ERR_WORKSPACE_UNRECOGNISED',
        /^apps\/multitenant-sse\/src\/tool-libraries\.ts: expected "export const toolLibraries/,
      );
    });
  });
});
