// A stand-in for a service replica, to test the balancer's routing alone: a node:http server that
// answers with its replica id and keeps 2025-era sessions ("<replicaId>.<uuid>") the way the service
// does — Mcp-Session-Id on POST /mcp, legacy SSE GET /sse + POST /messages?sessionId= — and 404 for a
// session it does not hold. The real multi-replica suite (phase 2) runs the service itself.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInReplica {
  readonly id: string;
  readonly port: number;
  readonly address: string;
  /** Requests it answered, by kind. */
  readonly served: { stateless: number; session: number; sse: number; messages: number };
  readonly sessions: ReadonlySet<string>;
  /** /ready answers 503 while false (draining). */
  setReady(ready: boolean): void;
  close(): Promise<void>;
}

export interface StandInAnswer {
  replica: string;
  sessionId?: string;
}

export async function startStandInReplica(id: string): Promise<StandInReplica> {
  const sessions = new Set<string>();
  const served = { stateless: 0, session: 0, sse: 0, messages: 0 };
  let ready = true;
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };
  const newSession = () => {
    const sessionId = `${id}.${randomUUID()}`;
    sessions.add(sessionId);
    return sessionId;
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://replica');
    if (url.pathname === '/ready') return json(res, ready ? 200 : 503, { ready });
    if (url.pathname === '/health') return json(res, 200, { ok: true });
    if (url.pathname === '/mcp' && req.method === 'POST') {
      const sessionId = req.headers['mcp-session-id'];
      if (typeof sessionId === 'string') {
        if (!sessions.has(sessionId)) return json(res, 404, { replica: id, error: 'Session not found' });
        served.session += 1;
        return json(res, 200, { replica: id, sessionId });
      }
      if (req.headers['x-stand-in'] === 'initialize') {
        const created = newSession();
        served.session += 1;
        return json(res, 200, { replica: id, sessionId: created }, { 'mcp-session-id': created });
      }
      served.stateless += 1;
      return json(res, 200, { replica: id });
    }
    if (url.pathname === '/sse' && req.method === 'GET') {
      served.sse += 1;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(`event: endpoint\ndata: /messages?sessionId=${newSession()}\n\n`);
      return;
    }
    if (url.pathname === '/messages' && req.method === 'POST') {
      const sessionId = url.searchParams.get('sessionId') ?? '';
      if (!sessions.has(sessionId)) return json(res, 404, { replica: id, error: 'Session not found' });
      served.messages += 1;
      return json(res, 202, { replica: id, sessionId });
    }
    json(res, 404, { replica: id, error: 'not found' });
  };
  const server: Server = createServer((req, res) => {
    // Read (and drop) the body before answering, as a real endpoint does.
    req.resume();
    req.on('end', () => handle(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    id,
    port,
    address: `127.0.0.1:${port}`,
    served,
    sessions,
    setReady(value) {
      ready = value;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
