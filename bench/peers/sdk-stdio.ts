// Peer: a bare @modelcontextprotocol/sdk stdio server as the SDK's README writes one (McpServer +
// registerTool + StdioServerTransport), with tools-hello's tool shapes. P5 bundles it with esbuild, as
// the packed app is bundled, so both start from one file.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { echoInput, otherTools } from './hello-shape';

const server = new McpServer({ name: 'bare-sdk-stdio', version: '1.0.0' });
server.registerTool('echo', { title: 'Echo', description: 'Returns the text you send, unchanged.', inputSchema: echoInput }, async ({ text }) => ({
  content: [{ type: 'text', text }],
}));
for (const tool of otherTools) {
  server.registerTool(tool.name, { description: tool.description, inputSchema: tool.input }, async () => ({ content: [{ type: 'text', text: 'n/a' }] }));
}
process.stdin.on('end', () => process.exit(0));
void server.connect(new StdioServerTransport());
