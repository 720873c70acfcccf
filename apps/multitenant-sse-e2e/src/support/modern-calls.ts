// 2026-07-28 tool calls as raw requests (no session: any replica may answer), and a listener for
// `subscriptions/listen` through the v2 SDK client.
import { connectV2Client, modernRequest, rawRequest, type ConnectedV2Client } from '@mcp-factory/mcp-auth/testing';
import { tokenFor } from './clients';

/** What one raw 2026-07-28 `tools/call` came back with; `status` 0 when the connection failed. */
export interface ModernCallOutcome {
  status: number;
  isError?: boolean;
  text?: string;
  structured?: unknown;
}

/** One 2026-07-28 `tools/call` as `userId`; never throws (a failed connection is status 0). */
export async function modernCall(baseUrl: string, userId: string, name: string, args: Record<string, unknown> = {}): Promise<ModernCallOutcome> {
  const { body, headers } = modernRequest('tools/call', { name, arguments: args });
  try {
    const response = await rawRequest(`${baseUrl}/mcp`, { method: 'POST', headers: { ...headers, Authorization: `Bearer ${await tokenFor(userId)}` }, body, timeoutMs: 20_000 });
    const result = (response.json as { result?: { isError?: boolean; content?: Array<{ text?: string }>; structuredContent?: unknown } } | undefined)?.result;
    return { status: response.status, isError: result?.isError === true, text: result?.content?.[0]?.text, structured: result?.structuredContent };
  } catch {
    return { status: 0 };
  }
}

/** The messages `list_greetings` returns for `userId` (up to 100), through a 2026-07-28 call. */
export async function modernMessages(baseUrl: string, userId: string): Promise<string[]> {
  const outcome = await modernCall(baseUrl, userId, 'list_greetings', { limit: 100 });
  if (outcome.status !== 200 || outcome.isError) throw new Error(`list_greetings failed: ${outcome.status} ${outcome.text ?? ''}`);
  return (outcome.structured as { greetings: Array<{ message: string }> }).greetings.map((g) => g.message);
}

/** A 2026-07-28 client with an open `subscriptions/listen` stream for tool-list changes, counting what it hears. */
export interface ToolsListener {
  readonly changes: number;
  close(): Promise<void>;
}

export async function listenForToolChanges(baseUrl: string, userId: string): Promise<ToolsListener> {
  const connected: ConnectedV2Client = await connectV2Client({ baseUrl, token: await tokenFor(userId), era: 'modern' });
  let changes = 0;
  connected.client.setNotificationHandler('notifications/tools/list_changed', () => {
    changes += 1;
  });
  const subscription = await connected.client.listen({ toolsListChanged: true });
  return {
    get changes() {
      return changes;
    },
    async close() {
      await subscription.close().catch(() => undefined);
      await connected.close();
    },
  };
}
