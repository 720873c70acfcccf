#!/usr/bin/env node
// Builds the desktop app into a self-contained npm package in dist/apps/standalone-stdio:
//   bin.js       the `bin`, with a shebang: --help, --version, else it loads main.js
//   main.js      `.`: the stdio server
//   chunk-*.js   code the two share
//   factory.cjs  `./factory` (createServer, configureFactory, shutdownFactory, the tool libraries) as
//                one CommonJS file: what `require` loads
//   factory.js   `./factory` for `import`: re-exports factory.cjs, so that `import` and `require` in
//                one process share one factory (one configuration, one database), not two copies
//   factory.d.ts, factory.d.cts, main.d.ts   generated from the source (scripts/emit-types.mjs)
//   pglite.wasm, pglite.data, initdb.wasm   PGlite's engine, found beside the bundle via import.meta.url
//   pglite-snapshot.tar.gz   a migrated empty database, so a first launch skips initdb
//   migrations/<timestamp>_<name>/migration.sql   the SQL the embedded database is migrated with
//   package.json, README.md
// Everything (SDK, Prisma client and its query compiler, PGlite, winston, zod) is bundled: the
// package has no runtime dependencies.
// Usage: node apps/standalone-stdio/scripts/build.mjs [--outdir dir] [--minify]
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleCommonJsEntry, bundleNodeApp, describeBundle, workspace } from '../../../tools/scripts/bundle-node-app.mjs';
import { emitPackageTypes } from './emit-types.mjs';

const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: { outdir: { type: 'string', default: path.join(workspace, 'dist/apps/standalone-stdio') }, minify: { type: 'boolean', default: false } },
});
const outdir = path.resolve(args.outdir);

const SNAPSHOT_FILE = 'pglite-snapshot.tar.gz';

/**
 * A first launch would run initdb (~5 s). Instead ship a dump of an empty database migrated by the
 * bundle itself; the app seeds an empty data directory from it (config.ts finds it beside main.js).
 */
async function writeMigratedSnapshot(factoryJs, target) {
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

/** factory.js: the names factory.cjs exports (so the list follows the source), re-exported for `import`. */
function writeEsmFactory(dir) {
  const names = Object.keys(createRequire(path.join(dir, 'package.json'))('./factory.cjs')).filter((name) => name !== '__esModule');
  if (!names.includes('createServer')) throw new Error(`factory.cjs exports no createServer (it exports ${names.join(', ')})`);
  const source =
    '// `mcp-factory-stdio/factory` for `import`: the CommonJS build re-exported, so that `import` and\n' +
    '// `require` in one process share one factory (one configuration, one database).\n' +
    `export { ${names.sort().join(', ')} } from './factory.cjs';\n`;
  writeFileSync(path.join(dir, 'factory.js'), source);
}

async function main() {
  const started = Date.now();
  const tsconfig = path.join(appRoot, 'tsconfig.app.json');
  const { metafile, migrations } = await bundleNodeApp({
    entryPoints: { bin: path.join(appRoot, 'src/bin.ts'), main: path.join(appRoot, 'src/main.ts') },
    outdir,
    tsconfig,
    minify: args.minify,
  });
  // The manifest first: it makes the bundle's .js files ESM ("type": "module") for the steps below.
  const manifest = JSON.parse(readFileSync(path.join(appRoot, 'package.json'), 'utf8'));
  writeFileSync(path.join(outdir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const cjsMetafile = await bundleCommonJsEntry({ entryPoint: path.join(appRoot, 'src/factory.ts'), outfile: path.join(outdir, 'factory.cjs'), tsconfig, minify: args.minify });
  writeEsmFactory(outdir);
  emitPackageTypes({ appRoot, workspace, outdir });

  await writeMigratedSnapshot(path.join(outdir, 'factory.js'), path.join(outdir, SNAPSHOT_FILE));

  // A shebang makes bin.js the package's executable `bin`.
  const binJs = path.join(outdir, 'bin.js');
  writeFileSync(binJs, `#!/usr/bin/env node\n${readFileSync(binJs, 'utf8')}`);
  chmodSync(binJs, 0o755);

  if (existsSync(path.join(appRoot, 'README.md'))) copyFileSync(path.join(appRoot, 'README.md'), path.join(outdir, 'README.md'));
  const license = path.join(workspace, 'LICENSE');
  if (existsSync(license)) copyFileSync(license, path.join(outdir, 'LICENSE'));

  process.stderr.write(
    `standalone-stdio: built ${path.relative(workspace, outdir)} in ${Date.now() - started} ms: ` +
      `${describeBundle(outdir, { outputs: { ...metafile.outputs, ...cjsMetafile.outputs } }, migrations)}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`standalone-stdio build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
