// Issue 9, cross-tenant: a user who learns another user's session id gets nothing from it — the
// same answer as for an id that never existed — and 20 users calling tools at once never see each
// other's data.
import { randomUUID } from 'node:crypto';
import { rawRequest, signTestToken, type ConnectedClient, type RawResponse } from '@mcp-factory/mcp-auth/testing';
import { callTool, connectAs, greetingFor, listMessages, tokenFor, TRANSPORTS, type TransportKind } from './support/clients';
import { seededRandom, seedFromEnv } from './support/random';
import { createLeastPrivilegeDatabase, type LeastPrivilegeDatabase } from './support/least-privilege';
import { E2E_AUDIENCE, E2E_ISSUER, E2E_JWT_SECRET, startService, type ServiceProcess } from './support/service-process';
import { describeWithPostgres } from '@mcp-factory/shared-util/testing';

const MCP_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
const listCall = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'list_greetings', arguments: {} } });

/** What must be identical between "someone else's session" and "no such session". */
function comparable(res: RawResponse) {
  const { 'x-request-id': _id, date: _date, ...headers } = res.headers;
  return { status: res.status, headers, body: res.body };
}

/** The sessionId the SDK's SSE client got in its `endpoint` event. */
function sseSessionId(connected: ConnectedClient): string {
  const endpoint = (connected.client.transport as unknown as { _endpoint?: URL })._endpoint;
  const id = endpoint?.searchParams.get('sessionId');
  if (!id) throw new Error('SSE client has no endpoint yet');
  return id;
}

describeWithPostgres('cross-tenant: presenting another user’s session', () => {
  let db: LeastPrivilegeDatabase;
  let service: ServiceProcess;
  let alice: { http: ConnectedClient; sse: ConnectedClient };
  let bobToken: string;

  beforeAll(async () => {
    db = await createLeastPrivilegeDatabase();
    service = await startService(db.serviceEnv());
    alice = {
      http: await connectAs(service.baseUrl, 'alice', 'streamable-http'),
      sse: await connectAs(service.baseUrl, 'alice', 'sse'),
    };
    await callTool(alice.http, 'hello_computer', { name: 'AliceSecret' });
    bobToken = await tokenFor('bob');
  });
  afterAll(async () => {
    await alice?.http.close();
    await alice?.sse.close();
    const exit = await service?.stop();
    await db?.drop();
    expect(exit?.code).toBe(0);
  });

  it.each(['POST', 'GET', 'DELETE'])('%s /mcp with Alice’s Mcp-Session-Id answers Bob exactly as an unknown id does', async (method) => {
    const aliceSession = alice.http.sessionId as string;
    expect(aliceSession).toMatch(/^[0-9a-f-]{36}$/);
    const send = (sessionId: string) =>
      rawRequest(`${service.baseUrl}/mcp`, {
        method,
        headers: { ...MCP_HEADERS, Authorization: `Bearer ${bobToken}`, 'Mcp-Session-Id': sessionId },
        body: method === 'POST' ? listCall : undefined,
      });
    const stolen = await send(aliceSession);
    const unknown = await send(randomUUID());
    expect(stolen.status).toBe(404);
    expect(comparable(stolen)).toEqual(comparable(unknown));
    // The answer names the request it refuses (the POST's JSON-RPC id; none for GET and DELETE), nothing of Alice's.
    expect(stolen.json).toEqual({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found', data: { code: 'ERR_SESSION_NOT_FOUND' } }, id: method === 'POST' ? 7 : null });
    expect(stolen.body).not.toMatch(/alice|AliceSecret/i);
    expect(stolen.body).not.toContain(aliceSession);
  });

  it('POST /messages?sessionId=<Alice’s SSE session> answers Bob exactly as an unknown id does', async () => {
    const aliceSession = sseSessionId(alice.sse);
    const send = (sessionId: string) =>
      rawRequest(`${service.baseUrl}/messages?sessionId=${encodeURIComponent(sessionId)}`, {
        method: 'POST',
        headers: { ...MCP_HEADERS, Authorization: `Bearer ${bobToken}` },
        body: listCall,
      });
    const stolen = await send(aliceSession);
    const unknown = await send(randomUUID());
    expect(stolen.status).toBe(404);
    expect(comparable(stolen)).toEqual(comparable(unknown));
    expect(stolen.body).not.toMatch(/alice|AliceSecret/i);
    expect(stolen.body).not.toContain(aliceSession);
  });

  it('a session id used on the other transport is unknown there, even to its owner', async () => {
    const aliceToken = await tokenFor('alice');
    const sseIdOnMcp = await rawRequest(`${service.baseUrl}/mcp`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, Authorization: `Bearer ${aliceToken}`, 'Mcp-Session-Id': sseSessionId(alice.sse) },
      body: listCall,
    });
    const mcpIdOnMessages = await rawRequest(`${service.baseUrl}/messages?sessionId=${alice.http.sessionId}`, {
      method: 'POST',
      headers: { ...MCP_HEADERS, Authorization: `Bearer ${aliceToken}` },
      body: listCall,
    });
    expect([sseIdOnMcp.status, mcpIdOnMessages.status]).toEqual([404, 404]);
  });

  it('refuses Alice’s session with a forged, unsigned, expired or foreign-audience token for "alice" (401)', async () => {
    const forged = [
      await signTestToken({ sub: 'alice' }, 'not-the-service-secret-0123456789abcdef', { issuer: E2E_ISSUER, audience: E2E_AUDIENCE }),
      await signTestToken({ sub: 'alice' }, E2E_JWT_SECRET, { alg: 'none', issuer: E2E_ISSUER, audience: E2E_AUDIENCE }),
      await signTestToken({ sub: 'alice' }, E2E_JWT_SECRET, { issuer: E2E_ISSUER, audience: E2E_AUDIENCE, expiresIn: Math.floor(Date.now() / 1000) - 60 }),
      await signTestToken({ sub: 'alice' }, E2E_JWT_SECRET, { issuer: E2E_ISSUER, audience: 'some-other-api' }),
    ];
    for (const token of forged) {
      const res = await rawRequest(`${service.baseUrl}/mcp`, {
        method: 'POST',
        headers: { ...MCP_HEADERS, Authorization: `Bearer ${token}`, 'Mcp-Session-Id': alice.http.sessionId as string },
        body: listCall,
      });
      expect(res.status).toBe(401);
      expect(res.body).not.toContain('AliceSecret');
    }
  });

  it('left Alice’s sessions and data untouched', async () => {
    expect(await listMessages(alice.http)).toEqual([greetingFor('AliceSecret', 'alice')]);
    expect(await listMessages(alice.sse)).toEqual([greetingFor('AliceSecret', 'alice')]);
    expect(await db.countGreetings('bob')).toBe(0);
  });
});

