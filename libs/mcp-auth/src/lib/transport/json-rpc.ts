import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { isInitializeRequest, JSONRPCMessageSchema, type JSONRPCMessage, type RequestId, type RequestInfo } from '@modelcontextprotocol/sdk/types.js';

const REQUEST_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);

/**
 * Whether `value` is certainly a valid JSON-RPC request or notification for the SDK's
 * `JSONRPCMessageSchema`, checked without zod. Only a sufficient test: anything unusual (responses,
 * `_meta`, extra keys) answers false and goes to the schema, so the verdict never differs from the SDK's.
 */
export function isPlainRequestOrNotification(value: unknown): boolean {
  // Plain objects only: zod's strict check also sees inherited enumerable keys.
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  const m = value as Record<string, unknown>;
  if (m['jsonrpc'] !== '2.0' || typeof m['method'] !== 'string') return false;
  for (const key of Object.keys(m)) if (!REQUEST_KEYS.has(key)) return false;
  if ('id' in m) {
    const id = m['id'];
    if (typeof id !== 'string' && !Number.isSafeInteger(id)) return false;
  }
  if ('params' in m) {
    const params = m['params'];
    if (typeof params !== 'object' || params === null || Object.getPrototypeOf(params) !== Object.prototype || '_meta' in params) return false;
  }
  return true;
}

/**
 * Validates one JSON-RPC message as the SDK's transports do (`JSONRPCMessageSchema.parse`): the
 * common request/notification shape is checked by hand, the rest by the schema. Throws when invalid.
 * The schema's objects are strict or loose, never stripping, so a message accepted by the fast
 * path is the same value the schema would have returned.
 */
export function parseJsonRpcMessage(value: unknown): JSONRPCMessage {
  if (isPlainRequestOrNotification(value)) return value as JSONRPCMessage;
  return JSONRPCMessageSchema.parse(value);
}

/** A validated message that expects a response (has `method` and `id`). */
export function isRequestMessage(message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId; method: string } {
  return 'method' in message && 'id' in message;
}

/** A validated result or error response. */
export function isResponseMessage(message: JSONRPCMessage): message is JSONRPCMessage & { id?: RequestId } {
  return !('method' in message) && ('result' in message || 'error' in message);
}

/** The request id a `notifications/cancelled` names, if the message is one. */
export function cancelledRequestId(message: JSONRPCMessage): RequestId | undefined {
  if ((message as { method?: unknown }).method !== 'notifications/cancelled') return undefined;
  const id = (message as { params?: { requestId?: unknown } }).params?.requestId;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/** An `initialize` request by the SDK's own test (the schema runs only when the method says so). */
export function isInitializeMessage(message: JSONRPCMessage): boolean {
  return (message as { method?: unknown }).method === 'initialize' && isInitializeRequest(message);
}

/**
 * `MessageExtraInfo.requestInfo` for a node request: the headers as node holds them and the URL,
 * built only if a handler reads it (most never do, and `new URL` is not free). An own enumerable
 * getter, so spreading or serializing it still yields `{ headers, url }` as the SDK's plain object does.
 */
export function requestInfoOf(req: IncomingMessage): RequestInfo {
  let url: URL | undefined;
  return {
    headers: req.headers,
    get url(): URL {
      url ??= new URL(req.url ?? '/', `${(req.socket as TLSSocket | undefined)?.encrypted ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`);
      return url;
    },
  };
}

/** One SSE `message` event carrying a JSON-RPC message. */
export function sseEvent(message: JSONRPCMessage): string {
  return `event: message\ndata: ${JSON.stringify(message)}\n\n`;
}
