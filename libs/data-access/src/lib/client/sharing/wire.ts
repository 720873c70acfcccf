/**
 * The little of the PostgreSQL wire protocol (v3) the relay needs: split what clients send into
 * messages, find the transaction status in what PGlite answers, and build a few messages itself.
 */

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
/** Startup packets are small; anything larger is not a PostgreSQL client. */
const MAX_STARTUP_BYTES = 10_000;
/** PostgreSQL's own limit for one message (1 GiB - 1). */
const MAX_MESSAGE_BYTES = 0x3fffffff;
const TERMINATE = 0x58; // 'X'
/**
 * Frontend message types passed to PGlite: Bind, Close, Describe, Execute, FunctionCall, Flush,
 * Parse, Query, Sync, CopyData, CopyDone, CopyFail. Anything else is refused here: PGlite runs in
 * single-user mode, where the backend's FATAL "invalid frontend message type" ends PGlite itself.
 */
const PASSED_TYPES = new Set('BCDEFHPQSdcf'.split('').map((c) => c.charCodeAt(0)));
const READY_FOR_QUERY = 0x5a; // 'Z'

/** One unit of what a client sent. */
export type Frame =
  /** SSLRequest or GSSENCRequest: answered 'N' (not supported; the socket is local). */
  | { kind: 'encryption-request' }
  /** CancelRequest: PGlite runs one statement at a time, synchronously; nothing to cancel. */
  | { kind: 'cancel' }
  /** Terminate ('X'): the client is done. */
  | { kind: 'terminate' }
  /** The StartupMessage (protocol 3.0): PGlite gets a fixed one instead (see STARTUP_MESSAGE). */
  | { kind: 'startup' }
  /** A regular message, passed to PGlite as is. */
  | { kind: 'message'; bytes: Buffer }
  | { kind: 'invalid'; reason: string };

/** Splits a client's byte stream into frames (startup phase first, then typed messages). */
export class FrontendReader {
  private buffer: Buffer = Buffer.alloc(0);
  private started = false;

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
  }

  /** The next complete frame, or undefined until more bytes arrive. */
  next(): Frame | undefined {
    return this.started ? this.nextMessage() : this.nextStartup();
  }

  private nextStartup(): Frame | undefined {
    if (this.buffer.length < 8) return undefined;
    const length = this.buffer.readInt32BE(0);
    const code = this.buffer.readInt32BE(4);
    if (length < 8 || length > MAX_STARTUP_BYTES) return { kind: 'invalid', reason: `invalid startup packet length ${length}` };
    if (this.buffer.length < length) return undefined;
    this.take(length);
    if ((code === SSL_REQUEST || code === GSSENC_REQUEST) && length === 8) return { kind: 'encryption-request' };
    if (code === CANCEL_REQUEST && length === 16) return { kind: 'cancel' };
    if (code !== PROTOCOL_3) return { kind: 'invalid', reason: `unsupported frontend protocol ${code >>> 16}.${code & 0xffff}` };
    this.started = true;
    return { kind: 'startup' };
  }

  private nextMessage(): Frame | undefined {
    if (this.buffer.length < 5) return undefined;
    const length = this.buffer.readInt32BE(1);
    if (length < 4 || length > MAX_MESSAGE_BYTES) return { kind: 'invalid', reason: `invalid message length ${length}` };
    if (this.buffer.length < length + 1) return undefined;
    const type = this.buffer[0];
    if (type !== TERMINATE && !PASSED_TYPES.has(type)) return { kind: 'invalid', reason: `invalid frontend message type ${type}` };
    const bytes = this.take(length + 1);
    return type === TERMINATE ? { kind: 'terminate' } : { kind: 'message', bytes };
  }

  private take(length: number): Buffer {
    const bytes = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return bytes;
  }
}

/** Transaction status of a ReadyForQuery: idle, in a transaction block, or in a failed one. */
export type TransactionStatus = 'I' | 'T' | 'E';

/** The status of the last ReadyForQuery in `output` (whole backend messages), if there is one. */
export function lastReadyStatus(output: Buffer): TransactionStatus | undefined {
  let status: TransactionStatus | undefined;
  for (let at = 0; at + 5 <= output.length; at += 1 + output.readInt32BE(at + 1)) {
    if (output[at] === READY_FOR_QUERY && output.readInt32BE(at + 1) === 5) status = String.fromCharCode(output[at + 5]) as TransactionStatus;
  }
  return status;
}

/**
 * The StartupMessage every client's is replaced with. PGlite has one session and one user: it ignores
 * what a client asks for, except that an empty user name makes its backend exit, taking PGlite down.
 */
export const STARTUP_MESSAGE = startupMessage({ user: 'postgres', database: 'postgres', client_encoding: 'UTF8' });

function startupMessage(parameters: Record<string, string>): Buffer {
  const pairs = Object.entries(parameters).map(([key, value]) => `${key}\0${value}\0`).join('');
  const body = Buffer.from(`${pairs}\0`);
  const header = Buffer.alloc(8);
  header.writeInt32BE(body.length + 8, 0);
  header.writeInt32BE(PROTOCOL_3, 4);
  return Buffer.concat([header, body]);
}

/** A simple Query message ('Q'). */
export function queryMessage(sql: string): Buffer {
  const text = Buffer.from(`${sql}\0`);
  const header = Buffer.alloc(5);
  header[0] = 0x51;
  header.writeInt32BE(text.length + 4, 1);
  return Buffer.concat([header, text]);
}

/** Sync ('S'): ends an extended-protocol batch (and the skipping after an error in one). */
export const SYNC_MESSAGE = Buffer.from([0x53, 0, 0, 0, 4]);

/** The answer to an SSLRequest or GSSENCRequest: not supported. */
export const ENCRYPTION_REFUSED = Buffer.from('N');

/** An ErrorResponse ('E') with severity, SQLSTATE and message, as a client shows it. */
export function errorResponse(severity: 'ERROR' | 'FATAL', sqlState: string, message: string): Buffer {
  const fields = Buffer.from(`S${severity}\0V${severity}\0C${sqlState}\0M${message}\0\0`);
  const header = Buffer.alloc(5);
  header[0] = 0x45;
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}
