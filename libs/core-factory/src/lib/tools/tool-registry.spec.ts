import { z } from 'zod';
import { defineTool, defineToolLibrary } from './tool-contract';
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
      inputSchema: { type: 'object', properties: {} },
    });
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
