import { fromJsonSchema, inputRequired, type CallToolResult, type McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

/** A 1×1 PNG and a minimal WAV, as the conformance suite expects them in content blocks. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const WAV = 'UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The tools the official conformance suite (`@modelcontextprotocol/conformance`) calls by name, for
 * measuring the wrapper against it: content of every kind, an error, progress and log notifications,
 * a JSON Schema 2020-12 input, and the 2026-07-28 diagnostics (`test_missing_capability`,
 * `test_logging_tool`, `test_streaming_elicitation`). Test-only; never part of a product server.
 */
export function registerConformanceTools(server: McpServer): void {
  const tool = (name: string, description: string, run: () => CallToolResult) => server.registerTool(name, { description }, async () => run());
  tool('test_simple_text', 'Simple text content', () => ({ content: [{ type: 'text', text: 'This is a simple text response for testing.' }] }));
  tool('test_image_content', 'Image content', () => ({ content: [{ type: 'image', data: PNG, mimeType: 'image/png' }] }));
  tool('test_audio_content', 'Audio content', () => ({ content: [{ type: 'audio', data: WAV, mimeType: 'audio/wav' }] }));
  tool('test_embedded_resource', 'Embedded resource content', () => ({
    content: [{ type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } }],
  }));
  tool('test_multiple_content_types', 'Text, image and resource content', () => ({
    content: [
      { type: 'text', text: 'Multiple content types test:' },
      { type: 'image', data: PNG, mimeType: 'image/png' },
      { type: 'resource', resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: JSON.stringify({ test: 'data', value: 123 }) } },
    ],
  }));
  server.registerTool('test_error_handling', { description: 'Fails on purpose' }, async () => {
    throw new Error('This tool intentionally returns an error for testing');
  });
  server.registerTool('test_tool_with_logging', { description: 'Sends three log notifications', inputSchema: z.object({}) }, async (_args, ctx) => {
    for (const [i, data] of ['Tool execution started', 'Tool processing data', 'Tool execution completed'].entries()) {
      if (i > 0) await pause(50);
      await ctx.mcpReq.notify({ method: 'notifications/message', params: { level: 'info', data } });
    }
    return { content: [{ type: 'text', text: 'Tool with logging executed successfully' }] };
  });
  server.registerTool('test_tool_with_progress', { description: 'Reports progress when given a token', inputSchema: z.object({}) }, async (_args, ctx) => {
    const progressToken = ctx.mcpReq._meta?.progressToken;
    if (progressToken !== undefined) {
      for (const progress of [0, 50, 100]) {
        await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, progress, total: 100, message: `Completed step ${progress} of 100` } });
        if (progress < 100) await pause(50);
      }
    }
    return { content: [{ type: 'text', text: String(progressToken ?? 'no-progress-token') }] };
  });
  server.registerTool('test_logging_tool', { description: 'Logs through the request (only with _meta logLevel)', inputSchema: z.object({}) }, async (_args, ctx) => {
    await ctx.mcpReq.log('info', 'test_logging_tool ran');
    return { content: [{ type: 'text', text: 'logged through the request-scoped channel' }] };
  });
  server.registerTool('test_missing_capability', { description: 'Needs the sampling client capability', inputSchema: z.object({}) }, async (_args, ctx) => {
    if (ctx.mcpReq.inputResponses?.['llm_answer'] !== undefined) return { content: [{ type: 'text', text: 'sampling round-trip complete' }] };
    return inputRequired({
      inputRequests: { llm_answer: inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: 'Reply with: pong' } }], maxTokens: 16 }) },
    });
  });
  tool('test_streaming_elicitation', 'Answers with result frames only', () => ({ content: [{ type: 'text', text: 'result frames only' }] }));
  server.registerTool(
    'json_schema_2020_12_tool',
    {
      description: 'JSON Schema 2020-12 input',
      inputSchema: fromJsonSchema({
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
      }),
    },
    async (args) => ({ content: [{ type: 'text', text: `JSON Schema 2020-12 tool called with: ${JSON.stringify(args)}` }] }),
  );
}
