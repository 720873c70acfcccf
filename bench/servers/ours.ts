// Ours: wrapServer (JWT HS256 on every request) around the real createServer with tools-hello.
import { defineTool, defineToolLibrary, type ToolLibrary } from '@mcp-factory/core-factory';
import { configureFactory, createServer, ensureInitialized, getDatabase } from '@mcp-factory/core-factory/host';
import { JWTAuthProvider, wrapServer } from '@mcp-factory/mcp-auth';
import { helloTools } from '@mcp-factory/tools-hello';
import { z } from 'zod';
import type { Started } from './main';
import { BENCH_JWT, type ServerSpec } from './spec';

/** Bench-only: list_greetings with the same query through the unscoped client and an explicit tenant filter. */
const listGreetingsRaw = defineTool({
  name: 'list_greetings_raw',
  description: 'list_greetings without tenant scoping or RLS (benchmark baseline)',
  input: z.object({ limit: z.number().int().min(1).max(100).default(20) }),
  handler: async ({ limit }, ctx) => {
    const db = (await getDatabase()).unscoped;
    const greetings = await db.greeting.findMany({ where: { tenantId: ctx.userId }, orderBy: { createdAt: 'desc' }, take: limit });
    const lines = greetings.map((g) => `${g.createdAt.toISOString()} ${g.message}`);
    return {
      content: [{ type: 'text', text: lines.length ? lines.join('\n') : 'No greetings yet.' }],
      structuredContent: {
        greetings: greetings.map((g) => ({ name: g.name, message: g.message, createdAt: g.createdAt.toISOString() })),
      },
    };
  },
});

export async function startOurs(spec: Extract<ServerSpec, { kind: 'ours' }>): Promise<Started> {
  if (spec.databaseUrl) {
    configureFactory({
      database: { engine: 'server', url: spec.databaseUrl, poolSize: spec.poolSize ?? 10, ...(spec.leastPrivilege ? { privilegedRole: { action: 'refuse' as const } } : {}) },
      migrationDatabase: spec.migrationUrl ? { engine: 'server', url: spec.migrationUrl, poolSize: 1 } : undefined,
      databaseOpening: 'eager',
    });
  } else if (spec.embeddedDataDir) {
    // The service's default without DATABASE_URL: PGlite in this process on a data directory, not shared.
    configureFactory({ database: { engine: 'embedded', dataDir: spec.embeddedDataDir }, databaseOpening: 'eager' });
  }
  // Opened and migrated before the server reports ready (the service does the same at start).
  if (spec.databaseUrl || spec.embeddedDataDir) await ensureInitialized();
  const tools: ToolLibrary[] = spec.rawTool ? [helloTools, defineToolLibrary('bench-raw', [listGreetingsRaw])] : [helloTools];
  if ((spec.databaseUrl || spec.embeddedDataDir) && spec.seedUsers) {
    const db = (await getDatabase()).unscoped;
    // Users u0…u(n-1) and as many `other-` tenants, in one statement (the login must bypass RLS: superuser, or PGlite's one user).
    await db.$executeRawUnsafe(
      `INSERT INTO greeting (tenant_id, message, created_at)
       SELECT p || u, 'seed ' || i || ' for ' || p || u, now() - make_interval(secs => i)
       FROM unnest(ARRAY['u', 'other-']) AS p, generate_series(0, $1::int - 1) AS u, generate_series(1, $2::int) AS i`,
      spec.seedUsers,
      spec.seedPerUser ?? 50,
    );
  }
  const wrapped = wrapServer({
    serverFactory: (accessToken, userId) => createServer(accessToken, userId, { name: 'mcp-factory-bench', tools }),
    authProvider: new JWTAuthProvider({ jwtSecret: BENCH_JWT.secret, issuer: BENCH_JWT.issuer, audience: BENCH_JWT.audience }),
    resourceType: 'mcp-factory',
    transport: { type: 'http', port: 0, host: '127.0.0.1', stateless: spec.stateless, enableJsonResponse: spec.enableJsonResponse },
    rateLimit: false,
    maxSessions: spec.maxSessions ?? 50_000,
    maxSessionsPerUser: spec.maxSessionsPerUser ?? 100,
    sessionIdleTimeoutMs: spec.sessionIdleTimeoutMs ?? 600_000,
    sessionSweepIntervalMs: spec.sessionSweepIntervalMs,
  });
  const { url } = await wrapped.start();
  return { url, sessions: () => wrapped.sessions.size, stop: () => wrapped.stop() };
}
