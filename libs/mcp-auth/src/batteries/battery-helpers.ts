import { createServer, type Server as HttpServer } from 'node:http';
import { connect as netConnect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { JWTAuthProvider, type JWTAuthProviderConfig } from '../lib/auth/jwt-auth-provider';
import type { ServerWrapperConfig } from '../lib/server/config';
import { wrapServer, type AuthenticatedServerWrapper } from '../lib/server/wrap-server';
import { connectClient, rawRequest, signTestToken, TEST_AUDIENCE, TEST_ISSUER, TEST_JWT_SECRET, type ConnectedClient, type RawResponse, type TestServerFactory } from '../testing';

/*
 * Shared by the security batteries (`*.battery.spec.ts`). Kept free of jest globals so it also
 * type-checks with the library tsconfig. Every helper talks to 127.0.0.1 only and is bounded in time.
 */

/** A JSON-RPC `initialize` request as a raw client would send it. */
export const INIT_BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'battery', version: '1' } },
});

/** Headers the Streamable HTTP transport requires on a POST. */
export const MCP_HEADERS: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

/** A started wrapper and its base URL. */
export interface StartedServer {
  wrapped: AuthenticatedServerWrapper;
  url: string;
}

/**
 * Starts `wrapServer` on 127.0.0.1:0 with a `JWTAuthProvider` (HS256 test secret, test issuer and
 * audience, `requiredScopes: ['mcp']` unless overridden) and the given fixture's factory.
 */
export async function startWrapped(
  fixture: TestServerFactory,
  overrides: Partial<ServerWrapperConfig> = {},
  auth: JWTAuthProviderConfig = { jwtSecret: TEST_JWT_SECRET, audience: TEST_AUDIENCE, issuer: TEST_ISSUER, requiredScopes: ['mcp'] },
): Promise<StartedServer> {
  const wrapped = wrapServer({
    serverFactory: fixture.factory,
    authProvider: new JWTAuthProvider(auth),
    resourceType: 'battery',
    ...overrides,
    transport: { type: 'http', port: 0, host: '127.0.0.1', ...overrides.transport },
  });
  const { url } = await wrapped.start();
  return { wrapped, url };
}

/**
 * The wrapper and SDK clients one test starts, all closed by `reset()` (the battery's `afterEach`).
 *
 * @example
 * const t = new PerTest();
 * afterEach(() => t.reset());
 * const { url } = await t.start(createTestServerFactory());
 * const alice = await t.connect(url, 'alice');
 */
export class PerTest {
  server: StartedServer | undefined;
  private clients: ConnectedClient[] = [];

  async start(...args: Parameters<typeof startWrapped>): Promise<StartedServer> {
    this.server = await startWrapped(...args);
    return this.server;
  }

  /** The SDK client over Streamable HTTP as `sub`, with scope `mcp`. */
  async connect(url: string, sub: string): Promise<ConnectedClient> {
    const client = await connectClient({ baseUrl: url, token: await signTestToken({ sub, scope: 'mcp' }), transport: 'streamable-http' });
    this.clients.push(client);
    return client;
  }

  async reset(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close().catch(() => undefined)));
    this.clients = [];
    await this.server?.wrapped.stop();
    this.server = undefined;
  }
}

/** `error.data.code` of one of our JSON-RPC error bodies, if present. */
export function errorCode(res: RawResponse): string | undefined {
  return (res.json as { error?: { data?: { code?: string } } } | undefined)?.error?.data?.code;
}

/** The auth-params of a `WWW-Authenticate: Bearer …` challenge (`undefined` when it is not Bearer). */
export function parseBearerChallenge(header: string | string[] | undefined): Record<string, string> | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || !/^Bearer(\s|$)/.test(value)) return undefined;
  const params: Record<string, string> = {};
  for (const m of value.slice(6).matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)) params[m[1]] = m[2].replace(/\\(.)/g, '$1');
  return params;
}

/** GET /health with a short deadline; true on 200. */
export async function healthy(url: string): Promise<boolean> {
  try {
    return (await rawRequest(`${url}/health`, { timeoutMs: 2000 })).status === 200;
  } catch {
    return false;
  }
}

/**
 * `GET` on a path that opens an SSE stream: resolves with the status and headers as soon as they
 * arrive, then aborts the stream (an accepted `/sse` never ends by itself).
 */
export async function openStream(url: string, headers: Record<string, string>, timeoutMs = 3000): Promise<{ status: number; headers: Headers; body: string }> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  try {
    const res = await fetch(url, { headers, signal: ac.signal });
    // A refusal is a short JSON body; an accepted stream is left unread.
    const body = res.status === 200 ? '' : await res.text();
    return { status: res.status, headers: res.headers, body };
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
}

/**
 * Writes raw bytes on a fresh TCP connection and collects what comes back until the peer closes
 * (or `timeoutMs`). A reset after some bytes arrived still resolves with those bytes.
 * `readAfterWrite` reads nothing until the whole payload is written, as a blocking client
 * (`sendall`, then `recv`) does: a server that closes mid-upload then costs it the answer.
 */
export function rawExchange(port: number, payload: string | Buffer, timeoutMs = 3000, readAfterWrite = false): Promise<{ text: string; error?: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = netConnect({ host: '127.0.0.1', port });
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString('latin1'), error: (error as NodeJS.ErrnoException | undefined)?.code ?? error?.message });
    };
    const timer = setTimeout(() => finish(new Error('timeout')), timeoutMs);
    if (readAfterWrite) socket.pause();
    socket.on('connect', () =>
      socket.write(payload, (error) => {
        if (error) finish(error);
        else if (readAfterWrite) socket.resume();
      }),
    );
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (e) => finish(e));
  });
}

/** `global.gc`, exposed at runtime (jest does not pass `--expose-gc`). */
export function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** heapUsed after two full collections, in bytes. */
export function settledHeap(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** A tiny JWKS endpoint on 127.0.0.1:0 that counts fetches; `keys` may be replaced (rotation). */
export interface JwksServer {
  url: string;
  readonly hits: number;
  keys: unknown[];
  close(): Promise<void>;
}

/** Serves `{ keys }` at `/jwks.json` on 127.0.0.1:0. */
export async function startJwksServer(keys: unknown[]): Promise<JwksServer> {
  const state = { hits: 0, keys };
  const server: HttpServer = createServer((req, res) => {
    if (req.url !== '/jwks.json') {
      res.statusCode = 404;
      res.end();
      return;
    }
    state.hits += 1;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    get hits() {
      return state.hits;
    },
    get keys() {
      return state.keys;
    },
    set keys(value: unknown[]) {
      state.keys = value;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** The JSON-RPC messages of a 200 answer: the `data:` lines of an SSE stream, or a JSON body (one or a batch). */
export function messagesOf(res: RawResponse): unknown[] {
  const type = String(res.headers['content-type'] ?? '');
  if (type.startsWith('text/event-stream')) {
    return res.body
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => JSON.parse(line.slice(5)));
  }
  const json = JSON.parse(res.body);
  return Array.isArray(json) ? json : [json];
}

/** Polls `check` every 10 ms until it is true; false when `timeoutMs` passes first. */
export async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
