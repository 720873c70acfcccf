import { InMemoryServerEventBus } from '@modelcontextprotocol/server';
import { JWTAuthProvider } from '../auth/jwt-auth-provider';
import { connectV2Client, createTestServerFactory, modernRequest, rawRequest, signTestToken, TEST_AUDIENCE, TEST_ISSUER, TEST_JWT_SECRET, type TestServerFactory } from '../../testing';
import type { ServerWrapperConfig } from './config';
import { wrapServer, type AuthenticatedServerWrapper } from './wrap-server';

/*
 * The 2026-07-28 path inside the service's lifecycle: in-flight tracking and the drain, a client
 * that cancels by closing its stream, `subscriptions/listen` over the (injectable) event bus and the
 * session slot it holds, metrics labels.
 */

const token = (sub: string) => signTestToken({ sub, scope: 'mcp' });
const until = async (check: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('the 2026-07-28 path in the service lifecycle', () => {
  let fixture: TestServerFactory;
  let wrapped: AuthenticatedServerWrapper;
  let url: string;

  async function start(overrides: Partial<ServerWrapperConfig> = {}): Promise<void> {
    fixture = createTestServerFactory();
    wrapped = wrapServer({
      serverFactory: fixture.factory,
      authProvider: new JWTAuthProvider({ jwtSecret: TEST_JWT_SECRET, audience: TEST_AUDIENCE, issuer: TEST_ISSUER }),
      resourceType: 'lifecycle',
      transport: { type: 'http', port: 0 },
      rateLimit: false,
      ...overrides,
    });
    url = (await wrapped.start()).url;
  }

  afterEach(() => wrapped.stop());

  it('stop() waits for a 2026-07-28 call in flight, which completes; new requests get 503', async () => {
    await start({ drainTimeoutMs: 20_000 });
    const client = await connectV2Client({ baseUrl: url, token: await token('alice') });
    const call = client.callText('slow', { ms: 400 });
    await until(() => wrapped.inFlight.size === 1);
    const stopped = wrapped.stop();
    const { body, headers } = modernRequest('tools/call', { name: 'whoami', arguments: {} });
    const refused = await rawRequest(`${url}/mcp`, { method: 'POST', headers: { ...headers, Authorization: `Bearer ${await token('bob')}` }, body }).catch(() => undefined);
    if (refused) expect(refused.status).toBe(503);
    expect(await call).toBe('done');
    await stopped;
    expect(wrapped.inFlight.size).toBe(0);
    await client.close();
  });

  it('a 2026-07-28 client that aborts its call (closing the stream) leaves nothing in flight, and stop() does not wait for it', async () => {
    await start();
    const client = await connectV2Client({ baseUrl: url, token: await token('alice') });
    const controller = new AbortController();
    const call = client.client.callTool({ name: 'slow', arguments: { ms: 60_000 } }, { signal: controller.signal });
    await until(() => wrapped.inFlight.size === 1);
    controller.abort();
    await expect(call).rejects.toThrow();
    await until(() => wrapped.inFlight.size === 0);
    const started = Date.now();
    await wrapped.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
    await client.close();
  });

  it('subscriptions/listen: wrapped.notify reaches an open stream over the injected bus; the stream holds a session slot; stop() ends it gracefully', async () => {
    const bus = new InMemoryServerEventBus();
    await start({ eventBus: bus, maxSessionsPerUser: 1 });
    expect(wrapped.eventBus).toBe(bus);
    const client = await connectV2Client({ baseUrl: url, token: await token('alice') });
    let changes = 0;
    client.client.setNotificationHandler('notifications/tools/list_changed', async () => {
      changes += 1;
    });
    const subscription = await client.client.listen({ toolsListChanged: true });
    expect(subscription.honoredFilter).toMatchObject({ toolsListChanged: true });
    expect(bus.listenerCount).toBe(1);
    wrapped.notify.toolsChanged();
    await until(() => changes === 1);
    bus.publish({ kind: 'tools_list_changed' });
    await until(() => changes === 2);
    // The open stream is one of alice's sessions: a second listen is refused, bob is not affected.
    const { body, headers } = modernRequest('subscriptions/listen', { filter: { toolsListChanged: true } }, { id: 'second' });
    const second = await rawRequest(`${url}/mcp`, { method: 'POST', headers: { ...headers, Authorization: `Bearer ${await token('alice')}` }, body });
    expect([second.status, (second.json as { id: unknown; error: { data: { code: string } } }).error.data.code, (second.json as { id: unknown }).id]).toEqual([429, 'ERR_SESSION_LIMIT_USER', 'second']);
    const bob = await connectV2Client({ baseUrl: url, token: await token('bob') });
    expect(await bob.callText('whoami')).toBe('bob');
    await wrapped.stop();
    expect(await subscription.closed).toBe('graceful');
    await Promise.all([client.close(), bob.close()]);
  });

  it('labels 2026-07-28 tool calls with registered tool names and counts requests by era', async () => {
    await start({ metrics: { toolNames: ['echo'] } });
    const client = await connectV2Client({ baseUrl: url, token: await token('alice') });
    await client.callText('echo', { text: 'x' });
    await client.client.callTool({ name: 'made-up' }).catch(() => undefined);
    const text = await wrapped.metrics.registry.metrics();
    expect(text).toMatch(/mcp_tool_call_duration_seconds_count\{tool="echo",outcome="ok"\} 1/);
    expect(text).toMatch(/mcp_tool_call_duration_seconds_count\{tool="unknown",outcome="error"\} 1/);
    expect(text).toMatch(/mcp_protocol_requests_total\{era="modern"\} [1-9]/);
    expect(text).not.toContain('made-up');
    await client.close();
  });
});
