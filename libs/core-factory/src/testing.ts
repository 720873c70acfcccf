// Test helpers for projects that build on core-factory: real SDK clients of both protocol eras,
// connected in-process to servers from the factory. Not for production code.
import { Client as ModernClient, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport as LegacyTransport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { createMcpHandler, InMemoryTransport, type CallToolResult, type ElicitResult, type Server } from '@modelcontextprotocol/server';

export type { LegacyClient, ModernClient };

/** `legacy`: MCP 2025-11-25 (and earlier), an `initialize`d session. `modern`: 2026-07-28, per request. */
export type ProtocolEra = 'legacy' | 'modern';
export const PROTOCOL_ERAS: readonly ProtocolEra[] = Object.freeze(['legacy', 'modern']);

export interface ConnectedClient<C = LegacyClient> {
  client: C;
  /** Closes the client and what serves it. */
  close(): Promise<void>;
}

/** A question as the client is asked it (`elicitation/create` params). */
export interface ElicitationPrompt {
  message: string;
  requestedSchema?: unknown;
}

export interface TestClientOptions {
  /** `clientInfo.name`. Default `test-client`. */
  name?: string;
  /**
   * Answers the server's questions like a user would. Given, the client declares form elicitation;
   * omitted, it declares none (a tool that asks then gets an `isError` result).
   */
  onElicit?: (prompt: ElicitationPrompt) => ElicitResult | Promise<ElicitResult>;
}

/** What both eras' clients offer: enough to drive a tool library's tests once per era. */
export interface EraClient {
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<ToolCallOutcome>;
  listTools(): Promise<{ tools: Array<{ name: string; inputSchema: object }> }>;
}

/** A `tools/call` result as either client returns it. */
export interface ToolCallOutcome {
  [field: string]: unknown;
  content?: unknown;
  structuredContent?: unknown;
  isError?: unknown;
}

const VERSION = '1.0.0';

/**
 * The 2025-era client: a real `@modelcontextprotocol/sdk` 1.x `Client`, connected to `server` over an
 * in-memory pair after the `initialize` handshake, as Claude Desktop or an agent SDK on 1.x connects.
 */
export async function connectInMemoryClient(server: Server, options: string | TestClientOptions = {}): Promise<ConnectedClient<LegacyClient>> {
  const { name = 'test-client', onElicit } = typeof options === 'string' ? { name: options } : options;
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new LegacyClient({ name, version: VERSION }, { capabilities: onElicit ? { elicitation: {} } : {} });
  if (onElicit) client.setRequestHandler(ElicitRequestSchema, async (request) => onElicit(request.params));
  // The pair is the v2 SDK's; the 1.x client drives the same Transport contract.
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport as unknown as LegacyTransport)]);
  return {
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

/**
 * The 2026-era client: a real `@modelcontextprotocol/client` v2 `Client` pinned to 2026-07-28, served
 * in-process by the SDK's `createMcpHandler(factory)` (a fresh server per request, as the service
 * builds them): the SDK's documented no-socket test wiring. It answers input-required results itself,
 * through `onElicit`.
 */
export async function connectModernClient(factory: () => Server | Promise<Server>, options: TestClientOptions = {}): Promise<ConnectedClient<ModernClient>> {
  const { name = 'test-client', onElicit } = options;
  const handler = createMcpHandler(() => factory(), { legacy: 'reject' });
  const transport = new StreamableHTTPClientTransport(new URL('http://in-process.test/mcp'), {
    fetch: (url, init) => handler.fetch(new Request(url, init)),
  });
  const client = new ModernClient(
    { name, version: VERSION },
    { capabilities: onElicit ? { elicitation: { form: {} } } : {}, versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
  if (onElicit) client.setRequestHandler('elicitation/create', async (request) => onElicit(request.params));
  await client.connect(transport);
  return {
    client,
    close: async () => {
      await client.close();
      await handler.close();
    },
  };
}

/** A client of `era` for servers from `factory`: {@link connectInMemoryClient} or {@link connectModernClient}. */
export async function connectClient(era: ProtocolEra, factory: () => Promise<Server>, options: TestClientOptions = {}): Promise<ConnectedClient<EraClient>> {
  return era === 'legacy' ? connectInMemoryClient(await factory(), options) : connectModernClient(factory, options);
}

/** The text of a tool result's first content item. */
export function resultText(result: unknown): string {
  const content = (result as CallToolResult).content ?? [];
  const first = content[0];
  return first && first.type === 'text' ? first.text : '';
}
