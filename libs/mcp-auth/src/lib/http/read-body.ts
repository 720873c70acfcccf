import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, InvalidBodyError, RequestTimeoutError } from '../errors';

/** Bounds of one body read. */
export interface BodyLimits {
  /** Largest body accepted, bytes (→ 413). */
  maxBytes: number;
  /** A body over `maxBytes` is read and dropped up to this many bytes before the 413 (≥ `maxBytes`). */
  discardBytes: number;
  /** The whole body must arrive within this many ms (→ 408). */
  timeoutMs: number;
}

const AWAITING_CONTINUE = Symbol('awaiting 100-continue');

/** Marks a request whose client waits for `100 Continue` before it sends the body (node's `checkContinue`). */
export function markAwaitingContinue(req: IncomingMessage): void {
  (req as IncomingMessage & { [AWAITING_CONTINUE]?: boolean })[AWAITING_CONTINUE] = true;
}

function awaitingContinue(req: IncomingMessage): boolean {
  return (req as IncomingMessage & { [AWAITING_CONTINUE]?: boolean })[AWAITING_CONTINUE] === true;
}

/**
 * Reads and parses a JSON body (a leading UTF-8 byte order mark is dropped, as the SDK's `TextDecoder`
 * drops it) within a size cap and a deadline. A body over the cap is still read to its end, and
 * thrown away, up to `discardBytes`: answering while the client is still uploading and then closing
 * would reset the connection, and a client that reads only after sending everything (a blocking
 * `sendall`, then `recv`) would get a broken pipe instead of the 413. Beyond `discardBytes` — declared or
 * counted — the read stops at once. A client waiting for `100 Continue` with a declared length over
 * the cap gets no `100 Continue`: the 413 goes out before any body is sent.
 *
 * Rejects with {@link BodyTooLargeError}, {@link RequestTimeoutError} or {@link InvalidBodyError};
 * `req.complete` then says whether the body was consumed (the connection may stay open) or not.
 */
export function readJsonBody(req: IncomingMessage, res: ServerResponse, limits: BodyLimits): Promise<unknown> {
  const { maxBytes, discardBytes, timeoutMs } = limits;
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes && (declared > discardBytes || awaitingContinue(req))) {
    return Promise.reject(new BodyTooLargeError(maxBytes));
  }
  if (awaitingContinue(req)) res.writeContinue();
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error: Error | undefined, value?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      // Stop holding what we will never use; the response still goes out on the same socket.
      if (error) req.resume();
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else if (size > discardBytes) finish(new BodyTooLargeError(maxBytes));
      else chunks = [];
    };
    const onEnd = () => {
      if (size > maxBytes) return finish(new BodyTooLargeError(maxBytes));
      let text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      try {
        finish(undefined, JSON.parse(text));
      } catch (error) {
        finish(new InvalidBodyError(undefined, { cause: error }));
      }
    };
    const onError = (error: Error) => finish(new InvalidBodyError('Request body could not be read', { cause: error }));
    const timer = setTimeout(() => finish(new RequestTimeoutError(timeoutMs)), timeoutMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
