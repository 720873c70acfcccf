// The questions one run of a tool handler asks (`ctx.elicit`), answered across rounds with the SDK's
// multi-round-trip machinery. A 2026-07-28 client gets an input-required result, answers and retries
// the call; on a 2025-era session the SDK's legacy shim sends the same questions as
// `elicitation/create` and re-enters the handler with the answers. Either way the handler runs again
// from the start, and each `ctx.elicit` finds its answer here.
import { createHash } from 'node:crypto';
import { acceptedContent, inputRequired, inputResponse, type InputRequest, type InputRequiredResult } from '@modelcontextprotocol/server';
import type { ElicitationAnswer, ElicitationRequest } from '../tools/tool-contract';
import { decodeAnswers, encodeAnswers, type Answers } from './answers-state';

/** Rejects `ctx.elicit` while its answer is still to come; the call then ends with the question. */
export class AnswerPending extends Error {
  constructor() {
    super('The tool is waiting for the user to answer; it runs again with the answer');
  }
}

/**
 * The answers a retried call carries (this round's `inputResponses`, earlier rounds' in
 * `requestState`) and the questions still open.
 *
 * Each question's key is its position in the run plus a digest of what the user is shown (message and
 * form): an answer applies only to the very question it was given for. Asked again with other words
 * (a count that changed between rounds), the question is asked again rather than answered by an old
 * "yes".
 */
export class InputRounds {
  private asked = 0;
  private readonly open = new Map<string, InputRequest>();
  private readonly used = new Map<string, unknown>();

  private constructor(private readonly answers: Answers) {}

  /** The answers of a `tools/call` request: this round's responses over those carried in its state. */
  static of(inputResponses: Record<string, unknown> | undefined, requestState: unknown): InputRounds {
    return new InputRounds({ ...decodeAnswers(requestState), ...inputResponses });
  }

  /**
   * The user's answer to `request`, if this call carries one; otherwise records the question and
   * rejects with {@link AnswerPending}. An accepted answer that fails the schema is asked again.
   * `canAsk` is consulted only when a question has to go out.
   */
  async answer<Content>(request: ElicitationRequest, canAsk: () => void): Promise<ElicitationAnswer<Content>> {
    const embedded = inputRequired.elicit({ message: request.message, requestedSchema: request.schema });
    const key = `q${this.asked++}.${digest(embedded.params)}`;
    const given = inputResponse(this.answers, key);
    if (given.kind === 'elicit') {
      if (given.action !== 'accept') {
        this.used.set(key, this.answers[key]);
        return { action: given.action };
      }
      const content = acceptedContent(this.answers, key, request.schema);
      if (content !== undefined) {
        this.used.set(key, this.answers[key]);
        return { action: 'accept', content: content as Content };
      }
    }
    canAsk();
    this.open.set(key, embedded);
    throw new AnswerPending();
  }

  /**
   * The input-required result for the questions this run left open (undefined when none): they go out
   * together, and the answers the run already used ride along in `requestState` for the next round.
   */
  inputRequired(): InputRequiredResult | undefined {
    if (this.open.size === 0) return undefined;
    return inputRequired({
      inputRequests: Object.fromEntries(this.open),
      ...(this.used.size > 0 ? { requestState: encodeAnswers(Object.fromEntries(this.used)) } : {}),
    });
  }
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 16);
}
