export default {
  displayName: 'tools-conformance-testing',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/tools-conformance-testing',
};
