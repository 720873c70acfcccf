// Proves the architecture is enforced, not merely documented: each deliberate violation below must
// be a lint error from @nx/enforce-module-boundaries with the workspace's real ESLint config.
import { resolve } from 'node:path';
import { ESLint } from 'eslint';

const workspace = resolve(__dirname, '../../../..');

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: workspace });
  const [result] = await eslint.lintText(code, { filePath: resolve(workspace, filePath) });
  return result.messages
    .filter((message) => message.ruleId === '@nx/enforce-module-boundaries' && message.severity === 2)
    .map((message) => message.message);
}

describe('module boundaries', () => {
  it('an app importing another app is an error', async () => {
    const errors = await boundaryErrors(
      'apps/standalone-stdio/src/violation.ts',
      "import { loadConfig } from '../../standalone-stdio-e2e/src/stdio-app.e2e.spec';\nexport const x = loadConfig;\n",
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('a lib importing an app is an error', async () => {
    const errors = await boundaryErrors(
      'libs/core-factory/src/violation.ts',
      "import { toolLibraries } from '../../../apps/standalone-stdio/src/tool-libraries';\nexport const x = toolLibraries;\n",
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('data-access importing a feature lib breaks the type rules', async () => {
    const errors = await boundaryErrors(
      'libs/data-access/src/violation.ts',
      "import { wrapServer } from '@mcp-factory/mcp-auth';\nexport const x = wrapServer;\n",
    );
    expect(errors.join('\n')).toMatch(/type:data-access/);
  });

  it('a tool lib importing the service scope breaks the scope rules', async () => {
    const errors = await boundaryErrors(
      'libs/tools-hello/src/violation.ts',
      "import { serveStdio } from '@mcp-factory/transport-stdio';\nexport const x = serveStdio;\n",
    );
    expect(errors.join('\n')).toMatch(/scope:tools/);
  });

  it('an allowed import is clean', async () => {
    const errors = await boundaryErrors(
      'libs/tools-hello/src/allowed.ts',
      "import { defineTool } from '@mcp-factory/core-factory';\nexport const x = defineTool;\n",
    );
    expect(errors).toEqual([]);
  });
});
