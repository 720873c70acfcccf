#!/usr/bin/env node
// The package's size as a user gets it: `npm pack` dist/apps/standalone-stdio, install the tarball into
// a temp project, and report the tarball's bytes, the installed bytes and what they are made of.
// The figures in apps/standalone-stdio/README.md come from here (MB = 10^6 bytes, as npm prints them).
// Usage: npx nx run standalone-stdio:measure-package   (or node apps/standalone-stdio/scripts/measure-package.mjs after a build)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileSizes, packAndInstall } from './pack-and-install.mjs';

/** What the installed files are, by name. The first match wins; anything unmatched is `other`. */
const PARTS = [
  ['PGlite engine (pglite.wasm, pglite.data, initdb.wasm)', /^(pglite\.wasm|pglite\.data|initdb\.wasm)$/],
  ['migrated empty database (pglite-snapshot.tar.gz)', /^pglite-snapshot\.tar\.gz$/],
  ['JavaScript for the bin and `.` (ESM: bin.js, main.js, chunk-*.js)', /^(bin|main|chunk-[\w-]+)\.js$/],
  ['JavaScript for ./factory (factory.cjs and its ESM re-export factory.js)', /^factory\.c?js$/],
  ['type declarations (*.d.ts, *.d.cts)', /\.d\.c?ts$/],
  ['SQL migrations', /^migrations[\\/]/],
];
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

const root = mkdtempSync(path.join(tmpdir(), 'mcpf-measure-package-'));
try {
  const { packed, packageDir } = packAndInstall(root);
  const installed = fileSizes(packageDir);
  const installedBytes = Object.values(installed).reduce((sum, size) => sum + size, 0);
  const parts = {};
  for (const [file, size] of Object.entries(installed)) {
    const part = PARTS.find(([, pattern]) => pattern.test(file))?.[0] ?? 'other (package.json, README.md, LICENSE)';
    parts[part] = (parts[part] ?? 0) + size;
  }
  const report = {
    summary: `${packed.filename}: ${mb(packed.size)} packed, ${mb(installedBytes)} installed, ${Object.keys(installed).length} files`,
    node: process.version,
    tarballBytes: packed.size,
    installedBytes,
    npmUnpackedBytes: packed.unpackedSize,
    parts: Object.fromEntries(Object.entries(parts).sort(([, a], [, b]) => b - a).map(([part, bytes]) => [part, `${bytes} (${mb(bytes)})`])),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
