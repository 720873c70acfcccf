import { addToolLibrary } from './register-tool-library';

const PATH = 'apps/x/src/tool-libraries.ts';
const WEATHER = { symbol: 'weatherTools', importPath: '@mcp-factory/tools-weather' };

const ONE_LINE = `import type { ToolLibrary } from '@mcp-factory/core-factory';
import { helloTools } from '@mcp-factory/tools-hello';

export const toolLibraries: readonly ToolLibrary[] = [helloTools];
`;

const MULTI_LINE = `import type { ToolLibrary } from '@mcp-factory/core-factory';
import { helloTools } from '@mcp-factory/tools-hello';
import { calendarTools } from '@mcp-factory/tools-calendar';
import { something } from './local';

export const toolLibraries: readonly ToolLibrary[] = [
  helloTools,
  calendarTools
];
`;

describe('addToolLibrary', () => {
  it('adds the import after the last tool-library import and appends to the array', () => {
    expect(addToolLibrary(MULTI_LINE, WEATHER, PATH)).toBe(`import type { ToolLibrary } from '@mcp-factory/core-factory';
import { helloTools } from '@mcp-factory/tools-hello';
import { calendarTools } from '@mcp-factory/tools-calendar';
import { weatherTools } from '@mcp-factory/tools-weather';
import { something } from './local';

export const toolLibraries: readonly ToolLibrary[] = [
  helloTools,
  calendarTools,
  weatherTools,
];
`);
  });

  it('is idempotent', () => {
    const once = addToolLibrary(ONE_LINE, WEATHER, PATH);
    expect(once).toContain('[helloTools, weatherTools]');
    expect(addToolLibrary(once, WEATHER, PATH)).toBe(once);
  });

  it('completes a half-done registration without doubling what is there', () => {
    const importOnly = ONE_LINE.replace(
      "tools-hello';\n",
      "tools-hello';\nimport { weatherTools } from '@mcp-factory/tools-weather';\n",
    );
    expect(addToolLibrary(importOnly, WEATHER, PATH)).toBe(addToolLibrary(ONE_LINE, WEATHER, PATH));
    const arrayOnly = ONE_LINE.replace('[helloTools]', '[helloTools, weatherTools]');
    expect(addToolLibrary(arrayOnly, WEATHER, PATH)).toBe(addToolLibrary(ONE_LINE, WEATHER, PATH));
  });

  it('fills an empty array', () => {
    const empty = ONE_LINE.replace("import { helloTools } from '@mcp-factory/tools-hello';\n", '').replace(
      '[helloTools]',
      '[]',
    );
    expect(addToolLibrary(empty, WEATHER, PATH)).toBe(`import type { ToolLibrary } from '@mcp-factory/core-factory';
import { weatherTools } from '@mcp-factory/tools-weather';

export const toolLibraries: readonly ToolLibrary[] = [weatherTools];
`);
  });

  it('refuses a file without the toolLibraries array, naming it', () => {
    expect(() => addToolLibrary('export const libs = [];\n', WEATHER, PATH)).toThrow(
      expect.objectContaining({
        code: 'ERR_WORKSPACE_UNRECOGNISED',
        message: `${PATH}: expected "export const toolLibraries: readonly ToolLibrary[] = [...];" to register the tool library in`,
      }),
    );
  });
});
