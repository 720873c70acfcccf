import type { ServerResponse } from 'node:http';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';

/**
 * One POST awaiting the answers to its requests. Slots follow the body's order; a request id may
 * appear twice in one batch (JSON-RPC 2.0 answers every request, so each gets its own slot).
 */
export class PostStream {
  /** False once the client went away or the stream was ended. */
  open = true;
  keepAlive?: NodeJS.Timeout;
  private readonly responses: Array<JSONRPCMessage | undefined>;
  private readonly settled: boolean[];
  private remaining: number;

  constructor(
    readonly res: ServerResponse,
    /** SSE stream (true) or a single JSON body when every slot is settled (false). */
    readonly sse: boolean,
    /** Request ids of the POST, in body order. */
    readonly ids: readonly RequestId[],
  ) {
    this.responses = new Array(ids.length);
    this.settled = new Array(ids.length).fill(false);
    this.remaining = ids.length;
  }

  /**
   * Settles the first open slot of `id` with its response, or with nothing when the request was
   * cancelled (the server then never answers it). Returns false when `id` has no open slot.
   */
  settle(id: RequestId, response: JSONRPCMessage | undefined): boolean {
    const index = this.ids.findIndex((candidate, i) => candidate === id && !this.settled[i]);
    if (index === -1) return false;
    this.settled[index] = true;
    this.responses[index] = response;
    this.remaining -= 1;
    return true;
  }

  /** True once every slot is settled. */
  get complete(): boolean {
    return this.remaining === 0;
  }

  /** The JSON body of a JSON-mode answer: one response for a single request, else the list; undefined when none is left. */
  jsonBody(): string | undefined {
    const answers = this.responses.filter((r): r is JSONRPCMessage => r !== undefined);
    if (answers.length === 0) return undefined;
    return JSON.stringify(this.ids.length === 1 ? answers[0] : answers);
  }
}
