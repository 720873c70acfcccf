// The local Nx plugin of this workspace (@mcp-factory/workspace): generators and workspace checks.
export { toolLibGenerator } from './generators/tool-lib/generator';
export type { ToolLibGeneratorSchema } from './generators/tool-lib/schema';
export { toolLibNames, validateToolLibName, RESERVED_TOOL_LIB_NAMES } from './generators/tool-lib/tool-lib-names';
export type { ToolLibNames } from './generators/tool-lib/tool-lib-names';
export { addToolLibrary } from './generators/tool-lib/register-tool-library';
export type { ToolLibraryEntry } from './generators/tool-lib/register-tool-library';
export {
  ToolLibNameInvalidError,
  ToolLibNameReservedError,
  ToolLibExistsError,
  WorkspaceUnrecognisedError,
  workspaceErrors,
} from './lib/errors';
export type { WorkspaceErrorCode } from './lib/errors';
