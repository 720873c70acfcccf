// The tool contract: everything a tool library may import. It yields no database, no server and no
// other tenant: a handler reaches data only through its `ctx`. Apps, tests and admin jobs use
// `@mcp-factory/core-factory/host` (lint forbids it to scope:tools libraries).
export { defineTool, defineToolLibrary } from './lib/tools/tool-contract';
export type {
  ClientLogLevel,
  ElicitationAnswer,
  ElicitationRequest,
  ProgressUpdate,
  ToolContext,
  ToolDefinition,
  ToolLibrary,
  ToolResult,
} from './lib/tools/tool-contract';
export {
  UserIdRequiredError,
  InitializationFailedError,
  DuplicateToolError,
  DatabaseNotConfiguredError,
  FactoryAlreadyConfiguredError,
  ToolError,
  ElicitationUnsupportedError,
  coreFactoryErrors,
} from './lib/errors';
export type { CoreFactoryErrorCode } from './lib/errors';
// The scoped client's type, passed through so that tool libraries never import data-access.
export type { TenantClient, TenantModel, TenantModelName } from '@mcp-factory/data-access';
