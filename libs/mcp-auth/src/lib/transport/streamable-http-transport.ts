import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { MAX_BATCH_SIZE } from '@modelcontextprotocol/sdk/server/requestBody.js';
import { isJsonContentType } from '@modelcontextprotocol/sdk/shared/mediaType.js';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCMessage, type MessageExtraInfo, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import { isInitializeMessage, isRequestMessage, isResponseMessage, parseJsonRpcMessage, requestInfoOf, sseEvent } from './json-rpc';

/** Options of {@link StreamableHttpTransport}. */
export interface StreamableHttpTransportOptions {
  /** Issues the session id at `initialize`; `undefined` makes the transport stateless (one POST, no session). */
  sessionIdGenerator?: (() => string) | undefined;
  /** Answer POSTs with one JSON body instead of an SSE stream. Default false (SSE stream), as the SDK. */
  enableJsonResponse?: boolean;
  /** Called with the new session id during `initialize`, before the request is dispatched. */
  onsessioninitialized?: (sessionId: string) => void | Promise<void>;
  /** Called with the session id when a DELETE ends the session. */
  onsessionclosed?: (sessionId: string | undefined) => void | Promise<void>;
  /** Interval of `: keepalive` comments on SSE streams, ms. Default 15000 (the SDK's); 0 disables. */
  keepAliveMs?: number;
}

/** One POST awaiting the responses to its requests. */
interface PostStream {
  readonly res: ServerResponse;
  /** SSE stream (true) or a single JSON body when all responses are in (false). */
  readonly sse: boolean;
  /** Request ids of the POST, in body order; `responses[i]` answers `ids[i]`. */
  readonly ids: RequestId[];
  readonly responses: Array<JSONRPCMessage | undefined>;
  remaining: number;
  /** False once the client went away or the stream was ended. */
  open: boolean;
  keepAlive?: NodeJS.Timeout;
}

/** The standalone GET stream of a session (server-initiated messages). */
interface StandaloneStream {
  readonly res: ServerResponse;
  keepAlive?: NodeJS.Timeout;
}

const DEFAULT_KEEP_ALIVE_MS = 15_000;
/**
 * The SDK's SSE headers minus its `Connection: keep-alive`: HTTP/1.1 connections persist by default,
 * and node, told keep-alive explicitly, ignored a client's `Connection: close` (RFC 9112 §9.6) and
 * then refused that client's next request on the socket with a bare 400.
 */
const SSE_HEADERS: OutgoingHttpHeaders = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
};

/**
 * The MCP Streamable HTTP server transport (spec 2025-03-26 … 2025-11-25) written directly on node's
 * `IncomingMessage`/`ServerResponse`: the SDK's `StreamableHTTPServerTransport` turns each request into
 * a web `Request`/`Response` pair through `@hono/node-server`, with ReadableStreams and AbortSignals,
 * which was most of a request's cost. Same protocol rules and error bodies as the SDK 1.32 transport:
 * 406 without the right `Accept`, 415 without a JSON `Content-Type`, 400 for bad JSON-RPC, batches over
 * 100, a second `initialize`, a missing `Mcp-Session-Id` or an unsupported `MCP-Protocol-Version`, 404
 * for another session id, 202 for notification/response-only POSTs, 409 for a second GET stream, 405
 * for other methods. JSON response mode or an SSE stream per POST; one standalone GET stream; DELETE
 * ends the session. No event store (resumability), like our wrapper's use of the SDK transport.
 *
 * The caller reads the body (`parsedBody`) and puts the authentication on `req.auth`, as with the SDK.
 *
 * @example
 * const transport = new StreamableHttpTransport({ sessionIdGenerator: randomUUID, enableJsonResponse: true });
 * await server.connect(transport);
 * await transport.handleRequest(req, res, body);
 */
export class StreamableHttpTransport implements Transport {
  sessionId: string | undefined;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;

  private readonly sessionIdGenerator: (() => string) | undefined;
  private readonly enableJsonResponse: boolean;
  private readonly onsessioninitialized: StreamableHttpTransportOptions['onsessioninitialized'];
  private readonly onsessionclosed: StreamableHttpTransportOptions['onsessionclosed'];
  private readonly keepAliveMs: number;
  private readonly requestToStream = new Map<RequestId, PostStream>();
  private standalone: StandaloneStream | undefined;
  private started = false;
  private handled = false;
  private initialized = false;
  private closed = false;

  constructor(options: StreamableHttpTransportOptions = {}) {
    this.sessionIdGenerator = options.sessionIdGenerator;
    this.enableJsonResponse = options.enableJsonResponse ?? false;
    this.onsessioninitialized = options.onsessioninitialized;
    this.onsessionclosed = options.onsessionclosed;
    this.keepAliveMs = options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('Transport already started');
    this.started = true;
  }

