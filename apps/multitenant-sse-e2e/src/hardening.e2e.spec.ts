// Issue 14: the outside probes, rerun against the real service process — a cancelled call (idle
// eviction, SIGTERM), production start-up rules, the development token, /metrics on its own port with
// registered tool labels only, the RFC 9728 document, and tool errors without driver text.
import { connectClient, rawRequest, type ConnectedClient } from '@mcp-factory/mcp-auth/testing';
import { activeSessions, callTool, connectAs, get, metricSum, tokenFor, waitFor } from './support/clients';
import { createLeastPrivilegeDatabase, type LeastPrivilegeDatabase } from './support/least-privilege';
import { E2E_ISSUER, runToExit, serviceEnv, startService, type ServiceProcess } from './support/service-process';
import { describeWithPostgres } from '@mcp-factory/shared-util/testing';

const MCP_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
const helloCall = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'hello_computer', arguments: { name: 'cancelled' } } });
const cancel = (requestId: number) => ({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, reason: 'probe' } });
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

/** POSTs a JSON-RPC body into a user's Streamable HTTP session. */
async function postInto(baseUrl: string, userId: string, sessionId: string, body: unknown) {
  return rawRequest(`${baseUrl}/mcp`, {
    method: 'POST',
    headers: { ...MCP_HEADERS, Authorization: `Bearer ${await tokenFor(userId)}`, 'Mcp-Session-Id': sessionId },
    body: JSON.stringify(body),
    timeoutMs: 10_000,
  });
}

/** A field of the service's JSON `Listening` log line. */
function listeningField(service: ServiceProcess, field: string): unknown {
  for (const line of service.stderr().split('\n')) {
    if (!line.startsWith('{')) continue;
    const record = JSON.parse(line) as Record<string, unknown>;
    if (record['message'] === 'Listening') return record[field];
  }
  return undefined;
}

describeWithPostgres('hardening: a cancelled call (SESSION_IDLE_TIMEOUT_MS=2000, DRAIN_TIMEOUT_MS=30000)', () => {
  let db: LeastPrivilegeDatabase;
  let service: ServiceProcess;
  const clients: ConnectedClient[] = [];

  beforeAll(async () => {
    db = await createLeastPrivilegeDatabase();
    service = await startService({ ...db.serviceEnv(), SESSION_IDLE_TIMEOUT_MS: '2000', DRAIN_TIMEOUT_MS: '30000' });
  }, 120_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await service?.stop('SIGKILL');
    await db?.drop();
  });

  it('the POST of [call, cancel] ends, the session is evicted when idle, and SIGTERM then exits without waiting the drain', async () => {
    const first = await connectAs(service.baseUrl, 'cancel-user', 'streamable-http');
    clients.push(first);
    const ended = await postInto(service.baseUrl, 'cancel-user', first.sessionId as string, [helloCall(5), cancel(5)]);
    expect(ended.status).toBe(200);
    expect(ended.body).not.toContain('"id":5'); // no answer to a cancelled request

    // Idle eviction sees the session as idle again: it goes, and its id is then unknown.
    expect(await waitFor(async () => (await activeSessions(service.baseUrl)) === 0, 20_000)).toBe(true);
    expect((await postInto(service.baseUrl, 'cancel-user', first.sessionId as string, { jsonrpc: '2.0', id: 6, method: 'tools/list' })).status).toBe(404);

    // A fresh cancelled call, then SIGTERM at once: nothing is left in flight to wait for.
    const second = await connectAs(service.baseUrl, 'cancel-user', 'streamable-http');
    clients.push(second);
    expect((await postInto(service.baseUrl, 'cancel-user', second.sessionId as string, [helloCall(7), cancel(7)])).status).toBe(200);
    // Stopped before the 30 s drain timeout, or SIGKILLed by the helper after 20 s.
    expect(await service.stop('SIGTERM', 20_000)).toEqual({ code: 0, signal: null });
    expect(service.stderr()).not.toContain('drain timeout');
  }, 90_000);
});

describe('hardening: production start-up rules', () => {
  it('on 0.0.0.0 without PUBLIC_URL and ALLOWED_HOSTS, or without an issuer, it stops with one line per problem', async () => {
    const run = await runToExit(serviceEnv({ NODE_ENV: 'production', HOST: '0.0.0.0', JWT_ISSUER: '' }));
    expect(run.code).toBe(1);
    const problems = run.stderr.split('\n').filter((line) => /^\s+- /.test(line)).map((line) => line.trim());
    expect(problems).toEqual([
      '- JWT_ISSUER: JWT_ISSUER is required in production',
      '- PUBLIC_URL: is required in production when HOST (0.0.0.0) is not loopback',
      '- ALLOWED_HOSTS: is required in production when HOST (0.0.0.0) is not loopback',
    ]);
    expect(run.stdout).toBe('');
  }, 60_000);
});