describeWithPostgres('cross-tenant: 20 users calling tools in parallel on both transports', () => {
  const USERS = 20;
  const CALLS_PER_CLIENT = 5;
  let db: LeastPrivilegeDatabase;
  let service: ServiceProcess;

  beforeAll(async () => {
    db = await createLeastPrivilegeDatabase();
    service = await startService(db.serviceEnv());
  });
  afterAll(async () => {
    const exit = await service?.stop();
    await db?.drop();
    expect(exit?.code).toBe(0);
  });

  it('each user’s list_greetings is exactly what that user wrote', async () => {
    const seed = seedFromEnv();
    const random = seededRandom(seed);
    const users = Array.from({ length: USERS }, (_, i) => `tenant-${String(i).padStart(2, '0')}`);
    // Decide the whole workload up front from the seed, so a failure can be replayed with E2E_SEED.
    const plans = users.map((user) =>
      TRANSPORTS.map((transport) => ({
        user,
        transport,
        calls: Array.from({ length: CALLS_PER_CLIENT }, () =>
          random() < 0.7 ? { tool: 'hello_computer', name: `n${Math.floor(random() * 1e9).toString(36)}` } : { tool: 'list_greetings' as const },
        ),
      })),
    );
    const written = new Map<string, string[]>(users.map((u) => [u, []]));

    const runPlan = async (plan: { user: string; transport: TransportKind; calls: Array<{ tool: string; name?: string }> }) => {
      const client = await connectAs(service.baseUrl, plan.user, plan.transport);
      try {
        for (const call of plan.calls) {
          if (call.tool === 'hello_computer') {
            const outcome = await callTool(client, 'hello_computer', { name: call.name });
            expect(outcome).toMatchObject({ isError: false, text: greetingFor(call.name as string, plan.user) });
            written.get(plan.user)?.push(outcome.text);
          } else {
            // Mid-run reads may race the user's other client, but must never show another user's row.
            for (const message of await listMessages(client)) expect(message).toContain(`running for user "${plan.user}"`);
          }
        }
      } finally {
        await client.close();
      }
    };
    try {
      await Promise.all(plans.flat().map(runPlan));
      for (const user of users) {
        const reader = await connectAs(service.baseUrl, user, user.endsWith('0') ? 'sse' : 'streamable-http');
        expect((await listMessages(reader)).sort()).toEqual([...(written.get(user) ?? [])].sort());
        await reader.close();
        expect(await db.countGreetings(user)).toBe(written.get(user)?.length);
      }
      const [{ n: total }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM greeting');
      expect(total).toBe([...written.values()].reduce((sum, list) => sum + list.length, 0));
    } catch (error) {
      throw new Error(`seed ${seed} (replay with E2E_SEED=${seed}): ${(error as Error).message}`);
    }
  });
});
