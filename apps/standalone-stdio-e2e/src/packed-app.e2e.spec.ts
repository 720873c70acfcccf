// The published package, as a user gets it: packed and installed into an empty project outside the
// workspace (support/packed-package.ts). Drives its `bin` over stdio as Claude Desktop would, asks it
// for --help and --version, and imports its `./factory` export from plain node.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE, packAndInstall, workspace } from './support/packed-package';
import { text, waitForExit } from './support/process';
import { launchStdioClient, type Era } from './support/stdio-clients';

/** A clean environment: nothing from the workspace leaks into the installed app. */
function appEnv(dataDir: string, userId: string): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MCP_USER_ID: userId, MCP_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
}

describe('the packed standalone-stdio package', () => {
  const root = mkdtempSync(join(tmpdir(), 'mcpf-packed-'));
  const dataDir = join(root, 'data');
  let consumer: string;
  let bin: string;
  let packedFiles: string[];

  beforeAll(() => {
    const installed = packAndInstall(root);
    consumer = installed.consumer;
    packedFiles = installed.files;
    bin = join(consumer, 'node_modules/.bin', PACKAGE);
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('ships the engine, the migrations and a manifest with no runtime dependencies', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining(
        ['bin.js', 'main.js', 'main.d.ts', 'factory.js', 'factory.cjs', 'factory.d.ts', 'factory.d.cts', 'package.json'].concat(
          ['pglite.wasm', 'pglite.data', 'initdb.wasm', 'pglite-snapshot.tar.gz'],
        ),
      ),
    );
    expect(packedFiles.filter((file) => /^migrations\/[^/]+\/migration\.sql$/.test(file)).length).toBeGreaterThan(0);
    const manifest = JSON.parse(readFileSync(join(consumer, 'node_modules', PACKAGE, 'package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.bin).toEqual({ [PACKAGE]: './bin.js' });
    expect(Object.keys(manifest.exports)).toEqual(expect.arrayContaining(['.', './factory']));
    expect(readFileSync(join(consumer, 'node_modules', PACKAGE, 'bin.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    expect(existsSync(bin)).toBe(true);
  });

  describe('the bin on the command line', () => {
    // A variable the app would refuse, and a data directory that must not appear: neither the
    // environment nor the database is touched when the bin only prints.
    const run = (...args: string[]) =>
      spawnSync(bin, args, { env: { ...appEnv(join(root, 'never-created'), 'cli-user'), LOG_LEVEL: 'nonsense' }, encoding: 'utf8', timeout: 30_000 });

    it('prints usage for --help and -h: what it is, every variable with its default, a Claude Desktop entry', () => {
      for (const flag of ['--help', '-h']) {
        const help = run(flag);
        expect({ status: help.status, stderr: help.stderr }).toEqual({ status: 0, stderr: '' });
        expect(help.stdout).toMatch(/^mcp-factory-stdio \d+\.\d+\.\d+: .*MCP server/);
        for (const variable of ['MCP_USER_ID', 'MCP_DATA_DIR', 'DATABASE_URL', 'LOG_LEVEL', 'LOG_FORMAT']) expect(help.stdout).toContain(`  ${variable} `);
        expect(help.stdout).toMatch(/\(default here: .+mcp-factory[\\/]db\)/);
        expect(help.stdout).toContain('(default: warn)');
        const entry = JSON.parse(help.stdout.slice(help.stdout.indexOf('{', help.stdout.indexOf('claude_desktop_config.json'))));
        expect(entry.mcpServers['mcp-factory']).toEqual({ command: 'npx', args: ['-y', PACKAGE], env: { MCP_USER_ID: 'me' } });
      }
      expect(existsSync(join(root, 'never-created'))).toBe(false);
    });

    it('prints the package version for --version and -v', () => {
      const { version } = JSON.parse(readFileSync(join(workspace, 'apps/standalone-stdio/package.json'), 'utf8'));
      for (const flag of ['--version', '-v']) {
        expect(run(flag)).toMatchObject({ status: 0, stdout: `${version}\n`, stderr: '' });
      }
      expect(existsSync(join(root, 'never-created'))).toBe(false);
    });

    it('refuses any other argument with one line on stderr and exit code 2', () => {
      for (const args of [['--port', '3000'], ['serve'], ['--help', 'extra']]) {
        const refused = run(...args);
        expect({ status: refused.status, stdout: refused.stdout }).toEqual({ status: 2, stdout: '' });
        expect(refused.stderr).toMatch(/^mcp-factory-stdio: .+ \(see --help\)\n$/);
      }
    });
  });

  it('runs the installed bin over stdio for a 2025-era client, then a 2026-era one on the same data', async () => {
    const launch = (era: Era) => launchStdioClient(era, { command: bin, args: [], cwd: consumer, env: appEnv(dataDir, 'packed-user') });

    const first = await launch('legacy');
    expect(first.serverName()).toBe('mcp-factory-stdio');
    const tools = await first.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['hello_computer', 'list_greetings', 'delete_my_greetings', 'echo']));
    const greeting = await first.callTool('hello_computer', { name: 'Ada' });
    expect(text(greeting)).toBe('Hello, Ada! This server is running for user "packed-user".');
    expect(greeting.isError).toBeFalsy();
    await first.close();
    await waitForExit(first.pid);
    expect(first.stderr.join('')).not.toMatch(/Error|Invalid URL|Dynamic require/);

    const second = await launch('modern');
    expect(second.serverName()).toBe('mcp-factory-stdio');
    const listed = await second.callTool('list_greetings');
    expect(listed.isError).toBeFalsy();
    expect(text(listed)).toContain('Hello, Ada! This server is running for user "packed-user".');
    await second.close();
    await waitForExit(second.pid);
    expect(second.stderr.join('')).not.toMatch(/Error|Invalid URL|Dynamic require/);
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
