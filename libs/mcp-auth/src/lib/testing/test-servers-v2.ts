import { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

/** What one test server is built for. */
export interface TestServerSpec {
  name: string;
  userId: string;
  store: Map<string, string[]>;
  /** Stores a note for the user; answers `stored <n>`. */
  remember(note: string): string;
  /** Waits `ms` or until `signal` aborts. */
  wait(ms: number, signal: AbortSignal): Promise<void>;
}

/**
 * The test tools on a v2 `McpServer` (`@modelcontextprotocol/server`), which serves both protocol
 * eras: `whoami`, `echo`, `auth_info` (what the SDK hands the tool as `authInfo`), `remember`/`recall`
 * (per-user notes) and `slow` (waits, or stops when cancelled). `tools/list` answers may be cached
 * privately for a minute (2026-07-28 `ttlMs`/`cacheScope`): the list depends on the user.
 */
export function buildV2TestServer(spec: TestServerSpec): McpServer {
  const { userId, store } = spec;
  const server = new McpServer(
    { name: spec.name, version: '1.0.0' },
    {
      capabilities: { tools: { listChanged: true } },
      cacheHints: { 'tools/list': { ttlMs: 60_000, cacheScope: 'private' } },
    },
  );
  const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });
  server.registerTool('whoami', { description: 'Returns the userId this server was built for' }, async () => text(userId));
  server.registerTool('echo', { description: 'Returns the text you send', inputSchema: z.object({ text: z.string() }) }, async ({ text: value }) => text(value));
  server.registerTool('auth_info', { description: 'The authInfo the SDK hands this tool' }, async (ctx) => {
    const info = ctx.http?.authInfo;
    return text(JSON.stringify({ clientId: info?.clientId, userId: info?.extra?.['userId'], scopes: info?.scopes }));
  });
  server.registerTool('remember', { description: 'Stores a note for this user', inputSchema: z.object({ note: z.string() }) }, async ({ note }) => text(spec.remember(note)));
  server.registerTool('recall', { description: "Lists this user's notes" }, async () => text(JSON.stringify(store.get(userId) ?? [])));
  server.registerTool('slow', { description: 'Waits ms (or until cancelled), then answers', inputSchema: z.object({ ms: z.number() }) }, async ({ ms }, ctx) => {
    await spec.wait(ms, ctx.mcpReq.signal);
    return text(ctx.mcpReq.signal.aborted ? 'cancelled' : 'done');
  });
  return server;
}
