// Shared jest settings: ts-jest (CommonJS) in a node environment for every project.
const { nxPreset } = require('@nx/jest/preset');

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  // jose 6 ships ESM only: let ts-jest turn it into CommonJS instead of ignoring node_modules.
  transformIgnorePatterns: ['/node_modules/(?!(jose)/)'],
  transform: {
    '^.+\\.(ts|js|mts|mjs|cts|cjs)$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: { warnOnly: false } }],
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
};
