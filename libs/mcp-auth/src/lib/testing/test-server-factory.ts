import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { MCPServerFactory } from '../server/config';

/** Options of {@link createTestServerFactory}. */
export interface TestServerFactoryOptions {
  /** Per-user notes; create it in the test so isolation is visible there. Default a fresh Map. */
  store?: Map<string, string[]>;
  /** Server name. Default `mcp-auth-test`. */
  name?: string;
}

/** A counting factory of real SDK `McpServer`s. */
export interface TestServerFactory {
  factory: MCPServerFactory;
  /** How many servers the factory has built. */
  readonly calls: number;
  /** How many of them have been closed. */
  readonly closed: number;
  /** userId of each call, in order. */
  readonly userIds: string[];
  /** The access token each call received, in order. */
  readonly accessTokens: string[];
  store: Map<string, string[]>;
}

/**
 * A real `McpServer` per call with tools scoped to the userId it was built for:
 * `whoami` → the userId; `remember({ note })` / `recall` → that user's notes in `store`;
 * `slow({ ms })` → waits (or until cancelled), then answers `done` (graceful-shutdown and cancellation tests).
 *
 * @example
 * const store = new Map<string, string[]>();
 * const fixture = createTestServerFactory({ store });
 * wrapServer({ serverFactory: fixture.factory, ... });
 * expect(fixture.calls).toBe(0);
 */
export function createTestServerFactory(options: TestServerFactoryOptions = {}): TestServerFactory {
  const store = options.store ?? new Map<string, string[]>();
  const state = { calls: 0, closed: 0, userIds: [] as string[], accessTokens: [] as string[] };
  const factory: MCPServerFactory = async (accessToken, userId) => {
    state.calls += 1;
    state.userIds.push(userId);
    state.accessTokens.push(accessToken);
    const server = new McpServer({ name: options.name ?? 'mcp-auth-test', version: '1.0.0' });
    const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });
    server.registerTool('whoami', { description: 'Returns the userId this server was built for' }, async () => text(userId));
    server.registerTool('remember', { description: 'Stores a note for this user', inputSchema: { note: z.string() } }, async ({ note }) => {
      const notes = store.get(userId) ?? [];
      notes.push(note);
      store.set(userId, notes);
      return text(`stored ${notes.length}`);
    });
    server.registerTool('recall', { description: "Lists this user's notes" }, async () => text(JSON.stringify(store.get(userId) ?? [])));
    server.registerTool('slow', { description: 'Waits ms (or until cancelled), then answers', inputSchema: { ms: z.number() } }, async ({ ms }, extra) => {
      // A cancelled call stops waiting, so a long `ms` never outlives the test that cancelled it.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        extra.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
      return text(extra.signal.aborted ? 'cancelled' : 'done');
    });
    const close = server.close.bind(server);
    server.close = async () => {
      state.closed += 1;
      await close();
    };
    return server;
  };
  return {
    factory,
    get calls() {
      return state.calls;
    },
    get closed() {
      return state.closed;
    },
    get userIds() {
      return state.userIds;
    },
    get accessTokens() {
      return state.accessTokens;
    },
    store,
  };
}
