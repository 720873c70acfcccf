import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { mediaTypeEssence } from '@modelcontextprotocol/sdk/shared/mediaType.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';
import { parseJsonRpcMessage, requestInfoOf, sseEvent } from './json-rpc';

/**
 * The legacy HTTP+SSE server transport (protocol 2024-11-05): `GET /sse` holds an event stream whose
 * first event names the POST endpoint (`endpoint?sessionId=…`); each `POST` carries one message and
 * gets `202 Accepted`; answers travel on the stream. Same wire behaviour as the SDK's
 * `SSEServerTransport`, without its per-message `raw-body`/zod/`URL` work: the caller passes the
 * parsed body, and common messages are validated without zod (see `parseJsonRpcMessage`).
 * `onclose` fires once, whether the client left or `close()` was called.
 *
 * @example
 * const transport = new SseTransport('/messages', res);
 * await server.connect(transport); // writes the headers and the endpoint event
 * // later, on POST /messages?sessionId=…
 * await transport.handlePostMessage(req, res, body);
 */
export class SseTransport implements Transport {
  readonly sessionId: string;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;

  private stream: ServerResponse | undefined;
  private closed = false;

  /** `sessionId`: default a UUID (a replica-routed id comes from `replicaSessionIdGenerator`). */
  constructor(
    private readonly endpoint: string,
    private readonly res: ServerResponse,
    sessionId: string = randomUUID(),
  ) {
    this.sessionId = sessionId;
  }

  /** Opens the event stream and announces the endpoint. Called by `server.connect()`. */
  async start(): Promise<void> {
    if (this.stream) throw new Error('SSEServerTransport already started! If using Server class, note that connect() calls start() automatically.');
    this.res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive' });
    const url = new URL(this.endpoint, 'http://localhost');
    url.searchParams.set('sessionId', this.sessionId);
    this.res.write(`event: endpoint\ndata: ${url.pathname + url.search + url.hash}\n\n`);
    this.stream = this.res;
    this.res.on('close', () => {
      this.stream = undefined;
      this.fireClose();
    });
  }

  /** Takes one POSTed message (already read and parsed by the caller) and answers 202. */
  async handlePostMessage(req: IncomingMessage & { auth?: AuthInfo }, res: ServerResponse, parsedBody: unknown): Promise<void> {
    if (!this.stream) {
      const message = 'SSE connection not established';
      res.writeHead(500).end(message);
      throw new Error(message);
    }
    const contentType = req.headers['content-type'];
    const essence = contentType === 'application/json' ? contentType : mediaTypeEssence(contentType);
    if (essence !== 'application/json') {
      // The messages of the `content-type` package the SDK parses with.
      const error = !contentType
        ? new TypeError('argument string is required')
        : essence === undefined
          ? new TypeError('invalid media type')
          : new Error(`Unsupported content-type: ${essence}`);
      res.writeHead(400).end(String(error));
      this.onerror?.(error);
      return;
    }
    let message: JSONRPCMessage;
    try {
      // As the SDK: a body that is a JSON string is itself parsed.
      message = parseJsonRpcMessage(typeof parsedBody === 'string' ? JSON.parse(parsedBody) : parsedBody);
    } catch (error) {
      this.onerror?.(error as Error);
      res.writeHead(400).end(`Invalid message: ${String(parsedBody)}`);
      return;
    }
    this.onmessage?.(message, { requestInfo: requestInfoOf(req), authInfo: req.auth });
    res.writeHead(202).end('Accepted');
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (!this.stream) throw new Error('Not connected');
    this.stream.write(sseEvent(message));
  }

  async close(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    stream?.end();
    this.fireClose();
  }

  private fireClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }
}
