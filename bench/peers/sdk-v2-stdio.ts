// Peer: a bare @modelcontextprotocol/server v2 stdio server as its docs write one — serveStdio(factory)
// from the `./stdio` subpath, the factory building a v2 McpServer with tools-hello's tool shapes (the
// same factory serves both eras). P5 bundles it with esbuild, as the packed app is bundled.
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';
import { echoInput, otherTools } from './hello-shape';

serveStdio(() => {
  const server = new McpServer({ name: 'bare-sdk-v2-stdio', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.registerTool('echo', { title: 'Echo', description: 'Returns the text you send, unchanged.', inputSchema: z.object(echoInput) }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));
  for (const tool of otherTools) {
    server.registerTool(tool.name, { description: tool.description, inputSchema: z.object(tool.input) }, async () => ({ content: [{ type: 'text', text: 'n/a' }] }));
  }
  return server;
});
