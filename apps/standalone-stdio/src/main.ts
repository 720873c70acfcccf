// The desktop app: one local user, one server, over stdio — MCP 2026-07-28 and 2025-era clients alike
// (the first message picks the era). stdout carries the protocol; logs go to stderr.
import { configureFactory, createServer, shutdownFactory } from '@mcp-factory/core-factory/host';
import { createLogger, errorMessage } from '@mcp-factory/shared-util';
import { serveStdio } from '@mcp-factory/transport-stdio';
import { loadConfig } from './config';
import { toolLibraries } from './tool-libraries';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, format: config.logFormat, defaultMeta: { app: 'standalone-stdio' } });
  // Background: the handshake is answered at once; the embedded database opens (and migrates) once the
  // session is used, so a v2 client's short-lived server/discover probe process never touches it.
  configureFactory({ database: config.database, databaseOpening: 'background', logger });

  const session = await serveStdio({
    // `detailed`: the one user runs the app too, and "in use by process N" or "move the damaged directory
    // aside" is what they need to fix it (the service keeps core-factory's generic default for tenants).
    serverFactory: (accessToken, userId) => createServer(accessToken, userId, { name: 'mcp-factory-stdio', tools: toolLibraries, toolErrors: 'detailed' }),
    userId: config.userId,
    accessToken: config.accessToken,
    logger,
  });
  await session.closed;
  await shutdownFactory();
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`standalone-stdio: ${errorMessage(error)}\n`);
  process.exit(1);
});
