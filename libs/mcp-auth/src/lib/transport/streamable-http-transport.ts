import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { MAX_BATCH_SIZE } from '@modelcontextprotocol/sdk/server/requestBody.js';
import { isJsonContentType } from '@modelcontextprotocol/sdk/shared/mediaType.js';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { SUPPORTED_PROTOCOL_VERSIONS, type JSONRPCMessage, type MessageExtraInfo, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import { cancelledRequestId, isInitializeMessage, isRequestMessage, isResponseMessage, parseJsonRpcMessage, requestInfoOf, sseEvent } from './json-rpc';
import { PostStream } from './post-stream';
import { armKeepAlive, DEFAULT_KEEP_ALIVE_MS, SSE_HEADERS, writable, writeJsonRpcError } from './sse-stream';

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

/** The standalone GET stream of a session (server-initiated messages). */
interface StandaloneStream {
  readonly res: ServerResponse;
  keepAlive?: NodeJS.Timeout;
}

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
      for (const message of messages) this.dispatch(message, extra);
      res.writeHead(202).end();
      return;
    }

    // An id still awaiting its answer in another POST cannot be told apart from this one's: it is
    // refused here, in this POST's own answer, and never reaches the server.
    const ids: RequestId[] = messages.filter(isRequestMessage).map((message) => message.id);
    const busy = new Set(ids.filter((id) => this.requestToStream.has(id)));
    const stream = new PostStream(res, !this.enableJsonResponse, ids);
    if (stream.sse) {
      res.writeHead(200, this.withSession({ ...SSE_HEADERS }));
      res.flushHeaders();
      res.on('close', () => this.endStream(stream));
    }
    for (const id of busy) {
      const refusal: JSONRPCMessage = { jsonrpc: '2.0', id, error: { code: -32600, message: `Invalid Request: id ${String(id)} is already in use by a pending request` } };
      while (stream.settle(id, refusal)) if (stream.sse) res.write(sseEvent(refusal));
    }
    for (const id of ids) if (!busy.has(id)) this.requestToStream.set(id, stream);
    for (const message of messages) {
      if (!(isRequestMessage(message) && busy.has(message.id))) this.dispatch(message, extra);
    }
    if (stream.complete) this.finish(stream);
    else if (stream.sse && stream.open) stream.keepAlive = armKeepAlive(res, this.keepAliveMs);
  }

  /**
   * Hands one message to the server. A `notifications/cancelled` also settles the cancelled request's
   * slot: the server never answers a cancelled request, and its POST must still end.
   */
  private dispatch(message: JSONRPCMessage, extra: MessageExtraInfo): void {
    this.onmessage?.(message, extra);
    const cancelled = cancelledRequestId(message);
    if (cancelled === undefined) return;
    const stream = this.requestToStream.get(cancelled);
    if (stream?.settle(cancelled, undefined) && stream.complete) this.release(stream);
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
    stream.keepAlive = armKeepAlive(res, this.keepAliveMs);
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
    if (!response || !stream.settle(requestId, message) || !stream.complete) return;
    const wasOpen = stream.open;
    this.release(stream);
    if (stream.sse && !wasOpen) throw new Error(`No connection established for request ID: ${String(requestId)}`);
  }

  /** Forgets a settled POST's ids and ends it. */
  private release(stream: PostStream): void {
    for (const id of stream.ids) if (this.requestToStream.get(id) === stream) this.requestToStream.delete(id);
    this.finish(stream);
  }

  /** Ends a settled POST: the SSE stream is closed; a JSON answer is written (202 when every request was cancelled). */
  private finish(stream: PostStream): void {
    if (stream.sse) return this.endStream(stream);
    if (!stream.open) return;
    stream.open = false;
    if (!writable(stream.res)) return;
    const body = stream.jsonBody();
    if (body === undefined) {
      stream.res.writeHead(202, this.withSession({})).end();
      return;
    }
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

  private withSession(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
    if (this.sessionId !== undefined) headers['mcp-session-id'] = this.sessionId;
    return headers;
  }

  /** A JSON-RPC error body with `id: null`, as the SDK answers transport-level failures (reported to `onerror` unless `report` is false). */
  private reject(res: ServerResponse, status: number, code: number, message: string, report = true, headers?: OutgoingHttpHeaders): void {
    if (report) this.onerror?.(new Error(message));
    writeJsonRpcError(res, status, code, message, headers);
  }
}
