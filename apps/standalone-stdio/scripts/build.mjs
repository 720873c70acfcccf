#!/usr/bin/env node
// Builds the desktop app into a self-contained npm package in dist/apps/standalone-stdio:
//   main.js     the stdio server (`.` and the `bin`), with a shebang
//   factory.js  `./factory`: createServer, configureFactory, shutdownFactory, the tool libraries
//   chunk-*.js  code both share (one copy, one module instance)
//   pglite.wasm, pglite.data, initdb.wasm   PGlite's engine, found beside the bundle via import.meta.url
//   migrations/<timestamp>_<name>/migration.sql   the SQL the embedded database is migrated with
//   main.d.ts, factory.d.ts (hand-written, from build/), package.json, README.md
// Everything (SDK, Prisma client and its query compiler, PGlite, winston, zod) is bundled: the
// package has no runtime dependencies. Output is ESM: PGlite's CJS build fails bundled (Invalid URL).
// Usage: node apps/standalone-stdio/scripts/build.mjs [--outdir dir] [--minify]
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';

const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workspace = path.resolve(appRoot, '../..');
const { values: args } = parseArgs({
  options: { outdir: { type: 'string', default: path.join(workspace, 'dist/apps/standalone-stdio') }, minify: { type: 'boolean', default: false } },
});
const outdir = path.resolve(args.outdir);
const require = createRequire(import.meta.url);

const MIGRATIONS_SOURCE = path.join(workspace, 'libs/data-access/prisma/migrations');
const MIGRATION_FILES = /[\\/]libs[\\/]data-access[\\/]src[\\/]lib[\\/]migrate[\\/]migration-files\.ts$/;
const MIGRATIONS_DIR_EXPR = "path.resolve(__dirname, '../../../prisma/migrations')";
const PGLITE_ASSETS = ['pglite.wasm', 'pglite.data', 'initdb.wasm'];
const SNAPSHOT_FILE = 'pglite-snapshot.tar.gz';

// The bundle is ESM, but much of what it bundles is CommonJS (Prisma's client and runtime, pg, winston):
// give it a real `require` for Node built-ins instead of esbuild's throwing "Dynamic require" shim.
const banner = [
  "import { createRequire as __mcpfCreateRequire } from 'node:module';",
  'const require = __mcpfCreateRequire(import.meta.url);',
].join('\n');

/**
 * data-access finds its migrations relative to its own source file (`__dirname`), which means
 * nothing in a bundle (and is undefined in ESM). Point it at the `migrations` folder shipped beside
 * the bundle instead. Fails the build loudly if the expression ever changes.
 */
