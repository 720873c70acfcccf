export default {
  displayName: 'transport-stdio',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/transport-stdio',
};
