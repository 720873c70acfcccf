import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, InvalidBodyError, RequestTimeoutError } from '../errors';

/**
 * Reads and parses a JSON body with a size cap and a deadline. A declared `content-length` over the
 * cap is refused before reading; a body that grows past it or arrives too slowly stops the read.
 * Rejects with {@link BodyTooLargeError}, {@link RequestTimeoutError} or {@link InvalidBodyError}.
 */
export function readJsonBody(req: IncomingMessage, maxBytes: number, timeoutMs: number): Promise<unknown> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.reject(new BodyTooLargeError(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error: Error | undefined, value?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      // Stop reading what we will never use; the response still goes out on the same socket.
      if (error) req.resume();
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) finish(new BodyTooLargeError(maxBytes));
      else chunks.push(chunk);
    };
    const onEnd = () => {
      const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
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
