// A loopback HTTP proxy that adds `Authorization: Bearer <token>` to every request and forwards it,
// Host and Origin untouched, to the service: the conformance suite has no auth option for servers.
// Bodies and answers are piped as they come, so SSE streams stay streams.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BearerProxy {
  /** `http://127.0.0.1:<port>`: the service's URLs, with the token added. */
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:0 and forwards to `target` (the service's base URL) with `token` added. */
export async function startBearerProxy(target: string, token: string): Promise<BearerProxy> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const forwarded = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, authorization: `Bearer ${token}` },
      },
      (answer: IncomingMessage) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    // The suite closing a stream early (a GET it no longer reads) must close the service's side too.
    res.on('close', () => forwarded.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
