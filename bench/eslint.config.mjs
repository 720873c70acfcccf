// bench/ is a harness, not a product project: besides feature/util libs it may reach data-access for
// its fixtures (scratch databases) and the data-access benchmark. Everything else as the root config.
import root, { depConstraints } from '../eslint.config.mjs';

export default [
  ...root,
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: true, allow: ['@mcp-factory/data-access', '@mcp-factory/data-access/testing'], depConstraints },
      ],
    },
  },
];
