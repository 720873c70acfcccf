export { createLogger, createSilentLogger } from './lib/logging/create-logger';
export type { Logger, LoggerOptions, LogFormat } from './lib/logging/create-logger';
export { McpFactoryError, hasErrorCode, errorMessage } from './lib/errors/mcp-factory-error';
export { retryableOnce } from './lib/async/retryable-once';
export type { RetryableOnce } from './lib/async/retryable-once';
export { createMemoryLogger } from './lib/logging/memory-logger';
export type { MemoryLogger, LogEntry } from './lib/logging/memory-logger';
export { parseEnv, ConfigInvalidError } from './lib/config/parse-env';
