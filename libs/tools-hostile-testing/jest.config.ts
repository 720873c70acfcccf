export default {
  displayName: 'tools-hostile-testing',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/tools-hostile-testing',
};
