// The published package, as a user gets it: `npm pack` the bundle (dist/apps/standalone-stdio, built by
// `nx build standalone-stdio`), install the tarball into an empty project outside the workspace, then
// drive its `bin` over stdio as Claude Desktop would, and import its `./factory` export from plain node.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { text, waitForExit } from './support/process';

const workspace = resolve(__dirname, '../../..');
const bundle = join(workspace, 'dist/apps/standalone-stdio');
const PACKAGE = 'mcp-factory-stdio';


/** Runs the build when the bundle is missing (e.g. jest run without Nx, which builds it first). */
function ensureBundle(): void {
  if (existsSync(join(bundle, 'package.json')) && existsSync(join(bundle, 'main.js'))) return;
  execFileSync(process.execPath, [join(workspace, 'apps/standalone-stdio/scripts/build.mjs')], { cwd: workspace, stdio: 'inherit' });
}

/** A clean environment: nothing from the workspace leaks into the installed app. */
function appEnv(dataDir: string, userId: string): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MCP_USER_ID: userId, MCP_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
}

describe('the packed standalone-stdio package', () => {
  const root = mkdtempSync(join(tmpdir(), 'mcpf-packed-'));
  const consumer = join(root, 'consumer');
  const dataDir = join(root, 'data');
  let bin: string;
  let packedFiles: string[];

  beforeAll(() => {
    ensureBundle();
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', root], { cwd: bundle, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    ) as Array<{ filename: string; files: Array<{ path: string }> }>;
    packedFiles = packed.files.map((file) => file.path);
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', join(root, packed.filename)], {
      cwd: consumer,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    bin = join(consumer, 'node_modules/.bin', PACKAGE);
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('ships the engine, the migrations and a manifest with no runtime dependencies', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining(['main.js', 'main.d.ts', 'factory.js', 'factory.d.ts', 'package.json', 'pglite.wasm', 'pglite.data', 'initdb.wasm']),
    );
    expect(packedFiles.filter((file) => /^migrations\/[^/]+\/migration\.sql$/.test(file)).length).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync(join(consumer, 'node_modules', PACKAGE, 'package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.bin).toEqual({ [PACKAGE]: './main.js' });
    expect(Object.keys(manifest.exports)).toEqual(expect.arrayContaining(['.', './factory']));
    expect(readFileSync(join(consumer, 'node_modules', PACKAGE, 'main.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    expect(existsSync(bin)).toBe(true);
  });

  it('runs the installed bin over stdio and keeps data across launches', async () => {
    const launch = async () => {
      const transport = new StdioClientTransport({ command: bin, args: [], cwd: consumer, env: appEnv(dataDir, 'packed-user'), stderr: 'pipe' });
      const stderr: string[] = [];
      transport.stderr?.on('data', (chunk) => stderr.push(String(chunk)));
      const client = new Client({ name: 'packed-e2e', version: '1.0.0' });
      await client.connect(transport);
      return { client, transport, stderr };
    };

    const first = await launch();
    expect(first.client.getServerVersion()?.name).toBe('mcp-factory-stdio');
    const { tools } = await first.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['hello_computer', 'list_greetings', 'echo']));
    const greeting = await first.client.callTool({ name: 'hello_computer', arguments: { name: 'Ada' } });
    expect(text(greeting)).toBe('Hello, Ada! This server is running for user "packed-user".');
    expect(greeting.isError).toBeFalsy();
    const pid = first.transport.pid as number;
    await first.client.close();
    await waitForExit(pid);
    expect(first.stderr.join('')).not.toMatch(/Error|Invalid URL|Dynamic require/);

    const second = await launch();
    const listed = await second.client.callTool({ name: 'list_greetings', arguments: {} });
    expect(listed.isError).toBeFalsy();
    expect(text(listed)).toContain('Hello, Ada! This server is running for user "packed-user".');
    const secondPid = second.transport.pid as number;
    await second.client.close();
    await waitForExit(secondPid);
  });

  it('exports createServer from ./factory to plain node, on the same data', () => {
    // No SDK in the consumer project: a hand-rolled in-memory transport talks JSON-RPC to the server.
    const script = `
      import { createServer, configureFactory, shutdownFactory, toolLibraries, helloTools } from '${PACKAGE}/factory';
      const pending = new Map();
      const transport = {
        async start() {},
        async send(message) { pending.get(message.id)?.(message); },
        async close() { this.onclose?.(); },
      };
      let nextId = 1;
      const request = (method, params) => new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        transport.onmessage({ jsonrpc: '2.0', id, method, params });
      });
      const blank = await createServer('', '  ').then(() => 'accepted', (error) => error.code);
      configureFactory({ database: { engine: 'embedded', dataDir: process.argv[2] } });
      const server = await createServer('', 'factory-user');
      await server.connect(transport);
      const init = await request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'child', version: '1' } });
      transport.onmessage({ jsonrpc: '2.0', method: 'notifications/initialized' });
      const listed = await request('tools/list', {});
      const hello = await request('tools/call', { name: 'hello_computer', arguments: { name: 'Grace' } });
      const greetings = await request('tools/call', { name: 'list_greetings', arguments: {} });
      await server.close();
      await shutdownFactory();
      process.stdout.write(JSON.stringify({
        blank,
        libraries: toolLibraries.map((library) => library.name),
        sameHello: toolLibraries.includes(helloTools),
        serverName: init.result.serverInfo.name,
        tools: listed.result.tools.map((tool) => tool.name),
        hello: hello.result.content[0].text,
        greetings: greetings.result.content[0].text,
      }));
    `;
    writeFileSync(join(consumer, 'use-factory.mjs'), script);
    const run = spawnSync(process.execPath, ['use-factory.mjs', dataDir], {
      cwd: consumer,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({
      blank: 'ERR_USER_ID_REQUIRED',
      libraries: ['hello'],
      sameHello: true,
      serverName: 'mcp-factory-stdio',
      hello: 'Hello, Grace! This server is running for user "factory-user".',
    });
    expect(out.tools).toEqual(expect.arrayContaining(['hello_computer', 'list_greetings', 'echo']));
    // Same data directory, another tenant: Grace's greeting only, never packed-user's.
    expect(out.greetings).toContain('Hello, Grace!');
    expect(out.greetings).not.toContain('Ada');
  });
});
