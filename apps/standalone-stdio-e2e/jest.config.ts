export default {
  displayName: 'standalone-stdio-e2e',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/standalone-stdio-e2e',
  // Each test launches the app (tsx or the bundle) several times; at load 20+ on 2 cores one launch took
  // over 15 s (a second full suite and other work running). Generous, so a test fails only when stuck.
  testTimeout: 180_000,
};
