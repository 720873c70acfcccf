// Bundles a Node app of this workspace into self-contained ESM with esbuild: the SDK, Prisma's client
// and query compiler, PGlite, winston and zod all inside; PGlite's engine files and the SQL migrations
// copied beside the bundle. Used by apps/*/scripts/build.mjs. Output is ESM because PGlite's CJS build
// fails when bundled (Invalid URL).
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const workspace = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

const MIGRATIONS_SOURCE = path.join(workspace, 'libs/data-access/prisma/migrations');
const MIGRATION_FILES = /[\\/]libs[\\/]data-access[\\/]src[\\/]lib[\\/]migrate[\\/]migration-files\.ts$/;
const MIGRATIONS_DIR_EXPR = "path.resolve(__dirname, '../../../prisma/migrations')";
const PGLITE_ASSETS = ['pglite.wasm', 'pglite.data', 'initdb.wasm'];

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
        return { errors: [{ text: `${path.relative(workspace, result.path)} no longer contains ${MIGRATIONS_DIR_EXPR}; update tools/scripts/bundle-node-app.mjs` }] };
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

// Prisma's runtime picks its build by `process.env.NODE_ENV`; a shipped app runs as production.
const PRODUCTION = { 'process.env.NODE_ENV': '"production"' };

/** The esbuild options every bundle here shares; callers add the format, entries and output. */
function commonOptions({ tsconfig, minify }) {
  return {
    absWorkingDir: workspace,
    bundle: true,
    platform: 'node',
    target: 'node20',
    tsconfig,
    minify,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    plugins: [migrationsBesideBundle, prismaCompilerAsEsm],
  };
}

/**
 * Bundles `entryPoints` into `outdir` (emptied first) and copies the database assets beside them.
 * Returns esbuild's metafile and the migrations copied.
 */
export async function bundleNodeApp({ entryPoints, outdir, tsconfig, minify = false }) {
  if (!existsSync(path.join(workspace, 'libs/data-access/src/generated/prisma/client.ts'))) {
    throw new Error('The Prisma client is not generated: run `npx nx run data-access:prisma-generate` first');
  }
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });

  const result = await esbuild.build({
    ...commonOptions({ tsconfig, minify }),
    entryPoints,
    outdir,
    splitting: true,
    format: 'esm',
    define: PRODUCTION,
    banner: { js: banner },
    chunkNames: 'chunk-[hash]',
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
  return { metafile: result.metafile, migrations };
}

/**
 * Bundles one entry into a single CommonJS file `outfile` (for a package's `require` condition), with
 * the same rewrites as bundleNodeApp. Run bundleNodeApp into the same directory first: this file finds
 * PGlite's engine files and the migrations beside itself. esbuild leaves `import.meta` empty in
 * CommonJS output, and PGlite locates its engine with `new URL('./pglite.wasm', import.meta.url)`, so
 * `import.meta.url` is defined as this file's own URL. Returns esbuild's metafile.
 */
export async function bundleCommonJsEntry({ entryPoint, outfile, tsconfig, minify = false }) {
  const result = await esbuild.build({
    ...commonOptions({ tsconfig, minify }),
    entryPoints: [entryPoint],
    outfile,
    format: 'cjs',
    define: { ...PRODUCTION, 'import.meta.url': '__mcpfImportMetaUrl' },
    banner: { js: "const __mcpfImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  return result.metafile;
}

/** One line for the build log: total size, JavaScript size, migrations. */
export function describeBundle(outdir, metafile, migrations) {
  const bytes = readdirSync(outdir, { recursive: true })
    .map((file) => path.join(outdir, String(file)))
    .filter((file) => statSync(file).isFile())
    .reduce((sum, file) => sum + statSync(file).size, 0);
  const js = Object.values(metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  return `${(bytes / 1048576).toFixed(1)} MiB (${(js / 1048576).toFixed(1)} MiB JavaScript), ${migrations.length} migrations`;
}
