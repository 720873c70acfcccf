import { createMemoryLogger } from '@mcp-factory/shared-util';
import { z } from 'zod';
import { connectInMemoryClient, connectModernClient, resultText } from '../../testing';
import { configureFactory, databaseOpenAttempts, shutdownFactory } from '../runtime/factory-runtime';
import { defineTool, defineToolLibrary, type ToolContext } from '../tools/tool-contract';
import { createServer } from './create-server';

// A tool that remembers per-server state in its context-free closure would leak between users; this
// one records what it saw so the tests can check what reached each handler.
const seen: Array<{ userId: string; accessToken: string }> = [];
const whoami = defineTool({
  name: 'whoami',
  description: 'Says which user the call runs for',
  input: z.object({ shout: z.boolean().optional() }),
  handler: async ({ shout }, ctx: ToolContext) => {
    seen.push({ userId: ctx.userId, accessToken: ctx.accessToken });
    ctx.logger.info('whoami called');
    return shout ? ctx.userId.toUpperCase() : ctx.userId;
  },
});
const add = defineTool({
  name: 'add',
  description: 'Adds two numbers',
  input: z.object({ a: z.number(), b: z.number() }),
  handler: async ({ a, b }) => String(a + b),
});
const broken = defineTool({
  name: 'broken',
  description: 'Always fails',
  input: z.object({}),
  handler: async () => {
    throw new Error('disk on fire');
  },
});
const testTools = [defineToolLibrary('test-tools', [whoami, add, broken])];

afterEach(async () => {
  seen.length = 0;
  await shutdownFactory();
});

describe('createServer (the seed tests)', () => {
  it('should create server instance with valid parameters', async () => {
    const server = await createServer('test-token', 'user123');
    expect(server).toBeDefined();
    expect(server).toHaveProperty('setRequestHandler');
  });

  it('should require userId', async () => {
    await expect(createServer('token', '')).rejects.toThrow('userId is required');
    await expect(createServer('token', '   ')).rejects.toMatchObject({ code: 'ERR_USER_ID_REQUIRED', message: 'userId is required' });
  });

  it('should create separate instances for different users', async () => {
    const server1 = await createServer('token1', 'user1');
    const server2 = await createServer('token2', 'user2');
    expect(server1).not.toBe(server2);
  });

  it('should accept custom options', async () => {
    const server = await createServer('token', 'user123', { name: 'custom-name', version: '2.0.0' });
    const { client, close } = await connectInMemoryClient(server);
    expect(client.getServerVersion()).toMatchObject({ name: 'custom-name', version: '2.0.0' });
    await close();
  });
});

describe('global initialisation', () => {
  it('runs once under 50 concurrent createServer calls', async () => {
    let runs = 0;
    configureFactory({
      initializers: [
        async () => {
          runs += 1;
          await new Promise((resolve) => setTimeout(resolve, 20));
        },
      ],
    });
    const servers = await Promise.all(Array.from({ length: 50 }, (_, i) => createServer('t', `user-${i}`)));
    expect(new Set(servers).size).toBe(50);
    expect(runs).toBe(1);
    await createServer('t', 'late-user');
    expect(runs).toBe(1);
  });

  it('rejects every waiting caller when it fails, and a later call retries', async () => {
    let runs = 0;
    configureFactory({
      initializers: [
        async () => {
          runs += 1;
          await new Promise((resolve) => setTimeout(resolve, 10));
          if (runs === 1) throw new Error('database unreachable at 127.0.0.1:1');
        },
      ],
    });
    const first = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => createServer('t', `u${i}`)));
    for (const outcome of first) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({
        code: 'ERR_INIT_FAILED',
        message: 'Initialization failed: database unreachable at 127.0.0.1:1',
      });
    }
    expect(runs).toBe(1);
    await expect(createServer('t', 'u1')).resolves.toBeDefined();
    expect(runs).toBe(2);
  });

  it('refuses to be reconfigured once initialised', async () => {
    await createServer('t', 'u');
    expect(() => configureFactory({})).toThrow(expect.objectContaining({ code: 'ERR_FACTORY_ALREADY_CONFIGURED' }));
  });
});

