// Test helpers for projects that build on core-factory. Not for production code.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export interface ConnectedClient {
  client: Client;
  /** Closes the client and the server. */
  close(): Promise<void>;
}

/** Connects a real SDK `Client` to a server over an in-memory transport pair. */
export async function connectInMemoryClient(server: Server, clientName = 'test-client'): Promise<ConnectedClient> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: clientName, version: '1.0.0' });
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  return {
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

/** The text of a tool result's first content item. */
export function resultText(result: unknown): string {
  const content = (result as CallToolResult).content ?? [];
  const first = content[0];
  return first && first.type === 'text' ? first.text : '';
}
