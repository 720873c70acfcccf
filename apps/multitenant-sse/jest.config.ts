export default {
  displayName: 'multitenant-sse',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/multitenant-sse',
};
