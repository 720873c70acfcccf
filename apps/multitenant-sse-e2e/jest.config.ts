export default {
  displayName: 'multitenant-sse-e2e',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/multitenant-sse-e2e',
  testTimeout: 60_000,
  // Each file starts real service processes; one file at a time keeps a 2-core machine (and RSS samples) calm.
  maxWorkers: 1,
};
