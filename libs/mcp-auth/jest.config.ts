export default {
  displayName: 'mcp-auth',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/mcp-auth',
};
