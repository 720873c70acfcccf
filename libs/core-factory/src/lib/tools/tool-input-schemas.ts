import type { Tool } from '@modelcontextprotocol/server';
import type { ToolLibrary } from './tool-contract';
import { toolRegistryFor } from './tool-registry';

/**
 * Looks up a tool's JSON input schema (as `tools/list` shows it) among these libraries — for a host
 * that checks requests before a server sees them, e.g. mcp-auth's SEP-2243 `Mcp-Param-*` check
 * (`wrapServer({ toolInputSchema })`). Uses the same per-process registry as `createServer`.
 */
export function toolInputSchemas(libraries: readonly ToolLibrary[]): (toolName: string) => Tool['inputSchema'] | undefined {
  return (toolName) => toolRegistryFor(libraries).inputSchemaOf(toolName);
}
