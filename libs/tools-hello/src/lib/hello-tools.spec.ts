// Through the factory: real createServer, real SDK Client, a real database on each engine.
import { configureFactory, createServer, ensureInitialized, shutdownFactory } from '@mcp-factory/core-factory/host';
import { connectInMemoryClient, resultText } from '@mcp-factory/core-factory/testing';
import { createScratchDatabase, describeEachEngine } from '@mcp-factory/data-access/testing';
import { helloTools } from './hello-tools';

const tools = [helloTools];

describeEachEngine('hello tools', (engine) => {
  let dropScratch: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    if (engine === 'server') {
      const scratch = await createScratchDatabase();
      dropScratch = scratch.drop;
      configureFactory({ database: { engine: 'server', url: scratch.url, poolSize: 4 } });
    } else {
      configureFactory({ database: { engine: 'embedded' } });
    }
    // The database opens here, not inside the first test: PGlite's cold start takes seconds on a busy machine.
    await ensureInitialized();
  }, 120_000);

  afterAll(async () => {
    await shutdownFactory();
    await dropScratch?.();
  });

  async function connect(userId: string) {
    return connectInMemoryClient(await createServer(`token-${userId}`, userId, { tools }));
  }

  it('two users each see only their own greetings', async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');

    expect(resultText(await alice.client.callTool({ name: 'hello_computer', arguments: { name: 'Ada' } }))).toBe(
      'Hello, Ada! This server is running for user "alice".',
    );
    await alice.client.callTool({ name: 'hello_computer', arguments: {} });
    await bob.client.callTool({ name: 'hello_computer', arguments: { name: 'Grace' } });

    const aliceList = await alice.client.callTool({ name: 'list_greetings', arguments: {} });
    const bobList = await bob.client.callTool({ name: 'list_greetings', arguments: {} });
    const aliceGreetings = (aliceList.structuredContent as { greetings: Array<{ message: string }> }).greetings;
    const bobGreetings = (bobList.structuredContent as { greetings: Array<{ message: string }> }).greetings;

    expect(aliceGreetings.map((g) => g.message).sort()).toEqual([
      'Hello, Ada! This server is running for user "alice".',
      'Hello, alice! This server is running for user "alice".',
    ]);
    expect(bobGreetings.map((g) => g.message)).toEqual(['Hello, Grace! This server is running for user "bob".']);
    expect(resultText(bobList)).not.toContain('alice');

    await alice.close();
    await bob.close();
  });

  it('echo answers without touching the database, and bad arguments name the field', async () => {
    const carol = await connect('carol');
    expect(resultText(await carol.client.callTool({ name: 'echo', arguments: { text: 'ping' } }))).toBe('ping');
    const refused = await carol.client.callTool({ name: 'list_greetings', arguments: { limit: 0 } });
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).toMatch(/^Invalid arguments for tool list_greetings: limit: /);
    await carol.close();
  });
});
