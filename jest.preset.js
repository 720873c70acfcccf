// Shared jest settings: ts-jest (CommonJS) in a node environment for every project.
const { nxPreset } = require('@nx/jest/preset');

module.exports = {
  ...nxPreset,
  // Node, plus a kill of any child process a test file left running (see the file).
  testEnvironment: require.resolve('./tools/workspace/src/jest/node-environment.js'),
  // jose 6 ships ESM only: let ts-jest turn it into CommonJS instead of ignoring node_modules.
  transformIgnorePatterns: ['/node_modules/(?!(jose)/)', '/tools/workspace/src/jest/'],
  transform: {
    '^.+\\.(ts|js|mts|mjs|cts|cjs)$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: { warnOnly: false } }],
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  // Finds the PostgreSQL server for suites that need one (or the reason to skip them), once per run.
  globalSetup: require.resolve('./tools/workspace/src/jest/global-setup.js'),
  // The default reporter, plus totals for `npm test`'s one-line summary (tools/scripts/run-tests.mjs).
  reporters: ['default', require.resolve('./tools/workspace/src/jest/results-reporter.js')],
  // The machine is shared and busy: 5 s is too tight for a database round trip under load.
  // Cold starts (PGlite, child processes) get their own, longer timeouts in beforeAll.
  testTimeout: 30_000,
};
