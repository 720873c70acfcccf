export { createServer } from './lib/server/create-server';
export type { ServerOptions } from './lib/server/create-server';
export type { ToolErrorDetail } from './lib/server/tool-failure';
export { defineTool, defineToolLibrary } from './lib/tools/tool-contract';
export type { ToolContext, ToolDefinition, ToolLibrary, ToolResult } from './lib/tools/tool-contract';
export {
  configureFactory,
  ensureInitialized,
  getDatabase,
  checkDatabase,
  shutdownFactory,
} from './lib/runtime/factory-runtime';
export type { FactoryConfig } from './lib/runtime/factory-runtime';
export {
  UserIdRequiredError,
  InitializationFailedError,
  DuplicateToolError,
  DatabaseNotConfiguredError,
  FactoryAlreadyConfiguredError,
  ToolError,
  coreFactoryErrors,
} from './lib/errors';
export type { CoreFactoryErrorCode } from './lib/errors';
export { migrateDatabase } from './lib/runtime/factory-runtime';
// What apps need of the data layer's types, passed through so that apps never import data-access directly.
export type { DatabaseConfig, TenantClient, MigrateResult } from '@mcp-factory/data-access';
