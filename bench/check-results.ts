// Fails (exit 1) when a results file is malformed: missing, not JSON, wrong shape, non-finite numbers.
// No timing assertions: a slow machine must not fail CI, a broken benchmark must.
//   npx tsx --tsconfig tsconfig.base.json bench/check-results.ts [dir]   (default: BENCH_RESULTS_DIR or bench/results)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resultsDir } from './lib/results';

const REQUIRED = ['p1-factory', 'p2-http', 'p2-modern', 'p3-db', 'p4-sessions', 'p5-stdio', 'p6-shared-dir', 'p7-workload', 'p2a-profile', 'p7-profile', 'p7-pglite-profile'];
const PROFILES = ['p2a-profile', 'p7-profile', 'p7-pglite-profile'];
const dir = process.argv[2] ?? resultsDir();
const problems: string[] = [];
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

for (const name of REQUIRED) if (!existsSync(join(dir, `${name}.json`))) problems.push(`${name}.json: missing`);
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('_'))) {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  } catch (error) {
    problems.push(`${file}: not JSON (${error})`);
    continue;
  }
  if (!isObj(doc) || !('rows' in doc)) {
    if (REQUIRED.includes(file.replace(/\.json$/, ''))) problems.push(`${file}: not a benchmark result`);
    continue; // another team's format (e.g. data-access.json)
  }
  const where = (s: string) => problems.push(`${file}: ${s}`);
  if (typeof doc['name'] !== 'string' || `${doc['name']}.json` !== file) where('name does not match the file');
  if (typeof doc['smoke'] !== 'boolean') where('smoke is not a boolean');
  if (typeof doc['startedAt'] !== 'string' || Number.isNaN(Date.parse(doc['startedAt'] as string))) where('startedAt is not a date');
  if (!finite(doc['durationMs'])) where('durationMs is not a number');
  if (!isObj(doc['machine']) || !finite((doc['machine'] as Record<string, unknown>)['cpus'])) where('machine is malformed');
  if (!isObj(doc['data'])) where('data is not an object');
  if (!Array.isArray(doc['rows'])) {
    where('rows is not an array');
    continue;
  }
  if (!PROFILES.includes(doc['name'] as string) && doc['rows'].length === 0) where('no rows');
  doc['rows'].forEach((row: unknown, i: number) => {
    if (!isObj(row)) return where(`row ${i} is not an object`);
    for (const key of ['id', 'metric', 'unit', 'peer', 'target']) if (typeof row[key] !== 'string' || !(row[key] as string)) where(`row ${i}: ${key} is not a string`);
    for (const key of ['ours', 'peerValue', 'ratio']) if (!finite(row[key])) where(`row ${i} (${row['metric']}): ${key} is not a finite number`);
    if (typeof row['pass'] !== 'boolean') where(`row ${i}: pass is not a boolean`);
  });
  if (PROFILES.includes(doc['name'] as string) && !Array.isArray((doc['data'] as Record<string, unknown>)?.['topFrames'])) where('data.topFrames missing');
}
if (problems.length) {
  process.stderr.write(`bench results in ${dir} are malformed:\n  ${problems.join('\n  ')}\n`);
  process.exit(1);
}
process.stderr.write(`bench results in ${dir}: well-formed\n`);
