import type { ServerEvent } from '@modelcontextprotocol/server';
import { createMemoryLogger } from '@mcp-factory/shared-util';
import { describeWithRedis, startPrivateRedis, testRedisUrl, type PrivateRedis } from '@mcp-factory/shared-util/testing';
import type { Redis } from 'ioredis';
import { FallbackReporter } from './fallback-reporter';
import { closeRedisClient, createRedisClient } from './redis-clients';
import { RedisServerEventBus } from './redis-event-bus';
import { eventually, randomKeyPrefix, ready } from '../testing/shared-state-helpers';

/** One "replica": its own two connections and bus on the channel. */
interface Replica {
  bus: RedisServerEventBus;
  publisher: Redis;
  subscriber: Redis;
  reporter: FallbackReporter;
  heard: ServerEvent[];
  unsubscribe: () => void;
  close(): Promise<void>;
}

async function startReplica(url: string, channel: string): Promise<Replica> {
  const { logger } = createMemoryLogger('debug');
  const publisher = createRedisClient({ url, logger, role: 'commands' });
  const subscriber = createRedisClient({ url, logger, role: 'subscriber' });
  const reporter = new FallbackReporter({ logger });
  const bus = new RedisServerEventBus({ publisher, subscriber, channel, reporter, logger });
  await ready(publisher);
  await bus.start();
  const heard: ServerEvent[] = [];
  const unsubscribe = bus.subscribe((event) => heard.push(event));
  return {
    bus,
    publisher,
    subscriber,
    reporter,
    heard,
    unsubscribe,
    async close() {
      await bus.close();
      await closeRedisClient(publisher);
      await closeRedisClient(subscriber);
    },
  };
}

describeWithRedis('RedisServerEventBus: two replicas on the shared Redis', () => {
  let a: Replica;
  let b: Replica;
  let channel: string;

  beforeEach(async () => {
    channel = `${randomKeyPrefix()}events`;
    a = await startReplica(testRedisUrl(), channel);
    b = await startReplica(testRedisUrl(), channel);
  }, 60_000);
  afterEach(async () => {
    await a.close();
    await b.close();
  });

  it('delivers an event published on one replica to the listeners of both, once each', async () => {
    a.bus.publish({ kind: 'resource_updated', uri: 'note://1', params: { note: 'x' } });
    a.bus.publish({ kind: 'tools_list_changed' });
    // Local delivery is synchronous, as the in-memory bus.
    expect(a.heard).toEqual([{ kind: 'resource_updated', uri: 'note://1', params: { note: 'x' } }, { kind: 'tools_list_changed' }]);
    await eventually(() => b.heard.length === 2, 'the other replica to hear both events');
    expect(b.heard).toEqual(a.heard);
    // A round trip later the publisher's own echo has come back from Redis and been ignored.
    b.bus.publish({ kind: 'prompts_list_changed' });
    await eventually(() => a.heard.length === 3, 'the first replica to hear the second’s event');
    expect(a.heard.map((e) => e.kind)).toEqual(['resource_updated', 'tools_list_changed', 'prompts_list_changed']);
    expect(b.heard.map((e) => e.kind)).toEqual(['resource_updated', 'tools_list_changed', 'prompts_list_changed']);
  });

  it('stops delivering to a listener once it unsubscribes (idempotent), keeps the others', async () => {
    const other: ServerEvent[] = [];
    const unsubscribeOther = b.bus.subscribe((event) => other.push(event));
    expect(b.bus.listenerCount).toBe(2);
    b.unsubscribe();
    b.unsubscribe();
    expect(b.bus.listenerCount).toBe(1);
    a.bus.publish({ kind: 'resources_list_changed' });
    await eventually(() => other.length === 1, 'the remaining listener to hear the event');
    expect(b.heard).toEqual([]);
    unsubscribeOther();
    expect(b.bus.listenerCount).toBe(0);
  });

  it('drops malformed messages on the channel and survives a throwing listener', async () => {
    b.bus.subscribe(() => {
      throw new Error('listener bug');
    });
    await a.publisher.publish(channel, 'not json');
    await a.publisher.publish(channel, JSON.stringify({ origin: 'x', event: { kind: 'drop_tables' } }));
    await a.publisher.publish(channel, JSON.stringify({ origin: 'x', event: { kind: 'resource_updated' } }));
    a.bus.publish({ kind: 'tools_list_changed' });
    await eventually(() => b.heard.length === 1, 'the valid event');
    expect(b.heard).toEqual([{ kind: 'tools_list_changed' }]);
  });
});

describe('RedisServerEventBus when Redis is down', () => {
  let redis: PrivateRedis;
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    a = await startReplica(redis.url, 'events');
    b = await startReplica(redis.url, 'events');
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.close();
  });

  it('keeps local delivery during the outage, resyncs listeners and delivers across replicas again once Redis is back', async () => {
    await redis.stop();
    await eventually(() => a.publisher.status !== 'ready' && b.subscriber.status !== 'ready', 'the clients to notice the outage');
    a.bus.publish({ kind: 'resource_updated', uri: 'note://lost' });
    expect(a.heard).toEqual([{ kind: 'resource_updated', uri: 'note://lost' }]);
    await eventually(() => a.reporter.degraded.includes('event-bus'), 'the failed publish to be reported');

    await redis.start();
    // The subscriber resubscribes by itself; its listeners get the list-changed events (they may have missed some).
    await eventually(() => b.heard.length === 3, 'the resync events');
    expect(b.heard.map((e) => e.kind)).toEqual(['tools_list_changed', 'prompts_list_changed', 'resources_list_changed']);
    await eventually(() => a.publisher.status === 'ready', 'the publisher to reconnect');
    // The subscription is live again: a new event crosses replicas (retry until the resubscribe has landed).
    await eventually(
      () => {
        if (!b.heard.some((e) => e.kind === 'resource_updated')) a.bus.publish({ kind: 'resource_updated', uri: 'note://back' });
        return b.heard.some((e) => e.kind === 'resource_updated' && e.uri === 'note://back');
      },
      'an event to cross replicas after the outage',
    );
    expect(b.heard.some((e) => e.kind === 'resource_updated' && e.uri === 'note://lost')).toBe(false);
    expect(a.reporter.degraded).toEqual([]);
  }, 60_000);
});
