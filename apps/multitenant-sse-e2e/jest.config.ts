export default {
  displayName: 'multitenant-sse-e2e',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/multitenant-sse-e2e',
  // Tests start the service from source (tsx) and wait for it; at load 20+ on 2 cores a start-up that
  // ends in a clear exit took over 30 s. Generous, so that a test fails only when it is stuck.
  testTimeout: 150_000,
  // Each file starts real service processes; one file at a time keeps a 2-core machine (and RSS samples) calm.
  maxWorkers: 1,
};
