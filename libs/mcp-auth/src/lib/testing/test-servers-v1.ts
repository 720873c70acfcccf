import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { TestServerSpec } from './test-servers-v2';

/**
 * The test tools on an `@modelcontextprotocol/sdk` 1.x `McpServer` — the server the 2025-era path
 * served before the v2 packages, kept to prove a 1.x factory still works there.
 */
export function buildV1TestServer(spec: TestServerSpec): McpServer {
  const { userId, store } = spec;
  const server = new McpServer({ name: spec.name, version: '1.0.0' });
  const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });
  server.registerTool('whoami', { description: 'Returns the userId this server was built for' }, async () => text(userId));
  server.registerTool('echo', { description: 'Returns the text you send', inputSchema: { text: z.string() } }, async ({ text: value }) => text(value));
  server.registerTool('auth_info', { description: 'The authInfo the SDK hands this tool' }, async (extra) =>
    text(JSON.stringify({ clientId: extra.authInfo?.clientId, userId: extra.authInfo?.extra?.['userId'], scopes: extra.authInfo?.scopes })),
  );
  server.registerTool('remember', { description: 'Stores a note for this user', inputSchema: { note: z.string() } }, async ({ note }) => text(spec.remember(note)));
  server.registerTool('recall', { description: "Lists this user's notes" }, async () => text(JSON.stringify(store.get(userId) ?? [])));
  server.registerTool('slow', { description: 'Waits ms (or until cancelled), then answers', inputSchema: { ms: z.number() } }, async ({ ms }, extra) => {
    await spec.wait(ms, extra.signal);
    return text(extra.signal.aborted ? 'cancelled' : 'done');
  });
  return server;
}
