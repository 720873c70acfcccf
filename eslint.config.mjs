// Workspace lint rules. The depConstraints table is the architecture: an app never imports an app,
// a lib never imports an app, only feature libs reach data-access, data-access reaches util only,
// transports reach util only, and tool libraries (scope:tools) reach nothing that yields a database,
// a server for another user or raw SQL (the tool-library block below).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nx from '@nx/eslint-plugin';

// Blocks that name paths carry `basePath: workspaceRoot`: `nx lint` runs ESLint from the project's
// folder with the project's config, where a bare `libs/...` pattern would match nothing.
const workspaceRoot = dirname(fileURLToPath(import.meta.url));

/** `libs/<name>` and `apps/<name>` of every project whose project.json carries `tag`. */
function projectRootsTagged(tag) {
  const roots = [];
  for (const group of ['libs', 'apps']) {
    const dir = join(workspaceRoot, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const file = join(dir, name, 'project.json');
      if (existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).tags?.includes(tag)) roots.push(`${group}/${name}`);
    }
  }
  return roots;
}

/** npm packages that open a database: a tool library reaches data only through `ctx.db()`. */
const DATABASE_PACKAGES = ['pg', 'pg-*', 'prisma', '@prisma/*', '@electric-sql/*', 'pglite-prisma-adapter'];

export const depConstraints = [
  // by type
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:transport', 'type:util'] },
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util'] },
  // Transports (mcp-auth, transport-stdio) serve whatever server factory they are given: no core-factory, no data.
  { sourceTag: 'type:transport', onlyDependOnLibsWithTags: ['type:util'] },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:util'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:feature', 'type:transport', 'type:util', 'type:test-tools'] },
  // Tool libraries that exist to be loaded by e2e suites only (no app may import them).
  { sourceTag: 'type:test-tools', onlyDependOnLibsWithTags: ['type:feature', 'type:util'] },
  { sourceTag: 'type:plugin', onlyDependOnLibsWithTags: ['type:util'] },
  // by scope
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tools'], bannedExternalImports: DATABASE_PACKAGES },
  { sourceTag: 'scope:desktop', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tools', 'scope:desktop'] },
  { sourceTag: 'scope:service', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tools', 'scope:service'] },
  { sourceTag: 'scope:workspace', onlyDependOnLibsWithTags: ['scope:shared'] },
];

const TOOL_CODE = 'Tool libraries run inside every tenant’s server and reach data only through ctx.db()';

/**
 * What a tool library's code (not its specs, which build servers to test it) may not import: the
 * host entry (createServer for any user, getDatabase: every tenant), test fixtures, and data-access
 * at run time (type-only imports are erased, so `import type { Note }` is allowed).
 */
const toolLibraryRules = {
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      paths: [
        { name: '@mcp-factory/core-factory/host', message: `${TOOL_CODE}: the host entry builds servers for any user and opens the whole database.` },
        { name: '@mcp-factory/core-factory/testing', message: `${TOOL_CODE}: test fixtures belong in *.spec.ts files.` },
        { name: '@mcp-factory/data-access', allowTypeImports: true, message: `${TOOL_CODE}: import types only (import type { … }).` },
        { name: '@mcp-factory/data-access/testing', message: `${TOOL_CODE}: test fixtures belong in *.spec.ts files.` },
        { name: 'module', message: `${TOOL_CODE}: createRequire would load anything.` },
        { name: 'node:module', message: `${TOOL_CODE}: createRequire would load anything.` },
      ],
      patterns: [{ group: ['**/*.spec', '**/*.test'], message: `${TOOL_CODE}: specs are not library code.` }],
    },
  ],
  'no-restricted-syntax': [
    'error',
    { selector: 'ImportExpression', message: `${TOOL_CODE}: import statically, so the module-boundary rules can see it.` },
    { selector: "CallExpression[callee.name='require']", message: `${TOOL_CODE}: import statically, so the module-boundary rules can see it.` },
  ],
  'no-restricted-properties': ['error', { object: 'process', property: 'env', message: `${TOOL_CODE}: configuration comes from the app, not the environment.` }],
};

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/generated', '**/tmp', '**/.nx', '**/coverage', 'bench/results'],
  },
  {
    files: ['**/*.ts', '**/*.js'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints,
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Libraries never write to stdout: in the stdio app it carries the MCP protocol.
    basePath: workspaceRoot,
    files: ['libs/*/src/**/*.ts', 'apps/standalone-stdio/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.test.ts'],
    rules: {
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  ...toolLibraryBlocks(projectRootsTagged('scope:tools')),
];

function toolLibraryBlocks(roots) {
  if (!roots.length) return [];
  return [{ basePath: workspaceRoot, files: roots.map((root) => `${root}/**/*.ts`), ignores: ['**/*.spec.ts', '**/*.test.ts'], rules: toolLibraryRules }];
}
