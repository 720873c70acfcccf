export default {
  displayName: 'core-factory',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/core-factory',
};
