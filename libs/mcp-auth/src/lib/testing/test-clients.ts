import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** Options of {@link connectClient}. */
export interface ConnectClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:1234`. */
  baseUrl: string;
  /** Bearer token sent on every request via `requestInit.headers`. */
  token: string;
  /** `streamable-http` (POST /mcp) or `sse` (GET /sse + POST /messages). */
  transport: 'streamable-http' | 'sse';
  /** Path override. Defaults `/mcp` and `/sse`. */
  path?: string;
}

/** A connected SDK client and a way to close it. */
export interface ConnectedClient {
  client: Client;
  /** Session id (Streamable HTTP, stateful) once connected. */
  readonly sessionId: string | undefined;
  /** `tools/call` and the first text content. */
  callText(name: string, args?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** Connects the SDK's real `Client` with `Authorization: Bearer <token>` on every request. */
export async function connectClient(options: ConnectClientOptions): Promise<ConnectedClient> {
  const headers = { Authorization: `Bearer ${options.token}` };
  const client = new Client({ name: 'mcp-auth-test-client', version: '1.0.0' });
  const transport =
    options.transport === 'sse'
      ? new SSEClientTransport(new URL(options.path ?? '/sse', options.baseUrl), { requestInit: { headers } })
      : new StreamableHTTPClientTransport(new URL(options.path ?? '/mcp', options.baseUrl), { requestInit: { headers } });
  await client.connect(transport);
  return {
    client,
    get sessionId() {
      return transport instanceof StreamableHTTPClientTransport ? transport.sessionId : undefined;
    },
    async callText(name, args = {}) {
      return firstText(await client.callTool({ name, arguments: args }));
    },
    async close() {
      await client.close();
    },
  };
}

/** The first text content of a `tools/call` result ('' when there is none), for either SDK line's client. */
export function firstText(result: object): string {
  const content = ((result as { content?: unknown }).content ?? []) as Array<{ type: string; text?: string }>;
  return content[0]?.text ?? '';
}

/** A raw HTTP response. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** `body` parsed as JSON, when it is. */
  json: unknown;
}

/**
 * One HTTP request with node:http (no client-side magic): for status/header checks, slow bodies
 * (`body` as an async iterable of chunks) and exact byte comparisons.
 */
export function rawRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | AsyncIterable<string>; timeoutMs?: number } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: { Connection: 'close', ...init.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (init.timeoutMs) req.setTimeout(init.timeoutMs, () => req.destroy(new Error('client timeout')));
    const body = init.body;
    if (body === undefined) req.end();
    else if (typeof body === 'string') req.end(body);
    else
      void (async () => {
        try {
          for await (const chunk of body) {
            if (req.destroyed) return;
            req.write(chunk);
          }
          req.end();
        } catch (error) {
          req.destroy(error as Error);
        }
      })();
  });
}
