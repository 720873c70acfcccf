// The `requestState` of a tool that asks more than one question in sequence: the answers earlier
// rounds gave, carried by the client to the next round (a round's `inputResponses` hold only its own).
//
// Not signed, on purpose. It holds nothing the server derived — only the user's answers, which the
// client hands over as answers anyway — and each answer is keyed to the exact question it answers
// (input-rounds.ts), so a state replayed into another tool or another question answers nothing. A
// signature would add a key to share between service instances and protect no decision. Anything a
// server derives must not go in here.

/** Answers by question key, as the client sent them (bare elicitation results). */
export type Answers = Record<string, unknown>;

const VERSION = 1;

export function encodeAnswers(answers: Answers): string {
  return Buffer.from(JSON.stringify({ v: VERSION, answers }), 'utf8').toString('base64url');
}

/** The answers in a `requestState`; a missing, foreign or malformed state carries none (its questions are asked again). */
export function decodeAnswers(state: unknown): Answers {
  if (typeof state !== 'string' || state === '') return {};
  try {
    const decoded: unknown = JSON.parse(Buffer.from(state, 'base64url').toString('utf8'));
    if (!isRecord(decoded) || decoded['v'] !== VERSION || !isRecord(decoded['answers'])) return {};
    return decoded['answers'];
  } catch {
    return {};
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
