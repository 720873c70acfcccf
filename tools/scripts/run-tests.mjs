#!/usr/bin/env node
// `npm test`: lint + test of every project (`nx run-many -t lint test`), then one plain summary line,
// `N passed, N failed` (`, N skipped` when suites were skipped, each with its reason above it).
// Extra arguments go to nx, e.g. `npm test -- --projects=core-factory`.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { findTestPostgres } = require('../workspace/src/jest/find-test-postgres.js');

const started = Date.now();
const resultsDir = mkdtempSync(join(tmpdir(), 'mcpf-test-results-'));
const env = {
  ...process.env,
  MCPF_TEST_RESULTS_DIR: resultsDir,
  NX_TUI: 'false',
  NX_NO_CLOUD: 'true',
  // Every task runs for real: a result replayed from Nx's machine-wide cache would not be counted here.
  NX_SKIP_NX_CACHE: 'true',
};

// Decided once for the whole run; each jest process reads the outcome (tools/workspace/src/jest/global-setup.js).
const postgres = await findTestPostgres(process.env);
env.MCPF_TEST_PG_DECIDED = '1';
if (postgres.url) {
  env.TEST_DATABASE_URL = postgres.url;
  delete env.MCPF_TEST_PG_SKIP_REASON;
  const { username, hostname, port } = new URL(postgres.url);
  console.log(`tests: PostgreSQL at ${username || 'postgres'}@${hostname}:${port || 5432}`);
} else {
  delete env.TEST_DATABASE_URL;
  env.MCPF_TEST_PG_SKIP_REASON = postgres.reason;
  console.log(`tests: ${postgres.reason} — suites that need a PostgreSQL server are skipped`);
}

const nx = require.resolve('nx/bin/nx.js');
const args = [nx, 'run-many', '-t', 'lint', 'test', '--outputStyle=stream', ...process.argv.slice(2)];
const child = spawn(process.execPath, args, { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
const nxCode = await new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));

const totals = { passed: 0, failed: 0, skipped: 0 };
const projects = [];
let skips = [];
for (const file of readdirSync(resultsDir)) {
  const text = readFileSync(join(resultsDir, file), 'utf8');
  if (file === 'skips.txt') {
    skips = [...new Set(text.split('\n').filter(Boolean))];
    continue;
  }
  const r = JSON.parse(text);
  totals.passed += r.passed;
  totals.failed += r.failed + r.suitesFailedToRun;
  totals.skipped += r.skipped;
  projects.push(r.project);
}
rmSync(resultsDir, { recursive: true, force: true });

const seconds = Math.round((Date.now() - started) / 1000);
console.log('');
for (const line of skips) console.log(line);
console.log(`tests: ${projects.length} projects tested in ${Math.floor(seconds / 60)} min ${seconds % 60} s${nxCode ? ` — nx exited with ${nxCode} (see the failed tasks above)` : ''}`);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(nxCode || (totals.failed ? 1 : 0));
