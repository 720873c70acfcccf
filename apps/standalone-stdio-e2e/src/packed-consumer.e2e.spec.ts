// The package as a dependency: from an empty directory, install the packed tarball (offline, nothing
// else), then compile TypeScript consumers of `mcp-factory-stdio/factory` with the workspace's own
// tsc (nodenext, strict, skipLibCheck: false, no @types at all: the package's declarations must stand
// alone) and run them: an ES module that `import`s the factory and a CommonJS module that `require`s
// it, each creating a server and calling its tools. A consumer with type errors must fail to compile.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE, packAndInstall, workspace } from './support/packed-package';

const tsc = join(workspace, 'node_modules/typescript/bin/tsc');
const SETUP_TIMEOUT_MS = 180_000;
const RUN_TIMEOUT_MS = 120_000;

// The consumers install nothing but the package: the two Node globals they use, declared by hand.
const NODE_GLOBALS = 'declare const console: { log(message: string): void };\ndeclare const process: { argv: string[]; exitCode?: number };\n';

/** A consumer's body: a server from the factory, driven over a hand-made transport (no SDK installed). */
const CONSUMER_BODY = `
import { configureFactory, createServer, helloTools, shutdownFactory, toolLibraries } from '${PACKAGE}/factory';
import type { FactoryServer, JsonRpcMessage, McpTransport } from '${PACKAGE}/factory';

export async function useFactory(dataDir: string): Promise<Record<string, unknown>> {
  const pending = new Map<string | number, (message: JsonRpcMessage) => void>();
  const transport: McpTransport = {
    async start() {},
    async send(message) {
      if (message.id !== undefined) pending.get(message.id)?.(message);
    },
    async close() {
      transport.onclose?.();
    },
  };
  let nextId = 1;
  const request = (method: string, params: object) =>
    new Promise<JsonRpcMessage>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      transport.onmessage?.({ jsonrpc: '2.0', id, method, params });
    });

  configureFactory({ database: { engine: 'embedded', dataDir } });
  const server: FactoryServer = await createServer('', 'consumer-user', { tools: [helloTools], instructions: 'typed' });
  await server.connect(transport);
  const init = await request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'consumer', version: '1.0.0' } });
  transport.onmessage?.({ jsonrpc: '2.0', method: 'notifications/initialized' });
  const hello = await request('tools/call', { name: 'hello_computer', arguments: { name: 'Ada' } });
  const greetings = await request('tools/call', { name: 'list_greetings', arguments: {} });
  await server.close();
  await shutdownFactory();
  return { init: init.result, hello: hello.result, greetings: greetings.result, libraries: toolLibraries.map((library) => library.name) };
}
`;

const ESM_MAIN = `${NODE_GLOBALS}import { useFactory } from './use-factory.js';
console.log(JSON.stringify(await useFactory(process.argv[2])));
`;

// CommonJS: also loads the package through import(), which must give the very same factory.
const CJS_MAIN = `${NODE_GLOBALS}import { createServer } from '${PACKAGE}/factory';
import { useFactory } from './use-factory';

async function main(): Promise<void> {
  const viaImport = await import('${PACKAGE}/factory');
  const result = await useFactory(process.argv[2]);
  console.log(JSON.stringify({ ...result, sameFactory: viaImport.createServer === createServer }));
}
main().catch((error: unknown) => {
  console.log(JSON.stringify({ error: String(error) }));
  process.exitCode = 1;
});
`;

const BAD_CONSUMER = `${NODE_GLOBALS}import { configureFactory, createServer } from '${PACKAGE}/factory';

export async function misuse(): Promise<void> {
  configureFactory({ database: { engine: 'sqlite' } });
  const server = await createServer('', 42);
  console.log(String(server.listTools));
}
`;

