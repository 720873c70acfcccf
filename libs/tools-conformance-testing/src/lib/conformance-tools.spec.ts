// The conformance tools in-process, through the real createServer and real SDK clients of both eras:
// what they advertise and answer. The official suite itself runs against the service
// (apps/multitenant-sse-e2e/src/conformance.e2e.spec.ts).
import { createServer } from '@mcp-factory/core-factory/host';
import { connectClient, PROTOCOL_ERAS, resultText, type ElicitationPrompt } from '@mcp-factory/core-factory/testing';
import { CONFORMANCE_TOOL_NAMES, conformanceTools } from './conformance-tools';

const factory = () => createServer('token', 'conformance-user', { tools: [conformanceTools] });

describe.each(PROTOCOL_ERAS)('conformance tools, %s-era client', (era) => {
  it('lists every tool, and the 2020-12 keywords of json_schema_2020_12_tool', async () => {
    const { client, close } = await connectClient(era, factory);
    const { tools } = await client.listTools();
    await close();
    expect(tools.map((tool) => tool.name)).toEqual(CONFORMANCE_TOOL_NAMES);
    expect(tools.find((tool) => tool.name === 'json_schema_2020_12_tool')?.inputSchema).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: { address: { $anchor: 'addressDef', type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } } },
      properties: {
        name: { type: 'string' },
        address: { $ref: '#/$defs/address' },
        contactMethod: { type: 'string', enum: ['phone', 'email'] },
        phone: { type: 'string' },
        email: { type: 'string' },
      },
      allOf: [{ anyOf: [{ required: ['phone'] }, { required: ['email'] }] }],
      if: { properties: { contactMethod: { const: 'phone' } }, required: ['contactMethod'] },
      then: { required: ['phone'] },
      else: { required: ['email'] },
      additionalProperties: false,
    });
  });

  it('enforces the schema it advertises, and shows a ToolError as the error text', async () => {
    const { client, close } = await connectClient(era, factory);
    const missing = await client.callTool({ name: 'json_schema_2020_12_tool', arguments: { contactMethod: 'phone', email: 'a@b.c' } });
    const valid = await client.callTool({ name: 'json_schema_2020_12_tool', arguments: { contactMethod: 'phone', phone: '1' } });
    const failed = await client.callTool({ name: 'test_error_handling', arguments: {} });
    await close();
    expect([missing.isError, resultText(missing)]).toEqual([true, 'Invalid arguments for tool json_schema_2020_12_tool: phone: required when contactMethod is phone']);
    expect([valid.isError, resultText(valid)]).toEqual([undefined, 'JSON Schema 2020-12 tool called with: {"contactMethod":"phone","phone":"1"}']);
    expect([failed.isError, resultText(failed)]).toEqual([true, 'This tool intentionally returns an error for testing']);
  });

  it('asks through ctx.elicit and answers with what the user gave', async () => {
    const asked: ElicitationPrompt[] = [];
    const { client, close } = await connectClient(era, factory, {
      onElicit: (prompt) => {
        asked.push(prompt);
        return { action: 'accept', content: { username: 'ada', email: 'ada@example.test' } };
      },
    });
    const result = await client.callTool({ name: 'test_elicitation', arguments: { message: 'Who are you?' } });
    await close();
    expect(asked.map((prompt) => prompt.message)).toEqual(['Who are you?']);
    expect(resultText(result)).toBe('User response: Elicitation completed: action=accept, content={"username":"ada","email":"ada@example.test"}');
  });
});
