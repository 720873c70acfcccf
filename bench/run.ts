// Runs every benchmark (each in its own process, one after another), then regenerates bench/README.md
// and results/chart.svg. `--smoke` for the quick mode; `--only=p2-http,p5-stdio` to pick some.
//   npm run bench        npm run bench:smoke        npx nx run bench:bench
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { isSmoke, resultsDir } from './lib/results';

const root = resolve(__dirname, '..');
const ALL = ['p1-factory', 'p2-http', 'p2-modern', 'p3-db', 'p4-sessions', 'p5-stdio', 'p6-shared-dir', 'p7-workload', 'profile-p2a'];
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const selected = only ? ALL.filter((name) => only.includes(name)) : ALL;

const started = Date.now();
const loadBefore = loadavg();
const runs: Array<{ name: string; ok: boolean; seconds: number; loadAfter: number[] }> = [];
for (const name of selected) {
  const t0 = Date.now();
  process.stderr.write(`\n== ${name}${isSmoke ? ' (smoke)' : ''}\n`);
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, `${name}.ts`), ...(isSmoke ? ['--smoke'] : [])], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json') },
  });
  runs.push({ name, ok: result.status === 0, seconds: Math.round((Date.now() - t0) / 100) / 10, loadAfter: loadavg().map((x) => Math.round(x * 100) / 100) });
}
const meta = {
  smoke: isSmoke,
  startedAt: new Date(started).toISOString(),
  seconds: Math.round((Date.now() - started) / 1000),
  loadavgBefore: loadBefore.map((x) => Math.round(x * 100) / 100),
  loadavgAfter: loadavg().map((x) => Math.round(x * 100) / 100),
  runs,
};
mkdirSync(resultsDir(), { recursive: true });
writeFileSync(join(resultsDir(), '_run.json'), `${JSON.stringify(meta, null, 2)}\n`);
const report = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'report.ts'), ...(isSmoke ? ['--smoke'] : [])], { cwd: root, stdio: 'inherit', env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json') } });
const failed = runs.filter((r) => !r.ok).map((r) => r.name);
process.stderr.write(`\nbench: ${runs.length - failed.length}/${runs.length} ran in ${meta.seconds}s; load ${meta.loadavgBefore.join(' ')} → ${meta.loadavgAfter.join(' ')}\n`);
if (failed.length || report.status !== 0) {
  process.stderr.write(`bench: failed: ${[...failed, ...(report.status !== 0 ? ['report'] : [])].join(', ')}\n`);
  process.exit(1);
}