describeWithPostgres('hardening: the development token', () => {
  let db: LeastPrivilegeDatabase;
  beforeAll(async () => {
    db = await createLeastPrivilegeDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('without JWT_SECRET: no token on stdout, only the command that prints one', async () => {
    const service = await startService({ ...db.serviceEnv(), JWT_SECRET: '' }, 60_000);
    try {
      expect(await waitFor(async () => service.stdout().includes('--print-dev-token'), 10_000)).toBe(true);
      expect(service.stdout()).toContain('npm run service -- --print-dev-token');
      expect(service.stdout()).not.toMatch(JWT);
    } finally {
      expect(await service.stop()).toEqual({ code: 0, signal: null });
    }
  }, 90_000);

  it('with DEV_TOKEN=print: a token for demo-user that the service accepts', async () => {
    const service = await startService({ ...db.serviceEnv(), JWT_SECRET: '', DEV_TOKEN: 'print' }, 60_000);
    try {
      expect(await waitFor(async () => JWT.test(service.stdout()), 10_000)).toBe(true);
      const token = JWT.exec(service.stdout())?.[0] as string;
      const client = await connectClient({ baseUrl: service.baseUrl, token, transport: 'streamable-http' });
      expect((await callTool(client, 'hello_computer', {})).text).toContain('running for user "demo-user"');
      await client.close();
    } finally {
      expect(await service.stop()).toEqual({ code: 0, signal: null });
    }
  }, 90_000);
});

describeWithPostgres('hardening: metrics on METRICS_PORT, the RFC 9728 document, tool errors', () => {
  let db: LeastPrivilegeDatabase;
  let service: ServiceProcess;
  beforeAll(async () => {
    db = await createLeastPrivilegeDatabase();
    service = await startService({ ...db.serviceEnv(), METRICS_PORT: '0' });
  }, 120_000);
  afterAll(async () => {
    const stopped = await service?.stop();
    await db?.drop();
    expect(stopped).toEqual({ code: 0, signal: null });
  });

  it('serves /metrics on its own loopback port only, labelled with registered tool names; made-up names are unknown', async () => {
    const metricsUrl = listeningField(service, 'metrics') as string;
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect((await get(service.baseUrl, '/metrics')).status).toBe(404);
    const client = await connectAs(service.baseUrl, 'metrics-user', 'streamable-http');
    await callTool(client, 'echo', { text: 'x' });
    for (let i = 0; i < 20; i++) await client.client.callTool({ name: `junk-${i}` }).catch(() => undefined);
    await client.close();
    const text = (await rawRequest(metricsUrl, { timeoutMs: 10_000 })).body;
    expect(metricSum(text, 'mcp_tool_call_duration_seconds_count', { tool: 'echo', outcome: 'ok' })).toBe(1);
    expect(metricSum(text, 'mcp_tool_call_duration_seconds_count', { tool: 'unknown' })).toBe(20);
    expect(text).not.toContain('junk-');
  });

  it('names the configured issuer as the authorization server', async () => {
    const res = await get(service.baseUrl, '/.well-known/oauth-protected-resource');
    expect(res.json).toMatchObject({ authorization_servers: [E2E_ISSUER] });
  });

  it('answers a tool the database refuses with a generic message and an error id; the database text is in the log under that id', async () => {
    const client = await connectAs(service.baseUrl, 'nul-user', 'streamable-http');
    // PostgreSQL refuses a NUL in text: "invalid byte sequence for encoding "UTF8": 0x00".
    const outcome = await callTool(client, 'hello_computer', { name: 'a\u0000b' });
    await client.close();
    expect(outcome.isError).toBe(true);
    expect(outcome.text).toMatch(/^Tool hello_computer failed \(error id [0-9a-f-]{36}\)\. The details are in the server log\.$/);
    const errorId = /error id ([0-9a-f-]{36})/.exec(outcome.text)?.[1] as string;
    const logged = service.stderr().split('\n').find((line) => line.includes(errorId)) ?? '';
    expect(logged).toContain('"message":"Tool failed"');
    expect(logged).toMatch(/0x00|invalid byte sequence/);
  });
});
