// Our load generator: an undici Pool (keep-alive) on 127.0.0.1, N workers in flight, bounded by a
// request count AND wall time. Latency is per request, send → full body read.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Pool } from 'undici';
import { round, summarize, type Summary } from './stats';

export interface HttpCall {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  concurrency: number;
  maxRequests: number;
  maxMs: number;
  /** The i-th request. */
  call: (i: number) => HttpCall;
  /** True when the answer is right (checked on every response). */
  check?: (status: number, body: string) => boolean;
}

export interface LoadResult {
  requests: number;
  errors: number;
  firstError?: string;
  durationMs: number;
  callsPerSec: number;
  latencyMs: Summary;
  /** Raw latencies (ms); dropped before results are written. */
  samples: number[];
}

export function makePool(url: string, connections: number): Pool {
  return new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });
}

export async function runLoad(pool: Pool, options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const deadline = start + options.maxMs;
  const worker = async () => {
    while (issued < options.maxRequests && performance.now() < deadline) {
      const call = options.call(issued++);
      const t0 = performance.now();
      try {
        const res = await pool.request({ method: call.method, path: call.path, headers: call.headers, body: call.body });
        const text = await res.body.text();
        latencies.push(performance.now() - t0);
        if (options.check && !options.check(res.statusCode, text)) {
          errors++;
          firstError ??= `${res.statusCode} ${text.slice(0, 300)}`;
        }
      } catch (error) {
        errors++;
        firstError ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return loadResult(latencies, errors, firstError, start);
}

/** A load run's result from its latencies, error count and start time (both load generators). */
function loadResult(latencies: number[], errors: number, firstError: string | undefined, start: number): LoadResult {
  const durationMs = performance.now() - start;
  return { requests: latencies.length, errors, firstError, durationMs: round(durationMs), callsPerSec: round((latencies.length / durationMs) * 1000), latencyMs: roundSummary(summarize(latencies)), samples: latencies };
}

export function roundSummary(s: Summary): Summary {
  return { count: s.count, median: round(s.median), p99: round(s.p99), min: round(s.min), max: round(s.max), mean: round(s.mean) };
}

export const MCP_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-06-18',
};

export const INITIALIZE = (id: number | string = 0) =>
  JSON.stringify({ jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1.0.0' } } });
export const INITIALIZED = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' });
export const toolCall = (id: number, name: string, args: Record<string, unknown>) =>
  JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

/** The JSON-RPC message of a response body: plain JSON or the first SSE `data:` line. */
export function parseRpc(body: string): { result?: { content?: Array<{ text?: string }>; isError?: boolean }; error?: unknown } | undefined {
  const trimmed = body.trimStart();
  try {
    if (trimmed.startsWith('{')) return JSON.parse(trimmed);
    const data = trimmed.split('\n').find((line) => line.startsWith('data: '));
    return data ? JSON.parse(data.slice(6)) : undefined;
  } catch {
    return undefined;
  }
}

export const echoOk = (text: string) => (status: number, body: string) => {
  if (status !== 200) return false;
  const rpc = parseRpc(body);
  return rpc?.result?.content?.[0]?.text === text && !rpc.result.isError;
};

/** Opens a Streamable HTTP session (initialize + initialized) and returns its id. */
export async function openSession(pool: Pool, headers: Record<string, string>): Promise<string> {
  const res = await pool.request({ method: 'POST', path: '/mcp', headers: { ...MCP_HEADERS, ...headers }, body: INITIALIZE() });
  const text = await res.body.text();
  const id = res.headers['mcp-session-id'];
  if (res.statusCode !== 200 || typeof id !== 'string') throw new Error(`initialize failed: ${res.statusCode} ${text.slice(0, 200)}`);
  const ack = await pool.request({ method: 'POST', path: '/mcp', headers: { ...MCP_HEADERS, ...headers, 'mcp-session-id': id }, body: INITIALIZED });
  await ack.body.text();
  if (ack.statusCode !== 202) throw new Error(`initialized failed: ${ack.statusCode}`);
  return id;
}

/** A legacy SSE session held open on its own socket; responses are matched to requests by id. */
export interface SseSession {
  sessionId: string;
  endpoint: string;
  /** Resolves with the JSON-RPC message whose id is `id`. */
  waitFor(id: number): Promise<{ result?: { content?: Array<{ text?: string }> }; error?: unknown }>;
  close(): void;
  closed: Promise<void>;
}

export function openSse(baseUrl: string, headers: Record<string, string>, path = '/sse'): Promise<SseSession> {
  return new Promise((resolveOpen, rejectOpen) => {
    const url = new URL(path, baseUrl);
    const waiting = new Map<number, (message: never) => void>();
    const early = new Map<number, unknown>();
    const req = httpRequest(url, { method: 'GET', agent: false, headers: { accept: 'text/event-stream', ...headers } }, (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        rejectOpen(new Error(`GET /sse → ${res.statusCode}`));
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      let opened = false;
      let resolveClosed: () => void = () => undefined;
      const closed = new Promise<void>((r) => (resolveClosed = r));
      res.on('close', () => resolveClosed());
      res.on('error', () => resolveClosed());
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let type = 'message';
          let data = '';
          for (const line of event.split('\n')) {
            if (line.startsWith('event: ')) type = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (type === 'endpoint' && !opened) {
            opened = true;
            const endpoint = new URL(data, url);
            const sessionId = endpoint.searchParams.get('sessionId') ?? '';
            resolveOpen({
              sessionId,
              endpoint: endpoint.pathname + endpoint.search,
              waitFor: (id) =>
                new Promise((r) => {
                  if (early.has(id)) {
                    r(early.get(id) as never);
                    early.delete(id);
                  } else waiting.set(id, r as never);
                }),
              close: () => {
                req.destroy();
                res.destroy();
              },
              closed,
            });
          } else if (type === 'message' && data) {
            const message = JSON.parse(data) as { id?: number };
            if (typeof message.id === 'number') {
              const wake = waiting.get(message.id);
              if (wake) {
                waiting.delete(message.id);
                wake(message as never);
              } else early.set(message.id, message);
            }
          }
        }
      });
    });
    req.on('error', rejectOpen);
    req.end();
  });
}

/** Load over legacy SSE: POST /messages (202) then wait for the answer on the session's stream. */
export async function runSseLoad(
  pool: Pool,
  sessions: SseSession[],
  options: { concurrency: number; maxRequests: number; maxMs: number; headersFor: (session: number) => Record<string, string>; text: string },
): Promise<LoadResult> {
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  let firstError: string | undefined;
  let nextId = 1_000_000;
  const start = performance.now();
  const deadline = start + options.maxMs;
  const worker = async () => {
    while (issued < options.maxRequests && performance.now() < deadline) {
      const index = issued++ % sessions.length;
      const session = sessions[index];
      const id = nextId++;
      const t0 = performance.now();
      try {
        const answer = session.waitFor(id);
        const res = await pool.request({ method: 'POST', path: session.endpoint, headers: { 'content-type': 'application/json', ...options.headersFor(index) }, body: toolCall(id, 'echo', { text: options.text }) });
        await res.body.text();
        if (res.statusCode !== 202) throw new Error(`POST /messages → ${res.statusCode}`);
        const message = await answer;
        latencies.push(performance.now() - t0);
        if (message.result?.content?.[0]?.text !== options.text) {
          errors++;
          firstError ??= JSON.stringify(message).slice(0, 300);
        }
      } catch (error) {
        errors++;
        firstError ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return loadResult(latencies, errors, firstError, start);
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/** Several rounds of one variant as one result: total calls / total time, percentiles over all samples. */
export function mergeLoads(results: LoadResult[]): Omit<LoadResult, 'samples'> & { rounds: Array<Omit<LoadResult, 'samples' | 'latencyMs'> & { p50: number; p99: number }> } {
  const samples = results.flatMap((r) => r.samples);
  const durationMs = results.reduce((sum, r) => sum + r.durationMs, 0);
  const errors = results.reduce((sum, r) => sum + r.errors, 0);
  return {
    requests: samples.length,
    errors,
    firstError: results.find((r) => r.firstError)?.firstError,
    durationMs: round(durationMs),
    callsPerSec: round((samples.length / durationMs) * 1000),
    latencyMs: roundSummary(summarize(samples)),
    rounds: results.map((r) => ({ requests: r.requests, errors: r.errors, durationMs: r.durationMs, callsPerSec: r.callsPerSec, p50: r.latencyMs.median, p99: r.latencyMs.p99 })),
  };
}