  /**
   * Answers one HTTP request to the MCP endpoint. For a POST with requests it returns once they are
   * dispatched; the response is written when the server sends the answers.
   */
  async handleRequest(req: IncomingMessage & { auth?: AuthInfo }, res: ServerResponse, parsedBody?: unknown): Promise<void> {
    if (this.closed) return this.reject(res, 404, -32001, 'Session not found', false);
    // A stateless transport serves one request: reuse would mix up request ids between clients.
    if (!this.sessionIdGenerator && this.handled) {
      throw new Error('Stateless transport cannot be reused across requests. Create a new transport per request.');
    }
    this.handled = true;
    switch (req.method) {
      case 'POST':
        return this.handlePost(req, res, parsedBody);
      case 'GET':
        return this.handleGet(req, res);
      case 'DELETE':
        return this.handleDelete(req, res);
      default:
        return this.reject(res, 405, -32000, 'Method not allowed.', true, { Allow: 'GET, POST, DELETE' });
    }
  }

  private async handlePost(req: IncomingMessage & { auth?: AuthInfo }, res: ServerResponse, parsedBody: unknown): Promise<void> {
    // Accept is a list, so a substring test is what the spec (and the SDK) mean here.
    const accept = req.headers.accept;
    if (!accept?.includes('application/json') || !accept.includes('text/event-stream')) {
      return this.reject(res, 406, -32000, 'Not Acceptable: Client must accept both application/json and text/event-stream');
    }
    if (!isJsonContentType(req.headers['content-type'])) {
      return this.reject(res, 415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    }
    if (parsedBody === undefined) return this.reject(res, 400, -32700, 'Parse error: Invalid JSON');
    if (Array.isArray(parsedBody) && parsedBody.length > MAX_BATCH_SIZE) {
      return this.reject(res, 400, -32600, `Invalid Request: Batch must not exceed ${MAX_BATCH_SIZE} messages`);
    }
    let messages: JSONRPCMessage[];
    try {
      messages = Array.isArray(parsedBody) ? parsedBody.map(parseJsonRpcMessage) : [parseJsonRpcMessage(parsedBody)];
    } catch {
      return this.reject(res, 400, -32700, 'Parse error: Invalid JSON-RPC message');
    }

    let initialize = false;
    let hasRequests = false;
    for (const message of messages) {
      if (isInitializeMessage(message)) initialize = true;
      if (isRequestMessage(message)) hasRequests = true;
    }
    if (initialize) {
      if (this.initialized && this.sessionId !== undefined) return this.reject(res, 400, -32600, 'Invalid Request: Server already initialized');
      if (messages.length > 1) return this.reject(res, 400, -32600, 'Invalid Request: Only one initialization request is allowed');
      this.sessionId = this.sessionIdGenerator?.();
      this.initialized = true;
      if (this.sessionId !== undefined && this.onsessioninitialized) await this.onsessioninitialized(this.sessionId);
    } else if (!this.validSession(req, res) || !this.validProtocolVersion(req, res)) {
      return;
    }
    // close() may have run while the session callback was awaited.
    if (this.closed) return this.reject(res, 404, -32001, 'Session not found', false);

    const extra: MessageExtraInfo = { authInfo: req.auth, requestInfo: requestInfoOf(req) };
    if (!hasRequests) {
      for (const message of messages) this.onmessage?.(message, extra);
      res.writeHead(202).end();
      return;
    }

    const ids: RequestId[] = [];
    for (const message of messages) if (isRequestMessage(message)) ids.push(message.id);
    const stream: PostStream = { res, sse: !this.enableJsonResponse, ids, responses: new Array(ids.length), remaining: ids.length, open: true };
    if (stream.sse) {
      res.writeHead(200, this.withSession({ ...SSE_HEADERS }));
      res.flushHeaders();
      res.on('close', () => this.endStream(stream));
    }
    for (const id of ids) this.requestToStream.set(id, stream);
    for (const message of messages) this.onmessage?.(message, extra);
    if (stream.sse && stream.open) stream.keepAlive = this.armKeepAlive(res);
  }

  private async handleGet(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!req.headers.accept?.includes('text/event-stream')) {
      return this.reject(res, 406, -32000, 'Not Acceptable: Client must accept text/event-stream');
    }
    if (!this.validSession(req, res) || !this.validProtocolVersion(req, res)) return;
    if (this.standalone) return this.reject(res, 409, -32000, 'Conflict: Only one SSE stream is allowed per session');
    const stream: StandaloneStream = { res };
    this.standalone = stream;
    res.writeHead(200, this.withSession({ ...SSE_HEADERS }));
    res.flushHeaders();
    res.on('close', () => {
      clearInterval(stream.keepAlive);
      if (this.standalone === stream) this.standalone = undefined;
    });
    stream.keepAlive = this.armKeepAlive(res);
  }

