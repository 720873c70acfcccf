import type { MCPServerFactory, ProtocolEra } from '../server/config';
import { buildV1TestServer } from './test-servers-v1';
import { buildV2TestServer, type TestServerSpec } from './test-servers-v2';

/** Options of {@link createTestServerFactory}. */
export interface TestServerFactoryOptions {
  /** Per-user notes; create it in the test so isolation is visible there. Default a fresh Map. */
  store?: Map<string, string[]>;
  /** Server name. Default `mcp-auth-test`. */
  name?: string;
  /**
   * Which SDK builds the servers: `v2` (`@modelcontextprotocol/server`, serves both eras) or `v1`
   * (`@modelcontextprotocol/sdk` 1.x, the 2025 era only). Default `v2`.
   */
  sdk?: 'v1' | 'v2';
}

/** A counting factory of real SDK servers. */
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
  /** The era the wrapper named for each call (`legacy` when it named none), in order. */
  readonly eras: ProtocolEra[];
  store: Map<string, string[]>;
}

/**
 * A real SDK server per call with tools scoped to the userId it was built for: `whoami` → the
 * userId; `echo({ text })`; `auth_info` → the `authInfo` the SDK hands the tool; `remember({ note })`
 * / `recall` → that user's notes in `store`; `slow({ ms })` → waits (or until cancelled), then
 * answers `done` (graceful-shutdown and cancellation tests).
 *
 * @example
 * const store = new Map<string, string[]>();
 * const fixture = createTestServerFactory({ store });
 * wrapServer({ serverFactory: fixture.factory, ... });
 * expect(fixture.calls).toBe(0);
 */
export function createTestServerFactory(options: TestServerFactoryOptions = {}): TestServerFactory {
  const store = options.store ?? new Map<string, string[]>();
  const state = { calls: 0, closed: 0, userIds: [] as string[], accessTokens: [] as string[], eras: [] as ProtocolEra[] };
  const factory: MCPServerFactory = async (accessToken, userId, _factoryOptions, context) => {
    state.calls += 1;
    state.userIds.push(userId);
    state.accessTokens.push(accessToken);
    state.eras.push(context?.era ?? 'legacy');
    const spec: TestServerSpec = {
      name: options.name ?? 'mcp-auth-test',
      userId,
      store,
      remember: (note) => {
        const notes = store.get(userId) ?? [];
        notes.push(note);
        store.set(userId, notes);
        return `stored ${notes.length}`;
      },
      wait: waitOrAbort,
    };
    const server = options.sdk === 'v1' ? buildV1TestServer(spec) : buildV2TestServer(spec);
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
    get eras() {
      return state.eras;
    },
    store,
  };
}

/** Waits `ms`, or less when `signal` aborts first (a cancelled call never outlives the test that cancelled it). */
function waitOrAbort(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
