#!/usr/bin/env node
// Builds the service into dist/apps/multitenant-sse: main.js (the server), migrate.js (the separate
// migration command the container runs before the server), mint-token.js (HS256 tokens for
// operators), PGlite's engine files for the embedded fallback, and the SQL migrations. Runs with plain `node main.js`; no node_modules needed.
// Usage: node apps/multitenant-sse/scripts/build.mjs [--outdir dir] [--minify]
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleNodeApp, describeBundle, workspace } from '../../../tools/scripts/bundle-node-app.mjs';

const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: { outdir: { type: 'string', default: path.join(workspace, 'dist/apps/multitenant-sse') }, minify: { type: 'boolean', default: false } },
});
const outdir = path.resolve(args.outdir);

async function main() {
  const started = Date.now();
  const { metafile, migrations } = await bundleNodeApp({
    entryPoints: {
      main: path.join(appRoot, 'src/main.ts'),
      migrate: path.join(appRoot, 'src/migrate.ts'),
      'mint-token': path.join(appRoot, 'src/mint-token.ts'),
    },
    outdir,
    tsconfig: path.join(appRoot, 'tsconfig.app.json'),
    minify: args.minify,
  });
  const manifest = { name: 'mcp-factory-service', version: '0.1.0', private: true, type: 'module', main: './main.js', scripts: { start: 'node main.js', migrate: 'node migrate.js', 'mint-token': 'node mint-token.js' } };
  writeFileSync(path.join(outdir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  process.stderr.write(`multitenant-sse: built ${path.relative(workspace, outdir)} in ${Date.now() - started} ms: ${describeBundle(outdir, metafile, migrations)}\n`);
}

main().catch((error) => {
  process.stderr.write(`multitenant-sse build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
