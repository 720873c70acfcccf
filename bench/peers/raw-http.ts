// Ceiling: node:http answering every POST with the same JSON bytes ours sends for an echo call
// (the body is read first, as a real server must). No MCP, no auth: the most the HTTP stack allows.
import { createServer } from 'node:http';
import type { Started } from '../servers/main';
import { listenOnLoopback } from './listen';
import type { ServerSpec } from '../servers/spec';

export async function startRaw(spec: Extract<ServerSpec, { kind: 'raw' }>): Promise<Started> {
  const body = Buffer.from(spec.body);
  const http = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.end(body);
    });
  });
  return listenOnLoopback(http);
}
