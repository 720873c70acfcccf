export default {
  displayName: 'standalone-stdio-e2e',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/standalone-stdio-e2e',
  testTimeout: 60_000,
};
