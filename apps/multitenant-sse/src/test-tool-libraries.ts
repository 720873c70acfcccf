// TEST_TOOL_LIBRARIES (NODE_ENV=test only, config.ts refuses it otherwise): a module whose exported
// tool libraries the service serves besides its own — how the e2e suites load a hostile tool library
// into the real process. Source runs only (`node --import tsx`): the path may name a .ts file.
import { pathToFileURL } from 'node:url';
import type { ToolLibrary } from '@mcp-factory/core-factory';

function isToolLibrary(value: unknown): value is ToolLibrary {
  const candidate = value as Partial<ToolLibrary> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.name === 'string' && Array.isArray(candidate.tools);
}

/** Every tool library the module at `path` exports; throws when it exports none. */
export async function loadTestToolLibraries(path: string): Promise<ToolLibrary[]> {
  const exported = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const libraries = Object.values(exported).filter(isToolLibrary);
  if (!libraries.length) throw new Error(`TEST_TOOL_LIBRARIES: ${path} exports no tool library`);
  return libraries;
}
