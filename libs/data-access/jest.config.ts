export default {
  displayName: 'data-access',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/data-access',
  // A fresh PGlite runs initdb (~5 s alone, longer on a busy 2-core machine).
  testTimeout: 60_000,
};
