import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * RFC 9112 §9.6: a server that receives `Connection: close` must close after its response. The SDK's
 * SSE responses set `Connection: keep-alive`, which node obeys: the socket stayed open, the client
 * was told it could reuse it, and node's parser then refused the next request with a bare 400.
 */
export function honorConnectionClose(req: IncomingMessage, res: ServerResponse): void {
  if (!/(?:^|,)\s*close\s*(?:,|$)/i.test(req.headers.connection ?? '')) return;
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, statusCode: number, ...rest: unknown[]) {
    const last = rest[rest.length - 1];
    if (last && typeof last === 'object' && !Array.isArray(last)) {
      rest[rest.length - 1] = Object.fromEntries(Object.entries(last).filter(([name]) => name.toLowerCase() !== 'connection'));
    }
    this.setHeader('Connection', 'close');
    return (writeHead as (...args: unknown[]) => ServerResponse).call(this, statusCode, ...rest);
  } as ServerResponse['writeHead'];
}
