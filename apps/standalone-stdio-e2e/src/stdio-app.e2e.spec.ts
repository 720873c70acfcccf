// Spawns the real desktop app and talks to it as MCP clients do, over stdio: the 1.x SDK client
// (2025-era, as Claude Desktop) and the v2 client pinned to 2026-07-28, each through the whole story.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { text, waitForExit } from './support/process';
import { ERAS, launchStdioClient, type Era, type LaunchOptions } from './support/stdio-clients';

const workspace = resolve(__dirname, '../../..');
const tsx = join(workspace, 'node_modules/.bin/tsx');
const main = join(workspace, 'apps/standalone-stdio/src/main.ts');
/** The first data call on an empty directory waits for initdb, on a busy machine. */
const FIRST_CALL = { timeout: 120_000 };

function launch(era: Era, dataDir: string, userId: string, options?: LaunchOptions) {
  return launchStdioClient(
    era,
    {
      command: tsx,
      args: ['--tsconfig', join(workspace, 'tsconfig.base.json'), main],
      cwd: workspace,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MCP_USER_ID: userId, MCP_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    },
    options,
  );
}

describe.each(ERAS)('standalone-stdio over stdio, %s-era client', (era) => {
  const dataDir = mkdtempSync(join(tmpdir(), `mcpf-stdio-${era}-`));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lists and calls tools, keeps data across launches, and exits when the client closes', async () => {
    const first = await launch(era, dataDir, 'desk-user');
    expect(first.serverName()).toBe('mcp-factory-stdio');

    const tools = await first.listTools();
    const hello = tools.find((tool) => tool.name === 'hello_computer');
    expect(hello?.inputSchema).toMatchObject({ type: 'object', properties: { name: { type: 'string' } }, additionalProperties: false });

    const greeting = await first.callTool('hello_computer', { name: 'Ada' }, FIRST_CALL);
    expect(greeting.isError).toBeFalsy();
    expect(text(greeting)).toBe('Hello, Ada! This server is running for user "desk-user".');

    const unknown = await first.callTool('no_such_tool').catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: -32602, message: expect.stringMatching(/Unknown tool: no_such_tool$/) });
    const misspelt = await first.callTool('list_greetings', { limt: 5 });
    expect(misspelt.isError).toBe(true);
    expect(text(misspelt)).toBe('Invalid arguments for tool list_greetings: (arguments): Unrecognized key: "limt"');

    await first.close();
    await waitForExit(first.pid);
    // stdout stayed clean: the client saw only protocol messages, and any log went to stderr.
    expect(first.stderr.join('')).not.toMatch(/Error:|at .*\.ts:\d+/);

    const second = await launch(era, dataDir, 'desk-user');
    expect(text(await second.callTool('list_greetings', {}, FIRST_CALL))).toContain('Hello, Ada!');
    await second.close();
    await waitForExit(second.pid);
  });

  it('delete_my_greetings asks the user through the client: declined keeps them, confirmed deletes them; a client that cannot ask is told so', async () => {
    const asked: string[] = [];
    let answer: 'decline' | 'accept' = 'decline';
    const user = await launch(era, dataDir, 'asked-user', {
      onElicit: (message) => {
        asked.push(message);
        return answer === 'accept' ? { action: 'accept', content: { confirm: true } } : { action: 'decline' };
      },
    });
    for (const name of ['one', 'two']) expect((await user.callTool('hello_computer', { name }, FIRST_CALL)).isError).toBeFalsy();

    expect(text(await user.callTool('delete_my_greetings'))).toBe('Nothing deleted: you still have 2 greetings.');
    answer = 'accept';
    expect(text(await user.callTool('delete_my_greetings'))).toBe('Deleted 2 greetings.');
    expect(asked).toEqual(['Delete all 2 of your greetings? This cannot be undone.', 'Delete all 2 of your greetings? This cannot be undone.']);
    expect(text(await user.callTool('list_greetings'))).toBe('No greetings yet.');
    await user.close();
    await waitForExit(user.pid);

    const mute = await launch(era, dataDir, 'asked-user');
    await mute.callTool('hello_computer', { name: 'three' }, FIRST_CALL);
    const refused = await mute.callTool('delete_my_greetings');
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/^Tool delete_my_greetings needs to ask you something, but this client cannot show questions/);
    await mute.close();
    await waitForExit(mute.pid);
  });
});

describe('standalone-stdio over stdio', () => {
  it('two apps on one data directory, one client of each era: the second works at once on the same data, and alone once the first exits', async () => {
    const shared = mkdtempSync(join(tmpdir(), 'mcpf-stdio-shared-'));
    try {
      const first = await launch('legacy', shared, 'desk-user');
      expect((await first.callTool('hello_computer', { name: 'one' }, FIRST_CALL)).isError).toBeFalsy();

      const second = await launch('modern', shared, 'desk-user');
      expect((await second.callTool('hello_computer', { name: 'two' }, FIRST_CALL)).isError).toBeFalsy();
      expect(text(await first.callTool('list_greetings'))).toContain('Hello, two!');

      await first.close();
      await waitForExit(first.pid);

      // The second takes the directory over; a call made during the switch may ask to be retried.
      let listed = '';
      for (let attempt = 0; attempt < 100 && !listed.includes('Hello, one!'); attempt++) {
        const result = await second.callTool('list_greetings');
        if (!result.isError) listed = text(result);
        else {
          expect(text(result)).toMatch(/retry/);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      expect(listed).toContain('Hello, one!');
      expect(listed).toContain('Hello, two!');
      await second.close();
      await waitForExit(second.pid);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });

  const OPENINGS = {
    initialize: { method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } } },
    'server/discover': {
      method: 'server/discover',
      params: {
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientInfo': { name: 'e2e', version: '1' },
          'io.modelcontextprotocol/clientCapabilities': {},
        },
      },
    },
  };

  it.each([
    ['SIGTERM', 'initialize'],
    ['SIGINT', 'server/discover'],
  ] as const)('exits 0 on %s after answering %s', async (signal, opening) => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpf-stdio-signal-'));
    // node --import tsx, not the tsx CLI: the signal must reach the app, not a wrapper process.
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      cwd: workspace,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TSX_TSCONFIG_PATH: join(workspace, 'tsconfig.base.json'), MCP_DATA_DIR: dir, LOG_LEVEL: 'warn' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    try {
      const firstLine = new Promise<string>((resolve) => child.stdout.once('data', (chunk) => resolve(String(chunk))));
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, ...OPENINGS[opening] })}\n`);
      const serverInfo = { name: 'mcp-factory-stdio' };
      expect(JSON.parse(await firstLine)).toMatchObject(
        opening === 'initialize' ? { id: 1, result: { serverInfo } } : { id: 1, result: { _meta: { 'io.modelcontextprotocol/serverInfo': serverInfo } } },
      );
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill(signal);
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad configuration with one clear line per problem', () => {
    const run = spawnSync(tsx, ['--tsconfig', join(workspace, 'tsconfig.base.json'), main], {
      cwd: workspace,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: 'mysql://nope', LOG_LEVEL: 'loud' },
      input: '',
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL');
    expect(run.stderr).toMatch(/LOG_LEVEL: /);
  });
});
