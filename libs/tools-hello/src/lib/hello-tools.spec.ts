// Through the factory: real createServer, real SDK clients of both protocol eras, a real database on
// each engine.
import { configureFactory, createServer, ensureInitialized, getDatabase, shutdownFactory } from '@mcp-factory/core-factory/host';
import { connectClient, connectInMemoryClient, PROTOCOL_ERAS, resultText, type ElicitationPrompt } from '@mcp-factory/core-factory/testing';
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

  async function greetingsOf(userId: string): Promise<number> {
    return (await getDatabase()).forTenant(userId).greeting.count();
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

  describe.each(PROTOCOL_ERAS)('delete_my_greetings, %s-era client', (era) => {
    // One user per era and engine run: the tests below share their greetings in order.
    const userId = `dana-${era}`;
    const factory = () => createServer(`token-${userId}`, userId, { tools });
    const asked: string[] = [];
    const answering = (answer: 'accept' | 'decline') => ({
      onElicit: async ({ message }: ElicitationPrompt) => {
        asked.push(message);
        return answer === 'accept' ? { action: 'accept' as const, content: { confirm: true } } : { action: 'decline' as const };
      },
    });

    beforeAll(async () => {
      const setup = await connect(userId);
      for (const name of ['one', 'two', 'three']) await setup.client.callTool({ name: 'hello_computer', arguments: { name } });
      await setup.close();
      // Someone else's greeting, which no answer of Dana's may touch.
      const other = await connect(`${userId}-neighbour`);
      await other.client.callTool({ name: 'hello_computer', arguments: {} });
      await other.close();
    });
    afterEach(() => void (asked.length = 0));

    it('a client that cannot ask gets an isError result and nothing is deleted', async () => {
      const { client, close } = await connectClient(era, factory);
      const result = await client.callTool({ name: 'delete_my_greetings', arguments: {} });
      expect(result.isError).toBe(true);
      expect(resultText(result)).toMatch(/^Tool delete_my_greetings needs to ask you something, but this client cannot show questions/);
      expect(await greetingsOf(userId)).toBe(3);
      await close();
    });

    it('declined: nothing is deleted and the tool says so', async () => {
      const { client, close } = await connectClient(era, factory, answering('decline'));
      expect(resultText(await client.callTool({ name: 'delete_my_greetings', arguments: {} }))).toBe('Nothing deleted: you still have 3 greetings.');
      expect(asked).toEqual(['Delete all 3 of your greetings? This cannot be undone.']);
      expect(await greetingsOf(userId)).toBe(3);
      await close();
    });

    it('confirmed: all of the caller’s greetings go, and only theirs', async () => {
      const { client, close } = await connectClient(era, factory, answering('accept'));
      expect(resultText(await client.callTool({ name: 'delete_my_greetings', arguments: {} }))).toBe('Deleted 3 greetings.');
      expect(asked).toEqual(['Delete all 3 of your greetings? This cannot be undone.']);
      expect(await greetingsOf(userId)).toBe(0);
      expect(await greetingsOf(`${userId}-neighbour`)).toBe(1);
      expect(resultText(await client.callTool({ name: 'delete_my_greetings', arguments: {} }))).toBe('You have no greetings to delete.');
      expect(asked).toHaveLength(1);
      await close();
    });
  });
});
