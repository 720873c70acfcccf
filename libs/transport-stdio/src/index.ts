export { serveStdio } from './lib/serve-stdio';
export type { ServeStdioOptions, StdioSession } from './lib/serve-stdio';
