export default {
  displayName: 'standalone-stdio',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/standalone-stdio',
};
