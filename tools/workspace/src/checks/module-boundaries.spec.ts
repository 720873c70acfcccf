// Proves the architecture is enforced, not merely documented: each deliberate violation below must
// be a lint error with the workspace's real ESLint config — linted from the workspace root and, for
// the tool-library rules, from the project's folder as `nx lint` runs it.
import { resolve } from 'node:path';
import { ESLint } from 'eslint';

const workspace = resolve(__dirname, '../../../..');

interface Problem {
  ruleId: string | null;
  message: string;
}

async function lintErrors(filePath: string, code: string, cwd = workspace): Promise<Problem[]> {
  const eslint = new ESLint({ cwd: resolve(workspace, cwd) });
  const [result] = await eslint.lintText(code, { filePath: resolve(workspace, filePath) });
  return result.messages.filter((message) => message.severity === 2).map(({ ruleId, message }) => ({ ruleId, message }));
}

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  return (await lintErrors(filePath, code)).filter((p) => p.ruleId === '@nx/enforce-module-boundaries').map((p) => p.message);
}

const TOOL_FILE = 'libs/tools-hello/src/violation.ts';
const TOOL_SPEC = 'libs/tools-hello/src/violation.spec.ts';

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
    const errors = await boundaryErrors('libs/data-access/src/violation.ts', "import { wrapServer } from '@mcp-factory/mcp-auth';\nexport const x = wrapServer;\n");
    expect(errors.join('\n')).toMatch(/type:data-access/);
  });

  it('a tool lib importing a transport (desktop scope) breaks the rules', async () => {
    const errors = await boundaryErrors(TOOL_FILE, "import { serveStdio } from '@mcp-factory/transport-stdio';\nexport const x = serveStdio;\n");
    // Nx names the first constraint broken: the type rule (feature → no transport) before the scope rule.
    expect(errors.join('\n')).toMatch(/"type:feature" can only depend on|"scope:tools"/);
  });

  it('an allowed import is clean', async () => {
    expect(await lintErrors('libs/tools-hello/src/allowed.ts', "import { defineTool } from '@mcp-factory/core-factory';\nexport const x = defineTool;\n")).toEqual([]);
  });
});

