// Workspace lint rules. The depConstraints table is the architecture: an app never imports an app,
// a lib never imports an app, only feature libs reach data-access, and data-access reaches util only.
import nx from '@nx/eslint-plugin';

export const depConstraints = [
  // by type
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:util'] },
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util'] },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:util'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:feature', 'type:util'] },
  { sourceTag: 'type:plugin', onlyDependOnLibsWithTags: ['type:util'] },
  // by scope
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tools'] },
  { sourceTag: 'scope:desktop', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tools', 'scope:desktop'] },
  { sourceTag: 'scope:service', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tools', 'scope:service'] },
  { sourceTag: 'scope:workspace', onlyDependOnLibsWithTags: ['scope:shared'] },
];

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
    files: ['libs/*/src/**/*.ts', 'apps/standalone-stdio/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.test.ts'],
    rules: {
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
];
