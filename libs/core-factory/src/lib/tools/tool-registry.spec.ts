import { z } from 'zod';
import { defineTool, defineToolLibrary } from './tool-contract';
import { toolInputSchemas } from './tool-input-schemas';
import { compileToolRegistry, toolRegistryFor } from './tool-registry';

const ping = defineTool({ name: 'ping', description: 'pong', input: z.object({}), handler: async () => 'pong' });

describe('tool registry', () => {
  it('refuses two libraries with the same tool name, naming both', () => {
    expect(() => compileToolRegistry([defineToolLibrary('a', [ping]), defineToolLibrary('b', [ping])])).toThrow(
      expect.objectContaining({ code: 'ERR_DUPLICATE_TOOL', message: expect.stringContaining('"a" and "b"') }),
    );
  });

  it('compiles a libraries array once and reuses it', () => {
    const libraries = [defineToolLibrary('a', [ping])];
    expect(toolRegistryFor(libraries)).toBe(toolRegistryFor(libraries));
    expect(toolRegistryFor(libraries).listResult.tools[0]).toEqual({
      name: 'ping',
      description: 'pong',
      inputSchema: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: {}, additionalProperties: false },
    });
  });

  it('hands a host each tool input schema as tools/list shows it, x-mcp-header annotations included', () => {
    const routed = defineTool({ name: 'route', description: 'r', input: z.object({ region: z.string().meta({ 'x-mcp-header': 'Region' }) }), handler: async () => 'ok' });
    const libraries = [defineToolLibrary('a', [ping, routed])];
    const lookup = toolInputSchemas(libraries);
    expect(lookup('route')).toBe(toolRegistryFor(libraries).listResult.tools[1]?.inputSchema);
    expect(lookup('route')?.properties?.['region']).toMatchObject({ type: 'string', 'x-mcp-header': 'Region' });
    expect(lookup('nope')).toBeUndefined();
  });
});

describe('tool arguments', () => {
  const echo = defineTool({ name: 'echo', description: 'd', input: z.object({ text: z.string() }), handler: async ({ text }) => text });
  const open = defineTool({ name: 'open', description: 'd', input: z.looseObject({ text: z.string() }), handler: async ({ text }) => text });
  const registry = compileToolRegistry([defineToolLibrary('a', [echo, open])]);

  it('refuses a key the schema does not name, naming it, and advertises that (additionalProperties: false)', () => {
    const parsed = registry.get('echo')?.input.safeParse({ text: 'hi', txet: 'typo' });
    expect(parsed?.success).toBe(false);
    expect(parsed?.error?.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: ['txet'], message: 'Unrecognized key: "txet"' })]);
    expect(registry.listResult.tools[0]?.inputSchema).toMatchObject({ additionalProperties: false, required: ['text'] });
  });

  it('leaves an author’s loose object loose', () => {
    expect(registry.get('open')?.input.safeParse({ text: 'hi', extra: 1 }).success).toBe(true);
    expect(registry.listResult.tools[1]?.inputSchema).toMatchObject({ additionalProperties: {} });
  });
});

describe('tool registry laziness', () => {
  it('builds the tools/list answer once, on first use', () => {
    const registry = compileToolRegistry([defineToolLibrary('a', [ping])]);
    const first = registry.listResult;
    expect(registry.listResult).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });
});
