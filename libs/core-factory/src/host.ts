// `@mcp-factory/core-factory/host`: what the process hosting tool libraries uses — apps, tests,
// benchmarks, admin jobs. It builds servers for any user and reaches the whole database, so the
// module-boundary rules forbid it to scope:tools libraries (their specs excepted).
export { createServer } from './lib/server/create-server';
export type { ServerOptions } from './lib/server/create-server';
export type { ToolErrorDetail } from './lib/server/tool-failure';
export { toolInputSchemas } from './lib/tools/tool-input-schemas';
export {
  configureFactory,
  ensureInitialized,
  getDatabase,
  checkDatabase,
  shutdownFactory,
  migrateDatabase,
} from './lib/runtime/factory-runtime';
export type { FactoryConfig } from './lib/runtime/factory-runtime';
// What apps need of the data layer, passed through so that apps never import data-access directly.
export type { Database, DatabaseConfig, MigrateResult, PrivilegedRolePolicy } from '@mcp-factory/data-access';