describe('tool libraries reach data only through ctx', () => {
  it.each([
    ['the core-factory host entry (createServer for any user, getDatabase)', "import { getDatabase } from '@mcp-factory/core-factory/host';\nexport const x = getDatabase;\n"],
    ['core-factory test fixtures', "import { resultText } from '@mcp-factory/core-factory/testing';\nexport const x = resultText;\n"],
    ['data-access at run time', "import { openDatabase } from '@mcp-factory/data-access';\nexport const x = openDatabase;\n"],
    ['data-access test fixtures', "import type { TestDatabase } from '@mcp-factory/data-access/testing';\nexport type X = TestDatabase;\n"],
    ["node's module loader", "import { createRequire } from 'node:module';\nexport const x = createRequire;\n"],
  ])('importing %s is an error, from the root and from the project folder (nx lint)', async (_what, code) => {
    for (const cwd of ['.', 'libs/tools-hello']) {
      const errors = await lintErrors(TOOL_FILE, code, cwd);
      expect({ cwd, rules: errors.map((e) => e.ruleId) }).toEqual({ cwd, rules: ['@typescript-eslint/no-restricted-imports'] });
      expect(errors[0].message).toMatch(/reach data only through ctx\.db\(\)/);
    }
  });

  it.each([
    ['pg', "import { Client } from 'pg';\nexport const x = Client;\n"],
    ['@prisma/client', "import { PrismaClient } from '@prisma/client';\nexport const x = PrismaClient;\n"],
    ['@electric-sql/pglite', "import { PGlite } from '@electric-sql/pglite';\nexport const x = PGlite;\n"],
  ])('importing the database driver %s is an error', async (name, code) => {
    expect(await boundaryErrors(TOOL_FILE, code)).toEqual([`A project tagged with "scope:tools" is not allowed to import "${name}"`]);
  });

  it('importing data-access types only is clean: they are erased', async () => {
    const code = "import type { Note } from '@mcp-factory/data-access';\nimport { type Greeting } from '@mcp-factory/data-access';\nexport type X = Note | Greeting;\n";
    expect(await lintErrors(TOOL_FILE, code, 'libs/tools-hello')).toEqual([]);
  });

  it('a dynamic import, require() or process.env is an error', async () => {
    const code = "export const a = import('@mcp-factory/data-access');\nexport const b = require('pg');\nexport const c = process.env['DATABASE_URL'];\n";
    const rules = (await lintErrors(TOOL_FILE, code, 'libs/tools-hello')).map((e) => e.ruleId);
    expect(rules).toEqual(expect.arrayContaining(['no-restricted-syntax', 'no-restricted-syntax', 'no-restricted-properties']));
  });

  it("a tool lib's spec may build servers with the host entry and fixtures", async () => {
    const code =
      "import { createServer, getDatabase } from '@mcp-factory/core-factory/host';\nimport { resultText } from '@mcp-factory/core-factory/testing';\nimport { describeEachEngine } from '@mcp-factory/data-access/testing';\nexport const x = [createServer, getDatabase, resultText, describeEachEngine];\n";
    expect(await lintErrors(TOOL_SPEC, code, 'libs/tools-hello')).toEqual([]);
  });

  it('library code may not import a spec file (the exemption is for tests, not for code)', async () => {
    const errors = await lintErrors(TOOL_FILE, "import { x } from './lib/hello-tools.spec';\nexport const y = x;\n", 'libs/tools-hello');
    expect(errors.map((e) => e.ruleId)).toContain('@typescript-eslint/no-restricted-imports');
  });

  it('holds the hostile test library to the same rules, and keeps it out of every app', async () => {
    const errors = await lintErrors('libs/tools-hostile-testing/src/violation.ts', "import { getDatabase } from '@mcp-factory/core-factory/host';\nexport const x = getDatabase;\n");
    expect(errors.map((e) => e.ruleId)).toEqual(['@typescript-eslint/no-restricted-imports']);
    const fromApp = await boundaryErrors('apps/multitenant-sse/src/violation.ts', "import { hostileTools } from '@mcp-factory/tools-hostile-testing';\nexport const x = hostileTools;\n");
    expect(fromApp.join('\n')).toMatch(/type:app/);
    expect(await boundaryErrors('apps/multitenant-sse-e2e/src/allowed.ts', "import { HOSTILE_DOORS } from '@mcp-factory/tools-hostile-testing';\nexport const x = HOSTILE_DOORS;\n")).toEqual([]);
  });

  it('keeps the conformance test library out of every app, and to the rules of a tool library', async () => {
    const errors = await lintErrors('libs/tools-conformance-testing/src/violation.ts', "import { createServer } from '@mcp-factory/core-factory/host';\nexport const x = createServer;\n");
    expect(errors.map((e) => e.ruleId)).toEqual(['@typescript-eslint/no-restricted-imports']);
    const fromApp = await boundaryErrors('apps/standalone-stdio/src/violation.ts', "import { conformanceTools } from '@mcp-factory/tools-conformance-testing';\nexport const x = conformanceTools;\n");
    expect(fromApp.join('\n')).toMatch(/type:app/);
    expect(await boundaryErrors('apps/multitenant-sse-e2e/src/allowed.ts', "import { CONFORMANCE_TOOL_NAMES } from '@mcp-factory/tools-conformance-testing';\nexport const x = CONFORMANCE_TOOL_NAMES;\n")).toEqual([]);
  });
});

describe('transports serve any factory: no core-factory, no data', () => {
  it.each([
    ['libs/mcp-auth/src/violation.ts', '@mcp-factory/core-factory', 'defineTool'],
    ['libs/mcp-auth/src/violation.ts', '@mcp-factory/data-access', 'openDatabase'],
    ['libs/transport-stdio/src/violation.ts', '@mcp-factory/core-factory', 'defineTool'],
    ['libs/transport-stdio/src/violation.ts', '@mcp-factory/data-access', 'openDatabase'],
  ])('%s importing %s is an error', async (file, from, name) => {
    const errors = await boundaryErrors(file, `import { ${name} } from '${from}';\nexport const x = ${name};\n`);
    expect(errors.join('\n')).toMatch(/type:transport/);
  });
});
