export default {
  displayName: 'tools-hello',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/tools-hello',
};
