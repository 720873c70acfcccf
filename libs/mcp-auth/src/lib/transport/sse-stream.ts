import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Interval of `: keepalive` comments on SSE streams (the SDK's). */
export const DEFAULT_KEEP_ALIVE_MS = 15_000;

/**
 * The SDK's SSE headers minus its `Connection: keep-alive`: HTTP/1.1 connections persist by default,
 * and node, told keep-alive explicitly, ignored a client's `Connection: close` (RFC 9112 §9.6) and
 * then refused that client's next request on the socket with a bare 400.
 */
export const SSE_HEADERS: OutgoingHttpHeaders = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
};

/** True while the response can still be written to. */
export function writable(res: ServerResponse): boolean {
  return !res.writableEnded && !res.destroyed;
}

/** Writes `: keepalive` every `intervalMs` until the stream ends (unref'd; undefined when disabled). */
export function armKeepAlive(res: ServerResponse, intervalMs: number): NodeJS.Timeout | undefined {
  if (!(intervalMs >= 1)) return undefined;
  const timer = setInterval(() => {
    if (writable(res)) res.write(': keepalive\n\n');
    else clearInterval(timer);
  }, Math.min(intervalMs, 2 ** 31 - 1));
  timer.unref();
  return timer;
}

/** A JSON-RPC error body with `id: null` and the given status, unless the answer has already begun. */
export function writeJsonRpcError(res: ServerResponse, status: number, code: number, message: string, headers?: OutgoingHttpHeaders): void {
  if (res.headersSent || !writable(res)) return;
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
}
