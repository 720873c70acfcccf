import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** Headers that describe one hop or the body we do not forward (the body travels parsed). */
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-connection', 'content-length', 'expect']);
/** Response headers that are node's to decide for this connection. */
const NOT_COPIED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/**
 * The web `Request` the SDK's handler reads for one node request: method, URL and headers (the
 * SEP-2243 `Mcp-*` headers among them), and `signal`, aborted when the client goes away — which
 * is how a 2026-07-28 client cancels a call. It carries no body: the caller hands the SDK the body
 * it already read and parsed (`parsedBody`), so nothing is read, copied or cloned twice.
 */
export function webRequestOf(req: IncomingMessage, signal: AbortSignal): Request {
  const headers: Array<[string, string]> = [];
  for (const name in req.headers) {
    if (NOT_FORWARDED.has(name) || name.startsWith(':')) continue;
    const value = req.headers[name];
    if (typeof value === 'string') headers.push([name, value]);
    else if (value) for (const item of value) headers.push([name, item]);
  }
  const scheme = (req.socket as TLSSocket | undefined)?.encrypted ? 'https' : 'http';
  const host = req.headers.host && /^[\w.\-:[\]]+$/.test(req.headers.host) ? req.headers.host : 'localhost';
  return new Request(`${scheme}://${host}${req.url ?? '/'}`, { method: req.method, headers, signal });
}

/**
 * Writes the SDK's web `Response` to node's response: a JSON or empty answer in one write with its
 * length; an event stream frame by frame as the SDK produces it, minding backpressure, until it
 * ends or the client leaves (then the stream is cancelled, which ends the exchange on the SDK side).
 */
export async function writeWebResponse(response: Response, res: ServerResponse): Promise<void> {
  if (res.destroyed || res.writableEnded) {
    await response.body?.cancel().catch(() => undefined);
    return;
  }
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (!NOT_COPIED.has(name)) res.setHeader(name, value);
  });
  const body = response.body;
  if (!body) {
    res.end();
    return;
  }
  if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    const bytes = Buffer.from(await response.arrayBuffer());
    res.setHeader('Content-Length', bytes.length);
    res.end(bytes);
    return;
  }
  res.flushHeaders();
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => undefined);
  res.once('close', cancel);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) await drained(res);
    }
  } catch {
    // The SDK errored the stream: end what was sent.
  } finally {
    res.off('close', cancel);
    if (!res.writableEnded) res.end();
  }
}

/** Resolves once the response can take more, or is gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