describe('tools', () => {
  it('advertises each tool with its JSON Schema', async () => {
    const { client, close } = await connectInMemoryClient(await createServer('t', 'alice', { tools: testTools }));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['whoami', 'add', 'broken']);
    expect(tools[1].inputSchema).toMatchObject({
      type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'number' } },
      required: ['a', 'b'],
    });
    await close();
  });

  it('passes each caller its own userId and token; two users share no handler state', async () => {
    const alice = await connectInMemoryClient(await createServer('token-a', 'alice', { tools: testTools }));
    const bob = await connectInMemoryClient(await createServer('token-b', 'bob', { tools: testTools }));
    const [a, b] = await Promise.all([
      alice.client.callTool({ name: 'whoami', arguments: {} }),
      bob.client.callTool({ name: 'whoami', arguments: { shout: true } }),
    ]);
    expect(resultText(a)).toBe('alice');
    expect(resultText(b)).toBe('BOB');
    expect(seen).toEqual(
      expect.arrayContaining([
        { userId: 'alice', accessToken: 'token-a' },
        { userId: 'bob', accessToken: 'token-b' },
      ]),
    );
    await alice.close();
    // Bob's server keeps working after Alice's closes: nothing of hers was his.
    expect(resultText(await bob.client.callTool({ name: 'whoami', arguments: {} }))).toBe('bob');
    await bob.close();
  });

  it('logs tool lines with the userId', async () => {
    const { logger, entries } = createMemoryLogger();
    const { client, close } = await connectInMemoryClient(await createServer('t', 'carol', { tools: testTools, logger }));
    await client.callTool({ name: 'whoami', arguments: {} });
    expect(entries).toContainEqual(expect.objectContaining({ message: 'whoami called', userId: 'carol', tool: 'whoami' }));
    await close();
  });
});

describe("databaseOpening: 'background' (the desktop app)", () => {
  // Nothing listens on port 1: an open fails at once, which is all these tests need to see it start.
  const unreachable = { engine: 'server' as const, url: 'postgresql://nobody@127.0.0.1:1/none', connectTimeoutMs: 1_000 };

  it('answers the handshake without the database and starts opening it once the session is initialized', async () => {
    configureFactory({ database: unreachable, databaseOpening: 'background' });
    const server = await createServer('t', 'gina', { tools: testTools });
    expect(databaseOpenAttempts()).toBe(0);
    const { client, close } = await connectInMemoryClient(server);
    expect(client.getServerVersion()?.name).toBe('mcp-factory');
    await client.listTools();
    expect(databaseOpenAttempts()).toBe(1);
    await close();
  });

  it('never opens it for a server that only answered a server/discover probe; the first request does', async () => {
    configureFactory({ database: unreachable, databaseOpening: 'background' });
    const { client, close } = await connectModernClient(() => createServer('t', 'gina', { tools: testTools }));
    expect(client.getDiscoverResult()?.capabilities).toEqual({ tools: {}, logging: {} });
    expect(databaseOpenAttempts()).toBe(0);
    await client.listTools();
    expect(databaseOpenAttempts()).toBe(1);
    await close();
  });
});

// The error paths of tools/call (unknown tool, bad params, failing handlers): register-tool-handlers.spec.ts.

describe('shared per process', () => {
  it('hands every server the same JSON Schema validator, which validates on demand', async () => {
    const { sharedJsonSchemaValidator } = await import('../runtime/factory-runtime');
    const validator = sharedJsonSchemaValidator();
    expect(sharedJsonSchemaValidator()).toBe(validator);
    const check = validator.getValidator<{ n: number }>({ type: 'object', properties: { n: { type: 'number' } }, required: ['n'] });
    expect(check({ n: 1 })).toMatchObject({ valid: true });
    expect(check({ n: 'x' })).toMatchObject({ valid: false });
  });
});
