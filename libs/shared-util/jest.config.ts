export default {
  displayName: 'shared-util',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/shared-util',
};
