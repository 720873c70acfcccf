import type { ListToolsResult, Tool } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { DuplicateToolError } from '../errors';
import type { ToolDefinition, ToolLibrary } from './tool-contract';

/** A tool as the server calls it: its definition and the schema its arguments are checked against. */
export interface RegisteredTool {
  readonly definition: ToolDefinition;
  /** `definition.input`, refusing arguments it does not name (unless the author made it loose). */
  readonly input: z.ZodObject;
}

/** The composed tools of one app, compiled once per process and shared by every server instance. */
export interface ToolRegistry {
  get(name: string): RegisteredTool | undefined;
  /** The `tools/list` answer, JSON Schema included; built once, never per request. */
  readonly listResult: ListToolsResult;
  /** One tool's JSON input schema as `tools/list` shows it (the same object), or undefined. */
  inputSchemaOf(name: string): Tool['inputSchema'] | undefined;
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
  const byName = new Map<string, RegisteredTool>();
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
      byName.set(tool.name, Object.freeze({ definition: tool, input: strictInput(tool.input) }));
    }
  }
  // JSON Schema is built on the first tools/list, not at start: the desktop handshake does not need it.
  let listResult: ListToolsResult | undefined;
  let schemas: Map<string, Tool['inputSchema']> | undefined;
  const registry: ToolRegistry = {
    get: (name) => byName.get(name),
    get listResult() {
      listResult ??= Object.freeze({ tools: [...byName.values()].map(describeTool) });
      return listResult;
    },
    inputSchemaOf(name) {
      schemas ??= new Map(registry.listResult.tools.map((tool) => [tool.name, tool.inputSchema]));
      return schemas.get(name);
    },
  };
  return registry;
}

/**
 * A tool's arguments are exactly what its schema names: an unknown key is the model's mistake (a
 * misspelt `limt`), refused with a result naming it rather than silently dropped. An author who wants
 * extra keys says so with `z.looseObject` (or a `catchall`), which keeps its own catch-all.
 */
function strictInput(input: z.ZodObject): z.ZodObject {
  return input.def.catchall === undefined ? input.strict() : input;
}

/**
 * `inputSchema` is JSON Schema 2020-12 as zod writes it, `$schema` included (MCP's default dialect,
 * named so that clients need not guess), `additionalProperties: false` for a strict object.
 */
function describeTool({ definition: tool, input }: RegisteredTool): Tool {
  const inputSchema = z.toJSONSchema(input, { io: 'input', target: 'draft-2020-12' });
  return {
    name: tool.name,
    ...(tool.title ? { title: tool.title } : {}),
    description: tool.description,
    inputSchema: inputSchema as Tool['inputSchema'],
    ...(tool.annotations ? { annotations: tool.annotations } : {}),
  };
}
