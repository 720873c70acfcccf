// Tools that ask the user, through `ctx.elicit` — the only way tool code asks anything. On a 2025-era
// session the SDK sends each question as `elicitation/create` (`tools-call-elicitation`,
// `elicitation-sep1034-defaults`, `elicitation-sep1330-enums`); on 2026-07-28 it is an input-required
// result (`input-required-result-*`). core-factory chooses each question's key (its position and a
// digest of what the user is shown) and keeps earlier answers in its own `requestState`, so the
// 2026 scenarios that prescribe keys, sampling, roots or a tool-chosen state cannot be met through
// ctx (the root README's conformance table says which).
import { defineTool, type ElicitationAnswer } from '@mcp-factory/core-factory';
import { z } from 'zod';

const completed = (answer: ElicitationAnswer<unknown>) =>
  `Elicitation completed: action=${answer.action}, content=${JSON.stringify(answer.action === 'accept' ? answer.content : {})}`;

/** A string whose choices carry titles: `oneOf` of `{ const, title }` (SEP-1330), checked on the answer too. */
const titled = (choices: Record<string, string>) =>
  z
    .string()
    .refine((value) => value in choices, 'not one of the choices')
    .meta({ oneOf: Object.entries(choices).map(([value, title]) => ({ const: value, title })) });

export const elicitationTools = [
  defineTool({
    name: 'test_elicitation',
    description: 'Asks the user for a username and an email address',
    input: z.object({ message: z.string() }),
    handler: async ({ message }, ctx) => {
      const answer = await ctx.elicit({
        message,
        schema: z.object({ username: z.string().describe("User's response"), email: z.string().describe("User's email address") }),
      });
      return `User response: ${completed(answer)}`;
    },
  }),
  defineTool({
    name: 'test_elicitation_sep1034_defaults',
    description: 'Asks with a default for every primitive type (SEP-1034)',
    input: z.object({}),
    handler: async (_args, ctx) =>
      completed(
        await ctx.elicit({
          message: 'Please review the defaults',
          schema: z.object({
            name: z.string().default('John Doe'),
            age: z.number().int().default(30),
            score: z.number().default(95.5),
            status: z.enum(['active', 'inactive', 'pending']).default('active'),
            verified: z.boolean().default(true),
          }),
        }),
      ),
  }),
  defineTool({
    name: 'test_elicitation_sep1330_enums',
    description: 'Asks with every kind of enum (SEP-1330)',
    input: z.object({}),
    handler: async (_args, ctx) =>
      completed(
        await ctx.elicit({
          message: 'Please choose',
          schema: z.object({
            untitledSingle: z.enum(['option1', 'option2', 'option3']),
            titledSingle: titled({ value1: 'First Option', value2: 'Second Option', value3: 'Third Option' }),
            legacyEnum: z.enum(['opt1', 'opt2', 'opt3']).meta({ enumNames: ['Option One', 'Option Two', 'Option Three'] }),
            untitledMulti: z.array(z.enum(['option1', 'option2', 'option3'])),
            titledMulti: z.array(z.string()).meta({
              items: { anyOf: [{ const: 'value1', title: 'First Choice' }, { const: 'value2', title: 'Second Choice' }, { const: 'value3', title: 'Third Choice' }] },
            }),
          }),
        }),
      ),
  }),
  defineTool({
    name: 'test_input_required_result_elicitation',
    description: 'Asks for your name, then greets you',
    input: z.object({}),
    handler: async (_args, ctx) => {
      const answer = await ctx.elicit({ message: 'What is your name?', schema: z.object({ name: z.string() }) });
      return answer.action === 'accept' ? `Hello, ${answer.content.name}!` : 'Hello, stranger!';
    },
  }),
];