  private async handleDelete(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.validSession(req, res) || !this.validProtocolVersion(req, res)) return;
    try {
      await this.onsessionclosed?.(this.sessionId);
    } finally {
      await this.close();
    }
    res.writeHead(200).end();
  }

  /** Session rules of a stateful transport; answers and returns false when broken. */
  private validSession(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.sessionIdGenerator === undefined) return true;
    if (!this.initialized) {
      this.reject(res, 400, -32000, 'Bad Request: Server not initialized');
      return false;
    }
    const sessionId = req.headers['mcp-session-id'];
    if (!sessionId) {
      this.reject(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
      return false;
    }
    if (sessionId !== this.sessionId) {
      this.reject(res, 404, -32001, 'Session not found');
      return false;
    }
    return true;
  }

  /** A present `MCP-Protocol-Version` must be one the SDK supports; absent means the negotiated one. */
  private validProtocolVersion(req: IncomingMessage, res: ServerResponse): boolean {
    const version = req.headers['mcp-protocol-version'];
    if (version === undefined || SUPPORTED_PROTOCOL_VERSIONS.includes(version as string)) return true;
    this.reject(
      res,
      400,
      -32000,
      `Bad Request: Unsupported protocol version: ${String(version)} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`,
    );
    return false;
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const response = isResponseMessage(message);
    const requestId = response ? message.id : options?.relatedRequestId;
    if (requestId === undefined) {
      if (response) throw new Error('Cannot send a response on a standalone SSE stream unless resuming a previous client request');
      // Without a GET stream a server-initiated message has nowhere to go (no event store to keep it).
      const standalone = this.standalone;
      if (standalone && writable(standalone.res)) standalone.res.write(sseEvent(message));
      return;
    }
    const stream = this.requestToStream.get(requestId);
    if (!stream) throw new Error(`No connection established for request ID: ${String(requestId)}`);
    if (stream.sse && stream.open) stream.res.write(sseEvent(message));
    if (!response) return;

    const index = stream.ids.indexOf(requestId);
    if (index !== -1 && stream.responses[index] === undefined) stream.remaining -= 1;
    if (index !== -1) stream.responses[index] = message;
    if (stream.remaining > 0) return;
    for (const id of stream.ids) if (this.requestToStream.get(id) === stream) this.requestToStream.delete(id);
    if (stream.sse) {
      if (!stream.open) throw new Error(`No connection established for request ID: ${String(requestId)}`);
      this.endStream(stream);
      return;
    }
    stream.open = false;
    if (!writable(stream.res)) return;
    const body = JSON.stringify(stream.ids.length === 1 ? stream.responses[0] : stream.responses);
    stream.res.writeHead(200, this.withSession({ 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) })).end(body);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const standalone = this.standalone;
    this.standalone = undefined;
    if (standalone) {
      clearInterval(standalone.keepAlive);
      if (writable(standalone.res)) standalone.res.end();
    }
    for (const stream of new Set(this.requestToStream.values())) {
      if (stream.sse) this.endStream(stream);
      else if (stream.open) {
        // The SDK leaves such a POST hanging; its answer will never come, so say why now.
        stream.open = false;
        this.reject(stream.res, 404, -32001, 'Session not found', false);
      }
    }
    this.requestToStream.clear();
    this.onclose?.();
  }

  private endStream(stream: PostStream): void {
    if (!stream.open) return;
    stream.open = false;
    clearInterval(stream.keepAlive);
    if (writable(stream.res)) stream.res.end();
  }

  private armKeepAlive(res: ServerResponse): NodeJS.Timeout | undefined {
    if (!(this.keepAliveMs >= 1)) return undefined;
    const timer = setInterval(() => {
      if (writable(res)) res.write(': keepalive\n\n');
      else clearInterval(timer);
    }, Math.min(this.keepAliveMs, 2 ** 31 - 1));
    timer.unref();
    return timer;
  }

  private withSession(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
    if (this.sessionId !== undefined) headers['mcp-session-id'] = this.sessionId;
    return headers;
  }

  /** A JSON-RPC error body with `id: null`, as the SDK answers transport-level failures. */
  private reject(res: ServerResponse, status: number, code: number, message: string, report = true, headers?: OutgoingHttpHeaders): void {
    if (report) this.onerror?.(new Error(message));
    if (res.headersSent || !writable(res)) return;
    const body = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
    res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
  }
}

function writable(res: ServerResponse): boolean {
  return !res.writableEnded && !res.destroyed;
}
