// The bus as the SDK uses it: two createMcpHandler "replicas" on node:http share one Redis channel;
// a 2026-07-28 client listens on replica B and hears a change published through replica A's handler.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer, type McpHttpHandler } from '@modelcontextprotocol/server';
import { createMemoryLogger } from '@mcp-factory/shared-util';
import { describeWithRedis, testRedisUrl } from '@mcp-factory/shared-util/testing';
import type { Redis } from 'ioredis';
import { FallbackReporter } from './fallback-reporter';
import { closeRedisClient, createRedisClient } from './redis-clients';
import { RedisServerEventBus } from './redis-event-bus';
import { eventually, randomKeyPrefix, ready } from '../testing/shared-state-helpers';

interface HttpReplica {
  handler: McpHttpHandler;
  url: URL;
  close(): Promise<void>;
}

function buildServer(): McpServer {
  const server = new McpServer({ name: 'replica', version: '1.0.0' }, { capabilities: { tools: { listChanged: true } } });
  server.registerTool('ping', { description: 'answers pong' }, async () => ({ content: [{ type: 'text', text: 'pong' }] }));
  return server;
}

async function startReplica(publisher: Redis, subscriber: Redis, channel: string): Promise<HttpReplica> {
  const { logger } = createMemoryLogger('debug');
  const bus = new RedisServerEventBus({ publisher, subscriber, channel, reporter: new FallbackReporter({ logger }), logger });
  await bus.start();
  const handler = createMcpHandler(buildServer, { bus, keepAliveMs: 0 });
  const server: Server = createServer(toNodeHandler(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    handler,
    url: new URL(`http://127.0.0.1:${port}/mcp`),
    async close() {
      await handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await bus.close();
    },
  };
}

describeWithRedis('RedisServerEventBus behind createMcpHandler (two replicas, SDK client)', () => {
  const clients: Redis[] = [];
  let a: HttpReplica;
  let b: HttpReplica;

  beforeAll(async () => {
    const { logger } = createMemoryLogger('debug');
    const channel = `${randomKeyPrefix()}events`;
    const connection = (role: 'commands' | 'subscriber') => {
      const client = createRedisClient({ url: testRedisUrl(), logger, role });
      clients.push(client);
      return client;
    };
    a = await startReplica(connection('commands'), connection('subscriber'), channel);
    b = await startReplica(connection('commands'), connection('subscriber'), channel);
    await Promise.all(clients.map((client) => ready(client)));
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await Promise.all(clients.map((client) => closeRedisClient(client)));
  });

  it('delivers notifications/tools/list_changed published on replica A to a listen stream held by replica B', async () => {
    const client = new Client({ name: 'listener', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(new StreamableHTTPClientTransport(b.url));
    try {
      let changes = 0;
      client.setNotificationHandler('notifications/tools/list_changed', () => {
        changes += 1;
      });
      const subscription = await client.listen({ toolsListChanged: true });
      expect(subscription.honoredFilter.toolsListChanged).toBe(true);
      a.handler.notify.toolsChanged();
      await eventually(() => changes === 1, 'the listener on replica B to hear replica A’s change');
      await subscription.close();
      expect(await subscription.closed).toBe('local');
    } finally {
      await client.close();
    }
  });
});
