import type { ListToolsResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { DuplicateToolError } from '../errors';
import type { ToolDefinition, ToolLibrary } from './tool-contract';

/** The composed tools of one app, compiled once per process and shared by every server instance. */
export interface ToolRegistry {
  get(name: string): ToolDefinition | undefined;
  /** The `tools/list` answer, JSON Schema included; built once, never per request. */
  readonly listResult: ListToolsResult;
}

// Keyed by the libraries array an app passes on every createServer call, so composition happens once.
const compiledRegistries = new WeakMap<readonly ToolLibrary[], ToolRegistry>();

/** Returns the registry for these libraries, compiling it the first time this array is seen. */
export function toolRegistryFor(libraries: readonly ToolLibrary[]): ToolRegistry {
  let registry = compiledRegistries.get(libraries);
  if (!registry) {
    registry = compileToolRegistry(libraries);
    compiledRegistries.set(libraries, registry);
  }
  return registry;
}

export function compileToolRegistry(libraries: readonly ToolLibrary[]): ToolRegistry {
  const byName = new Map<string, ToolDefinition>();
  const owner = new Map<string, string>();
  for (const library of libraries) {
    for (const tool of library.tools) {
      const previous = owner.get(tool.name);
      if (previous !== undefined) {
        throw new DuplicateToolError(
          `Tool "${tool.name}" is defined by both "${previous}" and "${library.name}"; tool names must be unique`,
        );
      }
      owner.set(tool.name, library.name);
      byName.set(tool.name, tool);
    }
  }
  // JSON Schema is built on the first tools/list, not at start: the desktop handshake does not need it.
  let listResult: ListToolsResult | undefined;
  return {
    get: (name) => byName.get(name),
    get listResult() {
      listResult ??= Object.freeze({ tools: [...byName.values()].map(describeTool) });
      return listResult;
    },
  };
}

function describeTool(tool: ToolDefinition): Tool {
  const { $schema: _dialect, ...inputSchema } = z.toJSONSchema(tool.input, { io: 'input' }) as Record<string, unknown>;
  return {
    name: tool.name,
    ...(tool.title ? { title: tool.title } : {}),
    description: tool.description,
    inputSchema: inputSchema as Tool['inputSchema'],
    ...(tool.annotations ? { annotations: tool.annotations } : {}),
  };
}
