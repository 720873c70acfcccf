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
import { chmodSync, copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleNodeApp, describeBundle, workspace } from '../../../tools/scripts/bundle-node-app.mjs';

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

async function main() {
  const started = Date.now();
  const { metafile, migrations } = await bundleNodeApp({
    entryPoints: { main: path.join(appRoot, 'src/main.ts'), factory: path.join(appRoot, 'src/factory.ts') },
    outdir,
    tsconfig: path.join(appRoot, 'tsconfig.app.json'),
    minify: args.minify,
  });

  // The manifest first: it makes the bundle ESM ("type": "module") for the snapshot step's import.
  const manifest = JSON.parse(readFileSync(path.join(appRoot, 'package.json'), 'utf8'));
  writeFileSync(path.join(outdir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeMigratedSnapshot(path.join(outdir, 'factory.js'), path.join(outdir, SNAPSHOT_FILE));

  // `.` runs the server: a shebang makes main.js the package's executable `bin`.
  const mainJs = path.join(outdir, 'main.js');
  writeFileSync(mainJs, `#!/usr/bin/env node\n${readFileSync(mainJs, 'utf8')}`);
  chmodSync(mainJs, 0o755);

  for (const types of ['main.d.ts', 'factory.d.ts']) cpSync(path.join(appRoot, 'build', types), path.join(outdir, types));
  if (existsSync(path.join(appRoot, 'README.md'))) copyFileSync(path.join(appRoot, 'README.md'), path.join(outdir, 'README.md'));
  const license = path.join(workspace, 'LICENSE');
  if (existsSync(license)) copyFileSync(license, path.join(outdir, 'LICENSE'));

  process.stderr.write(
    `standalone-stdio: built ${path.relative(workspace, outdir)} in ${Date.now() - started} ms: ` +
      `${describeBundle(outdir, metafile, migrations)}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`standalone-stdio build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
