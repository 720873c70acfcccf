// The tool set the peers register: tools-hello's three tools with the same input schemas; only echo
// (no I/O) is called on a peer without a database, the others are there so tools/list and registration cost
// the same; with a database (P7) hello_computer and list_greetings run their statement (greeting-sql.ts).
import { z } from 'zod';

export const echoInput = { text: z.string().max(10_000).describe('The text to send back') };
export const helloInput = { name: z.string().trim().min(1).max(200).optional() };
export const listInput = { limit: z.number().int().min(1).max(100).default(20) };
export const otherTools: Array<{ name: string; description: string; input: z.ZodRawShape }> = [
  { name: 'hello_computer', description: 'Greets you by name', input: helloInput },
  { name: 'list_greetings', description: 'Lists the greetings', input: listInput },
];
