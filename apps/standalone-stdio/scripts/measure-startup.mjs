#!/usr/bin/env node
// Startup of the packed desktop app, as a client sees it: `npm pack` dist/apps/standalone-stdio,
// install the tarball into a temp project, then time spawn -> initialize reply and spawn -> first
// hello_computer answered, on an existing and on an empty data directory (median of --runs).
// Usage: node apps/standalone-stdio/scripts/measure-startup.mjs [--runs 5]   (after nx build standalone-stdio)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { bundle, packAndInstall, sizeOf } from './pack-and-install.mjs';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(args.runs);

async function launch(bin, dataDir) {
  const started = performance.now();
  const transport = new StdioClientTransport({
    command: bin,
    args: [],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MCP_USER_ID: 'bench', MCP_DATA_DIR: dataDir },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'measure', version: '1.0.0' });
  await client.connect(transport);
  const initialize = performance.now() - started;
  const result = await client.callTool({ name: 'hello_computer', arguments: { name: 'bench' } });
  const hello = performance.now() - started;
  if (result.isError) throw new Error(`hello_computer failed: ${JSON.stringify(result.content)}`);
  await client.close();
  return { initialize, hello };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return Math.round(sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2);
};
const summary = (samples) => ({
  initializeMs: { median: median(samples.map((s) => s.initialize)), all: samples.map((s) => Math.round(s.initialize)) },
  helloMs: { median: median(samples.map((s) => s.hello)), all: samples.map((s) => Math.round(s.hello)) },
});

const root = mkdtempSync(path.join(tmpdir(), 'mcpf-measure-'));
try {
  const { packed, bin } = packAndInstall(root);

  const empty = [];
  for (let i = 0; i < runs; i++) empty.push(await launch(bin, path.join(root, `empty-${i}`)));
  const existingDir = path.join(root, 'empty-0');
  const existing = [];
  for (let i = 0; i < runs; i++) existing.push(await launch(bin, existingDir));

  process.stdout.write(
    `${JSON.stringify(
      {
        node: process.version,
        runs,
        bundleBytes: sizeOf(bundle),
        tarballBytes: packed.size,
        installedBytes: packed.unpackedSize,
        existingDataDir: summary(existing),
        emptyDataDir: summary(empty),
      },
      null,
      2,
    )}\n`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