/** A TypeScript project in `dir`: a package.json of module `type` and a strict nodenext tsconfig. */
function writeProject(dir: string, type: 'module' | 'commonjs', files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${type}`, version: '1.0.0', private: true, type }));
  const compilerOptions = { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022'], types: [], strict: true, skipLibCheck: false };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...compilerOptions, outDir: 'dist', noEmitOnError: true }, files: Object.keys(files) }));
  for (const [file, source] of Object.entries(files)) writeFileSync(join(dir, file), source);
}

function compile(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, [tsc, '-p', '.', '--pretty', 'false', ...args], { cwd: dir, encoding: 'utf8', timeout: RUN_TIMEOUT_MS });
}

function runConsumer(dir: string, dataDir: string) {
  const run = spawnSync(process.execPath, [join(dir, 'dist/main.js'), dataDir], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    encoding: 'utf8',
    timeout: RUN_TIMEOUT_MS,
  });
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  return JSON.parse(run.stdout);
}

const expectedRun = {
  init: { serverInfo: { name: 'mcp-factory-stdio' }, instructions: 'typed' },
  hello: { content: [{ type: 'text', text: 'Hello, Ada! This server is running for user "consumer-user".' }] },
  libraries: ['hello'],
};

describe('the packed package as a dependency of a TypeScript project', () => {
  const root = mkdtempSync(join(tmpdir(), 'mcpf-consumer-'));
  let consumer: string;
  let esm: string;
  let cjs: string;

  beforeAll(() => {
    consumer = packAndInstall(root).consumer;
    // Both projects sit inside the one that installed the tarball and resolve it from there.
    esm = join(consumer, 'esm');
    cjs = join(consumer, 'cjs');
    writeProject(esm, 'module', { 'use-factory.ts': CONSUMER_BODY, 'main.ts': ESM_MAIN });
    writeProject(cjs, 'commonjs', { 'use-factory.ts': CONSUMER_BODY, 'main.ts': CJS_MAIN });
  }, SETUP_TIMEOUT_MS);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it(
    'type-checks an ES module consumer against factory.d.ts and a CommonJS one against factory.d.cts',
    () => {
      for (const [dir, declarations] of [
        [esm, 'factory.d.ts'],
        [cjs, 'factory.d.cts'],
      ]) {
        const build = compile(dir, '--explainFiles');
        expect({ status: build.status, errors: build.stdout.split('\n').filter((line) => line.includes('error TS')) }).toEqual({ status: 0, errors: [] });
        expect(build.stdout).toContain(`node_modules/${PACKAGE}/${declarations}`);
      }
      expect(readFileSync(join(esm, 'dist/use-factory.js'), 'utf8')).toContain(`from '${PACKAGE}/factory'`);
      expect(readFileSync(join(cjs, 'dist/use-factory.js'), 'utf8')).toContain(`require("${PACKAGE}/factory")`);
    },
    RUN_TIMEOUT_MS,
  );

  it.each([
    ['ES module', 'esm', 'import', {}],
    // CommonJS also import()s the package: both must reach one factory, not two copies.
    ['CommonJS', 'cjs', 'require', { sameFactory: true }],
  ])(
    'runs the %s consumer: %s creates a server whose tools answer, on an embedded database',
    (_kind, dir, _how, extra) => {
      expect(runConsumer(join(consumer, dir), join(root, `${dir}-data`))).toMatchObject({
        ...expectedRun,
        greetings: { content: [{ type: 'text', text: expect.stringContaining('Hello, Ada!') }] },
        ...extra,
      });
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'refuses a consumer with type errors: a wrong database engine, a number as userId, a member the server lacks',
    () => {
      const bad = join(consumer, 'bad');
      writeProject(bad, 'module', { 'misuse.ts': BAD_CONSUMER });
      const build = compile(bad, '--noEmit');
      expect(build.status).not.toBe(0);
      const errors = build.stdout.split('\n').filter((line) => line.includes('error TS'));
      expect(errors).toEqual([
        expect.stringMatching(/^misuse\.ts\(\d+,\d+\): error TS2322: Type '"sqlite"' is not assignable/),
        expect.stringMatching(/^misuse\.ts\(\d+,\d+\): error TS2345: Argument of type 'number' is not assignable to parameter of type 'string'/),
        expect.stringMatching(/^misuse\.ts\(\d+,\d+\): error TS2339: Property 'listTools' does not exist on type 'FactoryServer'/),
      ]);
    },
    RUN_TIMEOUT_MS,
  );
});
