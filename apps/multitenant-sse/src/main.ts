// The multi-tenant service: config + wiring. Auth, sessions, limits and transports live in mcp-auth;
// the server per user comes from core-factory; the data from the shared database, scoped per tenant.
import { InitializationFailedError } from '@mcp-factory/core-factory';
import { checkDatabase, configureFactory, createServer, ensureInitialized, shutdownFactory, toolInputSchemas } from '@mcp-factory/core-factory/host';
import { installShutdownHandlers, JWTAuthProvider, wrapServer, type SharedStateComponent } from '@mcp-factory/mcp-auth';
import { createLogger, errorMessage } from '@mcp-factory/shared-util';
import { loadConfig, SECRET_VARIABLES } from './config';
import { announcingToolChanges, sharedStateFor, toolListFingerprint } from './shared-state';
import { devTokenNotice, generateDevSecret } from './dev-token';
import { loadTestToolLibraries } from './test-tool-libraries';
import { toolLibraries } from './tool-libraries';

async function main(): Promise<void> {
  const { env, database, migrationDatabase, migrateOnStart, logFormat, testToolLibraries, printDevToken } = loadConfig();
  // Parsed and passed down: code that reads the environment later (a tool library) finds no credentials.
  for (const name of SECRET_VARIABLES) delete process.env[name];
  const logger = createLogger({ level: env.LOG_LEVEL, format: logFormat, defaultMeta: { app: 'multitenant-sse' } });
  const tools = testToolLibraries ? [...toolLibraries, ...(await loadTestToolLibraries(testToolLibraries))] : toolLibraries;
  if (testToolLibraries) logger.warn('Serving test tool libraries (NODE_ENV=test)', { module: testToolLibraries, libraries: tools.map((l) => l.name) });

  configureFactory({ database, migrationDatabase, databaseOpening: 'eager', migrate: migrateOnStart, logger });
  await ensureInitialized(); // a database that cannot be opened stops the process here, with one line

  const jwtSecret = env.JWT_SECRET ?? (env.JWKS_URL ? undefined : generateDevSecret());
  const authProvider = new JWTAuthProvider({
    jwtSecret,
    jwksUrl: env.JWKS_URL,
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    requiredScopes: env.JWT_REQUIRED_SCOPES,
    clockTolerance: env.JWT_CLOCK_TOLERANCE_S,
  });

  const rateLimit = env.RATE_LIMIT_PER_MINUTE > 0 ? { maxRequests: env.RATE_LIMIT_PER_MINUTE, windowMs: 60_000 } : false;
  // Counted once the wrapper (and its metrics) exists; a fallback before that only logs.
  let countFallback: (component: SharedStateComponent) => void = () => undefined;
  const sharedState = sharedStateFor(env, { rateLimit, logger, onFallback: (component) => countFallback(component) });

  const wrapped = wrapServer({
    serverFactory: async (accessToken, userId) => announcingToolChanges(await createServer(accessToken, userId, { name: 'mcp-factory-service', tools }), sharedState),
    authProvider,
    resourceType: 'mcp-factory',
    name: 'mcp-factory-service',
    version: '0.1.0',
    transport: {
      type: 'http',
      port: env.PORT,
      host: env.HOST,
      stateless: env.STATELESS,
      allowQueryToken: env.ALLOW_QUERY_TOKEN,
      allowedHosts: env.ALLOWED_HOSTS,
      allowedOrigins: env.ALLOWED_ORIGINS,
    },
    publicUrl: env.PUBLIC_URL,
    // Default: the JWT issuers (JWTAuthProvider names them).
    protectedResource: env.AUTHORIZATION_SERVERS ? { authorizationServers: env.AUTHORIZATION_SERVERS } : undefined,
    // SEP-2243: createServer builds low-level Servers, whose Mcp-Param-* headers the SDK does not check.
    toolInputSchema: toolInputSchemas(tools),
    maxSessions: env.MAX_SESSIONS,
    maxSessionsPerUser: env.MAX_SESSIONS_PER_USER,
    sessionIdleTimeoutMs: env.SESSION_IDLE_TIMEOUT_MS,
    rateLimit,
    sharedState,
    replicaId: env.REPLICA_ID,
    maxBodyBytes: env.MAX_BODY_BYTES,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    drainTimeoutMs: env.DRAIN_TIMEOUT_MS,
    metrics: {
      // Only the tools this service registers become label values; any other name a client sends is `unknown`.
      toolNames: tools.flatMap((library) => library.tools.map((tool) => tool.name)),
      port: env.METRICS_PORT,
      host: env.METRICS_HOST,
      token: env.METRICS_TOKEN,
    },
    readinessCheck: checkDatabase,
    // After the sessions have given their slots back: then the Redis connections close.
    onShutdown: [shutdownFactory, () => sharedState?.close()],
    logger,
  });
  countFallback = (component) => wrapped.metrics.sharedStateFallbacks.inc({ component });
  const { url } = await wrapped.start();
  installShutdownHandlers(wrapped, { logger });
  if (sharedState && (await sharedState.announceToolList(toolListFingerprint(tools)))) logger.info('Announced a new tool list to every replica');
  logger.info('Listening', { mcp: `${url}/mcp`, sse: `${url}/sse`, metrics: wrapped.metricsAddress?.url, stateless: env.STATELESS, database: database.engine, replicaId: env.REPLICA_ID, sharedState: sharedState?.mode ?? 'none' });

  const notice = await devTokenNotice({
    url,
    secret: jwtSecret,
    generated: !env.JWT_SECRET && jwtSecret !== undefined,
    print: printDevToken,
    issuer: env.JWT_ISSUER?.[0],
    audience: env.JWT_AUDIENCE,
    scopes: env.JWT_REQUIRED_SCOPES,
  });
  if (notice) process.stdout.write(notice);
}

main().catch((error: unknown) => {
  // core-factory has already logged a failed initialisation (which database, what failed): one line, not two.
  if (!(error instanceof InitializationFailedError)) process.stderr.write(`multitenant-sse: ${errorMessage(error)}\n`);
  process.exit(1);
});
