export default {
  displayName: 'workspace',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/tools/workspace',
  testTimeout: 60_000,
};
