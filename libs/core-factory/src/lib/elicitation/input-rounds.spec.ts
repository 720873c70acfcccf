// The bookkeeping behind ctx.elicit, without a client: which answer applies to which question, what
// a round sends out, and what a malformed or replayed state can do (nothing).
import { z } from 'zod';
import { encodeAnswers } from './answers-state';
import { AnswerPending, InputRounds } from './input-rounds';

const yes = z.object({ confirm: z.boolean() });
const askable = () => undefined;

/** Runs `ask` on a fresh round and returns the key of the one question it left open. */
function openKey(ask: (rounds: InputRounds) => Promise<unknown>): Promise<string> {
  const rounds = InputRounds.of(undefined, undefined);
  return ask(rounds).then(
    () => {
      throw new Error('expected the question to stay open');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(AnswerPending);
      return Object.keys(rounds.inputRequired()?.inputRequests ?? {})[0] as string;
    },
  );
}

describe('InputRounds', () => {
  it('sends the open question as a form elicitation, with no state before any answer', async () => {
    const rounds = InputRounds.of(undefined, undefined);
    await expect(rounds.answer({ message: 'Delete 3 greetings?', schema: yes }, askable)).rejects.toBeInstanceOf(AnswerPending);
    const result = rounds.inputRequired();
    // The key: the question's place in the run and a digest of what the user is shown.
    expect(Object.keys(result?.inputRequests ?? {})).toEqual([expect.stringMatching(/^q0\.[\w-]{16}$/)]);
    const [request] = Object.values(result?.inputRequests ?? {});
    expect(request).toMatchObject({ method: 'elicitation/create', params: { mode: 'form', message: 'Delete 3 greetings?', requestedSchema: { type: 'object', required: ['confirm'] } } });
    expect(result?.requestState).toBeUndefined();
  });

  it('applies an answer only to the question it was given for: other words are asked again', async () => {
    const key = await openKey((rounds) => rounds.answer({ message: 'Delete 3 greetings?', schema: yes }, askable));
    const answers = { [key]: { action: 'accept', content: { confirm: true } } };
    await expect(InputRounds.of(answers, undefined).answer({ message: 'Delete 3 greetings?', schema: yes }, askable)).resolves.toEqual({ action: 'accept', content: { confirm: true } });
    // Between the rounds a fourth greeting arrived: the "yes" was for three.
    const changed = InputRounds.of(answers, undefined);
    await expect(changed.answer({ message: 'Delete 4 greetings?', schema: yes }, askable)).rejects.toBeInstanceOf(AnswerPending);
    expect(Object.keys(changed.inputRequired()?.inputRequests ?? {})).not.toContain(key);
  });

  it('carries the answers a round used in requestState, and reads them back', async () => {
    const first = await openKey((rounds) => rounds.answer({ message: 'Size?', schema: z.object({ size: z.string() }) }, askable));
    const round2 = InputRounds.of({ [first]: { action: 'accept', content: { size: 'L' } } }, undefined);
    await round2.answer({ message: 'Size?', schema: z.object({ size: z.string() }) }, askable);
    await expect(round2.answer({ message: 'How many L?', schema: z.object({ n: z.number() }) }, askable)).rejects.toBeInstanceOf(AnswerPending);
    const state = round2.inputRequired()?.requestState;
    expect(state).toBe(encodeAnswers({ [first]: { action: 'accept', content: { size: 'L' } } }));

    const round3 = InputRounds.of({}, state);
    await expect(round3.answer({ message: 'Size?', schema: z.object({ size: z.string() }) }, askable)).resolves.toEqual({ action: 'accept', content: { size: 'L' } });
  });

  it.each([
    ['not base64 JSON', '%%%'],
    ['another version', Buffer.from(JSON.stringify({ v: 2, answers: {} })).toString('base64url')],
    ['answers that are not an object', Buffer.from(JSON.stringify({ v: 1, answers: [1] })).toString('base64url')],
    ['not a string', { v: 1 }],
  ])('a state that is %s carries no answers', async (_case, state) => {
    const rounds = InputRounds.of(undefined, state);
    await expect(rounds.answer({ message: 'Sure?', schema: yes }, askable)).rejects.toBeInstanceOf(AnswerPending);
  });

  it('consults canAsk only when a question has to go out', async () => {
    const key = await openKey((rounds) => rounds.answer({ message: 'Sure?', schema: yes }, askable));
    const refuse = () => {
      throw new Error('cannot ask');
    };
    await expect(InputRounds.of({ [key]: { action: 'decline' } }, undefined).answer({ message: 'Sure?', schema: yes }, refuse)).resolves.toEqual({ action: 'decline' });
    await expect(InputRounds.of(undefined, undefined).answer({ message: 'Sure?', schema: yes }, refuse)).rejects.toThrow('cannot ask');
  });
});
