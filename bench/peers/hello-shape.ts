// The tool set the peers register: tools-hello's three tools with the same input schemas; only echo
// (no I/O) is ever called on a peer, the others are there so tools/list and registration cost the same.
import { z } from 'zod';

export const echoInput = { text: z.string().max(10_000).describe('The text to send back') };
export const otherTools: Array<{ name: string; description: string; input: z.ZodRawShape }> = [
  { name: 'hello_computer', description: 'Greets you by name', input: { name: z.string().trim().min(1).max(200).optional() } },
  { name: 'list_greetings', description: 'Lists the greetings', input: { limit: z.number().int().min(1).max(100).default(20) } },
];
