// Issue 4: the real service process on PostgreSQL — tenant isolation on both transports, stateless
// mode across two instances sharing one database, health/readiness/metrics/RFC 9728, and clear
// failures for a bad database and a bad environment.
import { callTool, connectAs, get, greetingFor, listMessages, metricSum, tokenFor, TRANSPORTS } from './support/clients';
import { rawRequest } from '@mcp-factory/mcp-auth/testing';
import { createLeastPrivilegeDatabase, type LeastPrivilegeDatabase } from './support/least-privilege';
import { E2E_ISSUER, runToExit, serviceEnv, startService, type ServiceProcess } from './support/service-process';
import { describeWithPostgres } from '@mcp-factory/shared-util/testing';

describeWithPostgres('multitenant-sse on PostgreSQL (stateful)', () => {
  let db: LeastPrivilegeDatabase;
  let service: ServiceProcess;

  beforeAll(async () => {
    db = await createLeastPrivilegeDatabase();
    service = await startService(db.serviceEnv());
  });
  afterAll(async () => {
    const exit = await service?.stop();
    await db?.drop();
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it.each(TRANSPORTS)('two users over %s each see only their own greetings', async (transport) => {
    const users = [`alice-${transport}`, `bob-${transport}`];
    const clients = await Promise.all(users.map((user) => connectAs(service.baseUrl, user, transport)));
    try {
      for (const [i, client] of clients.entries()) {
        const said = await callTool(client, 'hello_computer', { name: `Friend${i}` });
        expect(said).toEqual({ isError: false, text: greetingFor(`Friend${i}`, users[i]), structured: undefined });
      }
      for (const [i, client] of clients.entries()) {
        expect(await listMessages(client)).toEqual([greetingFor(`Friend${i}`, users[i])]);
      }
      // What the database holds, read as superuser: one row per user, under that user's tenant id.
      for (const user of users) expect(await db.countGreetings(user)).toBe(1);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  it('migrated as the owner and serves as the least-privilege runtime login, never as a superuser', async () => {
    const client = await connectAs(service.baseUrl, 'login-check', 'streamable-http');
    await callTool(client, 'hello_computer', {});
    await client.close();
    const logins = await db.query<{ login: string; superuser: boolean; bypass: boolean }>(
      `SELECT DISTINCT a.usename AS login, r.rolsuper AS superuser, r.rolbypassrls AS bypass
       FROM pg_stat_activity a JOIN pg_roles r ON r.rolname = a.usename
       WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()`,
    );
    expect(logins).toEqual([{ login: db.runtimeLogin, superuser: false, bypass: false }]);
    const [owner] = await db.query<{ owner: string }>(`SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'greeting'`);
    expect(owner.owner).toBe(db.ownerLogin);
  });

  it('answers /health and /ready with 200, and /metrics with session and request metrics', async () => {
    const health = await get(service.baseUrl, '/health');
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ status: 'ok', name: 'mcp-factory-service' });

    const ready = await get(service.baseUrl, '/ready');
    expect(ready.status).toBe(200);
    expect(ready.json).toEqual({ status: 'ready' });

    const client = await connectAs(service.baseUrl, 'metrics-user', 'streamable-http');
    await callTool(client, 'echo', { text: 'x' });
    const metrics = await get(service.baseUrl, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metricSum(metrics.body, 'mcp_sessions_active', { transport: 'streamable-http' })).toBeGreaterThanOrEqual(1);
    expect(metricSum(metrics.body, 'mcp_sessions_created_total')).toBeGreaterThanOrEqual(1);
    expect(metricSum(metrics.body, 'mcp_http_requests_total', { route: 'mcp', method: 'POST' })).toBeGreaterThanOrEqual(2);
    expect(metricSum(metrics.body, 'mcp_tool_call_duration_seconds_count', { tool: 'echo', outcome: 'ok' })).toBe(1);
    await client.close();
  });

  it('publishes the RFC 9728 protected-resource document', async () => {
    const res = await get(service.baseUrl, '/.well-known/oauth-protected-resource');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      resource: `${service.baseUrl}/mcp`,
      authorization_servers: [E2E_ISSUER],
      bearer_methods_supported: ['header'],
      resource_name: 'mcp-factory',
    });
  });

  it('refuses a request without a token with 401 and a WWW-Authenticate pointing at the document', async () => {
    const res = await get(service.baseUrl, '/sse');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain(`resource_metadata="${service.baseUrl}/.well-known/oauth-protected-resource"`);
  });
});

describeWithPostgres('multitenant-sse stateless (STATELESS=true) across two processes', () => {
  let db: LeastPrivilegeDatabase;
  let a: ServiceProcess;
  let b: ServiceProcess;

  beforeAll(async () => {
    db = await createLeastPrivilegeDatabase();
    // One after the other: both would migrate the fresh database at once otherwise (a separate concern).
    a = await startService({ ...db.serviceEnv(), STATELESS: 'true' });
    b = await startService({ ...db.serviceEnv(), STATELESS: 'true' });
  });
  afterAll(async () => {
    const exits = await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
    expect(exits).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
  });

  it('a user writes through instance A and reads the same data through instance B; another user sees none of it', async () => {
    expect(a.baseUrl).not.toBe(b.baseUrl);
    const writer = await connectAs(a.baseUrl, 'carol', 'streamable-http');
    expect(writer.sessionId).toBeUndefined(); // stateless: no session to pin to an instance
    await callTool(writer, 'hello_computer', { name: 'Ada' });
    await callTool(writer, 'hello_computer', { name: 'Grace' });
    await writer.close();

    const reader = await connectAs(b.baseUrl, 'carol', 'streamable-http');
    expect((await listMessages(reader)).sort()).toEqual([greetingFor('Ada', 'carol'), greetingFor('Grace', 'carol')].sort());
    await reader.close();

    const other = await connectAs(b.baseUrl, 'dave', 'streamable-http');
    expect(await listMessages(other)).toEqual([]);
    await other.close();

    expect(metricSum((await get(a.baseUrl, '/metrics')).body, 'mcp_sessions_active')).toBe(0);
  });

  it('refuses GET /mcp with 405 in stateless mode (there is no stream to resume)', async () => {
    const res = await rawRequest(`${b.baseUrl}/mcp`, { headers: { Authorization: `Bearer ${await tokenFor('carol')}`, Accept: 'text/event-stream' } });
    expect(res.status).toBe(405);
    expect(res.json).toMatchObject({ error: { data: { code: 'ERR_METHOD_NOT_ALLOWED' } } });
  });
});

describe('multitenant-sse start-up failures', () => {
  it('exits 1 with one clear line naming the masked database URL when PostgreSQL cannot be reached', async () => {
    const run = await runToExit(serviceEnv({ DATABASE_URL: 'postgresql://postgres:s3cret-pw@127.0.0.1:1/x', LOG_FORMAT: 'pretty' }));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n').filter((line) => line.trim());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Initialization failed.*Cannot open PostgreSQL at postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/x: connect ECONNREFUSED/);
    expect(run.stderr).not.toContain('s3cret-pw');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('exits 1 with one line per bad variable', async () => {
    const run = await runToExit(serviceEnv({ PORT: 'abc', JWT_SECRET: 'short', DATABASE_URL: 'mysql://x' }));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const problems = run.stderr.split('\n').filter((line) => /^\s+- /.test(line));
    expect(problems.map((line) => line.trim().split(':')[0]).sort()).toEqual(['- DATABASE_URL', '- JWT_SECRET', '- PORT']);
    expect(run.stderr).toMatch(/^multitenant-sse: Invalid configuration:\n/);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});

describeWithPostgres('multitenant-sse refuses a PostgreSQL login that row-level security would not bind', () => {
  let db: LeastPrivilegeDatabase;

  beforeAll(async () => {
    db = await createLeastPrivilegeDatabase();
  });
  afterAll(() => db?.drop());

  /** The stderr lines of a run that must stop at start (warnings and errors only: migrations log at info). */
  async function refusedStart(env: Record<string, string>): Promise<string[]> {
    const run = await runToExit(serviceEnv({ ...env, LOG_FORMAT: 'pretty', LOG_LEVEL: 'warn' }));
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
    expect(run.stderr).not.toMatch(/^\s+at /m);
    return run.stderr.split('\n').filter((line) => line.trim());
  }

  /** `text` as it appears inside the log line's JSON metadata. */
  const logged = (text: string) => JSON.stringify(text).slice(1, -1);
  const fix = 'Refusing to serve tenants with it: serve with a NOSUPERUSER NOBYPASSRLS login that is a member of mcp_app and owns nothing (see docs/postgres-roles.md), or set ALLOW_PRIVILEGED_DB_ROLE=true for local development';

  it('exits 1 with one line naming a superuser login and the fix', async () => {
    const superuser = new URL(db.url).username;
    const lines = await refusedStart({ DATABASE_URL: db.url, MIGRATION_DATABASE_URL: db.migrationUrl });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('Initialization failed');
    expect(lines[0]).toContain(logged(`PostgreSQL login "${superuser}" is a superuser (row-level security does not bind it). ${fix}`));
  });

  it('exits 1 when the runtime login owns the tables (it could turn row-level security off)', async () => {
    const lines = await refusedStart({ DATABASE_URL: db.migrationUrl });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(logged(`PostgreSQL login "${db.ownerLogin}" owns the tenant tables (greeting, note), so it can turn row-level security off. ${fix}`));
  });

  it('exits 1 with the GRANT to run when the runtime login is not a member of mcp_app (not a tenant-facing denial later)', async () => {
    const stranger = await db.createLogin({ grantApp: false });
    const login = new URL(stranger).username;
    const lines = await refusedStart({ DATABASE_URL: stranger, MIGRATION_DATABASE_URL: db.migrationUrl });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      logged(`login "${login}" cannot switch to role mcp_app, which every tenant-scoped query runs as: run GRANT mcp_app TO "${login}" as the database owner (see docs/postgres-roles.md)`),
    );
  });

  it('serves a superuser with one warning line when ALLOW_PRIVILEGED_DB_ROLE=true (local development)', async () => {
    const service = await startService({ DATABASE_URL: db.url, ALLOW_PRIVILEGED_DB_ROLE: 'true' });
    try {
      const warnings = service.stderr().split('\n').filter((line) => line.includes('"level":"warn"') && line.includes('is a superuser'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('tenant isolation rests on the tenant-scoped client alone');
    } finally {
      expect(await service.stop()).toEqual({ code: 0, signal: null });
    }
  });
});
