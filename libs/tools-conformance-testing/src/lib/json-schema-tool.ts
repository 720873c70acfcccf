// `json-schema-2020-12`: a tool whose input schema uses the 2020-12 vocabulary the suite looks for in
// tools/list — `$defs` with an `$anchor`, a `$ref`, `allOf`/`anyOf`, `if`/`then`/`else` and
// `additionalProperties: false`. zod writes the object, `$defs` (a schema with an `id`) and `$ref`;
// the keywords it has no combinator for ride in `.meta()`, which zod copies into the JSON Schema, and
// the same rules are enforced on the arguments by `superRefine`, so the schema says what is checked.
import { defineTool } from '@mcp-factory/core-factory';
import { z } from 'zod';

const address = z.object({ street: z.string().optional(), city: z.string().optional() }).meta({ id: 'address', $anchor: 'addressDef' });

const input = z
  .strictObject({
    name: z.string().optional(),
    address: address.optional(),
    contactMethod: z.enum(['phone', 'email']).optional(),
    phone: z.string().optional(),
    email: z.string().optional(),
  })
  .meta({
    allOf: [{ anyOf: [{ required: ['phone'] }, { required: ['email'] }] }],
    if: { properties: { contactMethod: { const: 'phone' } }, required: ['contactMethod'] },
    then: { required: ['phone'] },
    else: { required: ['email'] },
  })
  .superRefine((args, ctx) => {
    if (args.phone === undefined && args.email === undefined) ctx.addIssue({ code: 'custom', message: 'phone or email is required' });
    if (args.contactMethod === 'phone' && args.phone === undefined) ctx.addIssue({ code: 'custom', path: ['phone'], message: 'required when contactMethod is phone' });
    if (args.contactMethod !== 'phone' && args.email === undefined) ctx.addIssue({ code: 'custom', path: ['email'], message: 'required unless contactMethod is phone' });
  });

export const jsonSchemaTool = defineTool({
  name: 'json_schema_2020_12_tool',
  description: 'JSON Schema 2020-12 input',
  input,
  handler: async (args) => `JSON Schema 2020-12 tool called with: ${JSON.stringify(args)}`,
});
