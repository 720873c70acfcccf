// The desktop app: one local user, one server, over stdio. stdout carries the protocol; logs go to stderr.
import { configureFactory, createServer, shutdownFactory } from '@mcp-factory/core-factory/host';
import { createLogger, errorMessage } from '@mcp-factory/shared-util';
import { serveStdio } from '@mcp-factory/transport-stdio';
import { loadConfig } from './config';
import { toolLibraries } from './tool-libraries';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, format: config.logFormat, defaultMeta: { app: 'standalone-stdio' } });
  // Background: the handshake is answered at once while the embedded database opens and migrates.
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
