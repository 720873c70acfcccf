// `http-custom-header-server-validation` (2026-07-28, SEP-2243): a tool with an argument mirrored in
// an `Mcp-Param-Region` header. The `x-mcp-header` annotation rides in zod's `.meta()`; the service
// (mcp-auth's `toolInputSchema` check) refuses a call whose header disagrees before the tool runs.
import { defineTool } from '@mcp-factory/core-factory';
import { z } from 'zod';

export const headerTool = defineTool({
  name: 'test_custom_headers',
  description: 'Echoes a region that the client also sends as the Mcp-Param-Region header',
  input: z.object({ region: z.string().meta({ 'x-mcp-header': 'Region' }) }),
  handler: async ({ region }) => `region: ${region}`,
});
