// The suite's `tools-call-*` scenarios: one tool per kind of content, and one that fails on purpose.
import { defineTool, ToolError } from '@mcp-factory/core-factory';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { z } from 'zod';

/** A 1×1 PNG and a minimal WAV, as the suite expects them in content blocks. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const WAV = 'UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=';

const fixed = (name: string, description: string, result: CallToolResult) =>
  defineTool({ name, description, input: z.object({}), handler: async () => result });

export const contentTools = [
  fixed('test_simple_text', 'Simple text content', { content: [{ type: 'text', text: 'This is a simple text response for testing.' }] }),
  fixed('test_image_content', 'Image content', { content: [{ type: 'image', data: PNG, mimeType: 'image/png' }] }),
  fixed('test_audio_content', 'Audio content', { content: [{ type: 'audio', data: WAV, mimeType: 'audio/wav' }] }),
  fixed('test_embedded_resource', 'Embedded resource content', {
    content: [{ type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } }],
  }),
  fixed('test_multiple_content_types', 'Text, image and resource content', {
    content: [
      { type: 'text', text: 'Multiple content types test:' },
      { type: 'image', data: PNG, mimeType: 'image/png' },
      { type: 'resource', resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: JSON.stringify({ test: 'data', value: 123 }) } },
    ],
  }),
  defineTool({
    name: 'test_error_handling',
    description: 'Fails on purpose',
    input: z.object({}),
    // A ToolError: its message reaches the caller as the isError result's text.
    handler: async () => {
      throw new ToolError('This tool intentionally returns an error for testing');
    },
  }),
];
