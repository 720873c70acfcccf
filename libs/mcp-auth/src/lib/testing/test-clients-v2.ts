import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { firstText } from './test-clients';

/** Options of {@link connectV2Client}. */
export interface ConnectV2ClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:1234`. */
  baseUrl: string;
  /** Bearer token sent on every request via `requestInit.headers`. */
  token: string;
  /**
   * The era the client asks for: `modern` pins 2026-07-28 (no fallback), `auto` probes with
   * `server/discover` and falls back to `initialize`, `legacy` performs the 2025 handshake.
   * Default `modern`.
   */
  era?: 'modern' | 'auto' | 'legacy';
  /** Path override. Default `/mcp`. */
  path?: string;
}

/** A connected v2 SDK client and a way to close it. */
export interface ConnectedV2Client {
  client: Client;
  /** The era the connection landed on. */
  readonly era: 'legacy' | 'modern' | undefined;
  /** `tools/call` and the first text content. */
  callText(name: string, args?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/**
 * Connects the v2 SDK's `Client` (`@modelcontextprotocol/client`) over Streamable HTTP with
 * `Authorization: Bearer <token>` on every request — a 2026-07-28 client by default.
 *
 * @example
 * const modern = await connectV2Client({ baseUrl: url, token });
 * expect(modern.era).toBe('modern');
 * await modern.callText('whoami');
 */
export async function connectV2Client(options: ConnectV2ClientOptions): Promise<ConnectedV2Client> {
  const era = options.era ?? 'modern';
  const mode = era === 'modern' ? ({ pin: '2026-07-28' } as const) : era;
  const client = new Client({ name: 'mcp-auth-test-client', version: '1.0.0' }, { versionNegotiation: { mode } });
  const transport = new StreamableHTTPClientTransport(new URL(options.path ?? '/mcp', options.baseUrl), {
    requestInit: { headers: { Authorization: `Bearer ${options.token}` } },
  });
  await client.connect(transport);
  return {
    client,
    get era() {
      return client.getProtocolEra();
    },
    async callText(name, args = {}) {
      return firstText(await client.callTool({ name, arguments: args }));
    },
    async close() {
      await client.close();
    },
  };
}
