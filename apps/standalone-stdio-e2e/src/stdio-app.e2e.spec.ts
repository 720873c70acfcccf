// Spawns the real desktop app and talks to it as Claude Desktop would: SDK Client over stdio.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { text, waitForExit } from './support/process';

const workspace = resolve(__dirname, '../../..');
const tsx = join(workspace, 'node_modules/.bin/tsx');
const main = join(workspace, 'apps/standalone-stdio/src/main.ts');


async function launch(dataDir: string, userId: string) {
  const transport = new StdioClientTransport({
    command: tsx,
    args: ['--tsconfig', join(workspace, 'tsconfig.base.json'), main],
    cwd: workspace,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MCP_USER_ID: userId, MCP_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stderr: 'pipe',
  });
  const stderr: string[] = [];
  transport.stderr?.on('data', (chunk) => stderr.push(String(chunk)));
  const client = new Client({ name: 'e2e', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport, stderr };
}

describe('standalone-stdio over stdio', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mcpf-stdio-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('initializes, lists and calls tools, keeps data across launches, and exits when the client closes', async () => {
    const first = await launch(dataDir, 'desk-user');
    expect(first.client.getServerVersion()?.name).toBe('mcp-factory-stdio');

    const { tools } = await first.client.listTools();
    const hello = tools.find((tool) => tool.name === 'hello_computer');
    expect(hello?.inputSchema).toMatchObject({ type: 'object', properties: { name: { type: 'string' } } });

    const greeting = await first.client.callTool({ name: 'hello_computer', arguments: { name: 'Ada' } });
    expect(greeting.isError).toBeFalsy();
    expect(text(greeting)).toBe('Hello, Ada! This server is running for user "desk-user".');

    const unknown = await first.client.callTool({ name: 'no_such_tool', arguments: {} }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: ErrorCode.InvalidParams, message: 'MCP error -32602: Unknown tool: no_such_tool' });

    const pid = first.transport.pid;
    expect(pid).toBeGreaterThan(0);
    await first.client.close();
    await waitForExit(pid as number);
    // stdout stayed clean: the client saw only protocol messages, and any log went to stderr.
    expect(first.stderr.join('')).not.toMatch(/Error:|at .*\.ts:\d+/);

    const second = await launch(dataDir, 'desk-user');
    const listed = await second.client.callTool({ name: 'list_greetings', arguments: {} });
    expect(text(listed)).toContain('Hello, Ada!');
    await second.client.close();
  });

  it('two apps on one data directory: the second works at once on the same data, and alone once the first exits', async () => {
    const shared = mkdtempSync(join(tmpdir(), 'mcpf-stdio-shared-'));
    try {
      const first = await launch(shared, 'desk-user');
      expect((await first.client.callTool({ name: 'hello_computer', arguments: { name: 'one' } })).isError).toBeFalsy();

      const second = await launch(shared, 'desk-user');
      expect((await second.client.callTool({ name: 'hello_computer', arguments: { name: 'two' } })).isError).toBeFalsy();
      expect(text(await first.client.callTool({ name: 'list_greetings', arguments: {} }))).toContain('Hello, two!');

      const pid = first.transport.pid as number;
      await first.client.close();
      await waitForExit(pid);

      // The second takes the directory over; a call made during the switch may ask to be retried.
      let listed = '';
      for (let attempt = 0; attempt < 100 && !listed.includes('Hello, one!'); attempt++) {
        const result = await second.client.callTool({ name: 'list_greetings', arguments: {} });
        if (!result.isError) listed = text(result);
        else {
          expect(text(result)).toMatch(/retry/);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      expect(listed).toContain('Hello, one!');
      expect(listed).toContain('Hello, two!');
      await second.client.close();
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('exits 0 on %s', async (signal) => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpf-stdio-signal-'));
    // node --import tsx, not the tsx CLI: the signal must reach the app, not a wrapper process.
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      cwd: workspace,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TSX_TSCONFIG_PATH: join(workspace, 'tsconfig.base.json'), MCP_DATA_DIR: dir, LOG_LEVEL: 'warn' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    try {
      const firstLine = new Promise<string>((resolve) => child.stdout.once('data', (chunk) => resolve(String(chunk))));
      child.stdin.write(
        `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'e2e', version: '1' } } })}\n`,
      );
      expect(JSON.parse(await firstLine)).toMatchObject({ id: 1, result: { serverInfo: { name: 'mcp-factory-stdio' } } });
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