const migrationsBesideBundle = {
  name: 'migrations-beside-bundle',
  setup(build) {
    build.onLoad({ filter: MIGRATION_FILES }, (result) => {
      const source = readFileSync(result.path, 'utf8');
      if (!source.includes(MIGRATIONS_DIR_EXPR)) {
        return { errors: [{ text: `${path.relative(workspace, result.path)} no longer contains ${MIGRATIONS_DIR_EXPR}; update ${path.relative(workspace, fileURLToPath(import.meta.url))}` }] };
      }
      const contents =
        "import { fileURLToPath as __mcpfFileURLToPath } from 'node:url';\n" +
        source.replace(MIGRATIONS_DIR_EXPR, "path.join(path.dirname(__mcpfFileURLToPath(import.meta.url)), 'migrations')");
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * The generated Prisma client loads its query compiler with `await import('@prisma/client/runtime/
 * query_compiler_*.js')`, CommonJS files. With code splitting esbuild turns a dynamically imported
 * CommonJS module into a chunk with only a default export, so `const { wasm } = await import(...)`
 * reads undefined ("The first argument must be of type string ... Received undefined"). Prisma
 * ships an ESM twin (`.mjs`) of each: bundle that instead.
 */
const prismaCompilerAsEsm = {
  name: 'prisma-query-compiler-esm',
  setup(build) {
    build.onResolve({ filter: /^@prisma\/client\/runtime\/query_compiler_[\w.-]+\.js$/ }, (args) => {
      const cjs = createRequire(path.join(args.resolveDir, 'index.js')).resolve(args.path);
      const esm = cjs.replace(/\.js$/, '.mjs');
      if (!existsSync(esm)) return { errors: [{ text: `No ESM twin ${esm} of ${args.path}; the bundle would break at run time` }] };
      return { path: esm };
    });
  },
};

/**
 * A first launch would run initdb (~5 s). Instead ship a dump of an empty database migrated by the
 * bundle itself; the app seeds an empty data directory from it (config.ts finds it beside main.js).
 */
async function writeMigratedSnapshot(factoryJs, target) {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { pathToFileURL } = await import('node:url');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mcpf-snapshot-'));
  try {
    const factory = await import(pathToFileURL(factoryJs).href);
    factory.configureFactory({ database: { engine: 'embedded', dataDir } });
    await factory.ensureInitialized();
    await factory.shutdownFactory();
    const { PGlite } = await import('@electric-sql/pglite');
    const pglite = await PGlite.create(dataDir);
    const tarball = await pglite.dumpDataDir('gzip');
    await pglite.close();
    writeFileSync(target, Buffer.from(await tarball.arrayBuffer()));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const started = Date.now();
  if (!existsSync(path.join(workspace, 'libs/data-access/src/generated/prisma/client.ts'))) {
    throw new Error('The Prisma client is not generated: run `npx nx run data-access:prisma-generate` first');
  }
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });

  const result = await esbuild.build({
    absWorkingDir: workspace,
    entryPoints: { main: path.join(appRoot, 'src/main.ts'), factory: path.join(appRoot, 'src/factory.ts') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    tsconfig: path.join(appRoot, 'tsconfig.app.json'),
    // Prisma's runtime picks its build by `process.env.NODE_ENV`; a published app runs as production.
    define: { 'process.env.NODE_ENV': '"production"' },
    banner: { js: banner },
    chunkNames: 'chunk-[hash]',
    minify: args.minify,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    plugins: [migrationsBesideBundle, prismaCompilerAsEsm],
  });

  // A dynamically imported CommonJS module becomes a default-export-only chunk (see prismaCompilerAsEsm).
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (output.exports.length === 1 && output.exports[0] === 'default' && /export default require_\w+\(\);\s*$/.test(readFileSync(path.join(workspace, file), 'utf8'))) {
      throw new Error(`${file} is a CommonJS module reached by import(): its named exports are lost in the bundle (${Object.keys(output.inputs).join(', ')})`);
    }
  }

  // PGlite loads these via `new URL('./pglite.wasm', import.meta.url)`: beside the chunk that holds it.
  const pgliteDist = path.dirname(require.resolve('@electric-sql/pglite'));
  for (const asset of PGLITE_ASSETS) copyFileSync(path.join(pgliteDist, asset), path.join(outdir, asset));

  const migrations = readdirSync(MIGRATIONS_SOURCE).filter((name) => existsSync(path.join(MIGRATIONS_SOURCE, name, 'migration.sql')));
  for (const name of migrations) {
    mkdirSync(path.join(outdir, 'migrations', name), { recursive: true });
    copyFileSync(path.join(MIGRATIONS_SOURCE, name, 'migration.sql'), path.join(outdir, 'migrations', name, 'migration.sql'));
  }

  await writeMigratedSnapshot(path.join(outdir, 'factory.js'), path.join(outdir, SNAPSHOT_FILE));

  // `.` runs the server: a shebang makes main.js the package's executable `bin`.
  const mainJs = path.join(outdir, 'main.js');
  writeFileSync(mainJs, `#!/usr/bin/env node\n${readFileSync(mainJs, 'utf8')}`);
  chmodSync(mainJs, 0o755);

  for (const types of ['main.d.ts', 'factory.d.ts']) cpSync(path.join(appRoot, 'build', types), path.join(outdir, types));
  const manifest = JSON.parse(readFileSync(path.join(appRoot, 'package.json'), 'utf8'));
  writeFileSync(path.join(outdir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  if (existsSync(path.join(appRoot, 'README.md'))) copyFileSync(path.join(appRoot, 'README.md'), path.join(outdir, 'README.md'));
  const license = path.join(workspace, 'LICENSE');
  if (existsSync(license)) copyFileSync(license, path.join(outdir, 'LICENSE'));

  const bytes = readdirSync(outdir, { recursive: true })
    .map((file) => path.join(outdir, String(file)))
    .filter((file) => statSync(file).isFile())
    .reduce((sum, file) => sum + statSync(file).size, 0);
  const js = Object.entries(result.metafile.outputs).reduce((sum, [, output]) => sum + output.bytes, 0);
  process.stderr.write(
    `standalone-stdio: built ${path.relative(workspace, outdir)} in ${Date.now() - started} ms: ` +
      `${(bytes / 1048576).toFixed(1)} MiB (${(js / 1048576).toFixed(1)} MiB JavaScript), ${migrations.length} migrations\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`standalone-stdio build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
