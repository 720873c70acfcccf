// Clients of the service under test: tokens signed with the service's secret, SDK clients, metrics.
import { connectClient, rawRequest, signTestToken, type ConnectedClient } from '@mcp-factory/mcp-auth/testing';
import { E2E_AUDIENCE, E2E_ISSUER, E2E_JWT_SECRET } from './service-process';

export type TransportKind = 'streamable-http' | 'sse';
export const TRANSPORTS: readonly TransportKind[] = ['streamable-http', 'sse'];

/** A bearer token the service accepts for `userId`. */
export function tokenFor(userId: string): Promise<string> {
  return signTestToken({ sub: userId }, E2E_JWT_SECRET, { issuer: E2E_ISSUER, audience: E2E_AUDIENCE, expiresIn: '15m' });
}

/** The SDK `Client` connected as `userId` over `transport`. */
export async function connectAs(baseUrl: string, userId: string, transport: TransportKind): Promise<ConnectedClient> {
  return connectClient({ baseUrl, token: await tokenFor(userId), transport });
}

/** `tools/call` result as the client saw it. */
export interface ToolOutcome {
  isError: boolean;
  text: string;
  structured?: unknown;
}

export async function callTool(connected: ConnectedClient, name: string, args: Record<string, unknown> = {}): Promise<ToolOutcome> {
  const result = await connected.client.callTool({ name, arguments: args }, undefined, { timeout: 20_000 });
  const content = (result.content ?? []) as Array<{ type: string; text?: string }>;
  return { isError: result.isError === true, text: content[0]?.text ?? '', structured: result.structuredContent };
}

/** The messages list_greetings returns for the connected user (up to 100). */
export async function listMessages(connected: ConnectedClient): Promise<string[]> {
  const outcome = await callTool(connected, 'list_greetings', { limit: 100 });
  if (outcome.isError) throw new Error(`list_greetings failed: ${outcome.text}`);
  const greetings = (outcome.structured as { greetings: Array<{ message: string }> }).greetings;
  return greetings.map((g) => g.message);
}

/** What hello_computer answers (and stores) for `name` called by `userId`. */
export function greetingFor(name: string, userId: string): string {
  return `Hello, ${name}! This server is running for user "${userId}".`;
}

/** GET a path of the service. */
export function get(baseUrl: string, path: string) {
  return rawRequest(new URL(path, baseUrl).toString(), { timeoutMs: 10_000 });
}

/** Sum of a Prometheus metric's samples whose labels contain `labels`. */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const labelText = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) sum += Number(match[3]);
  }
  return sum;
}

/** Active sessions (all transports) as /metrics reports them. */
export async function activeSessions(baseUrl: string): Promise<number> {
  const res = await get(baseUrl, '/metrics');
  return metricSum(res.body, 'mcp_sessions_active');
}

/**
 * Goes away without a DELETE: the SDK's `close()` only aborts its own requests and streams
 * (`terminateSession()` would send the DELETE), so the server must notice on its own (idle eviction).
 */
export async function dropClient(connected: ConnectedClient): Promise<void> {
  await connected.close().catch(() => undefined);
}

/** Waits until `check` returns true, polling every `intervalMs`, at most `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < Math.ceil(timeoutMs / intervalMs) + 1 && Date.now() < deadline; i++) {
    if (await check().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return check().catch(() => false);
}
