// Regenerates bench/README.md (results table from every results file, what we learned, the profile)
// and results/chart.svg (headline ratios against their targets; hand-written SVG, no dependency).
// When results are elsewhere (BENCH_RESULTS_DIR, or a smoke run), both go into that directory instead.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { benchRoot, resultsDir, type BenchResult, type ComparisonRow } from './lib/results';

const dir = resultsDir();
const redirected = resolve(dir) !== resolve(benchRoot, 'results');
const readmePath = redirected ? join(dir, 'README.md') : join(benchRoot, 'README.md');
const chartPath = join(dir, 'chart.svg');

const results: BenchResult[] = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('_')).sort()) {
  const doc = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  if (Array.isArray(doc.rows)) results.push(doc as BenchResult);
}
const run = existsSync(join(dir, '_run.json')) ? JSON.parse(readFileSync(join(dir, '_run.json'), 'utf8')) : undefined;
const rows = results.flatMap((r) => r.rows.map((row) => ({ ...row, smoke: r.smoke, file: r.name })));
const fmt = (n: number) => (Number.isFinite(n) ? String(Number(n.toPrecision(3))) : String(n));

/** The bound a row's ratio is held to, and which side passes (for the chart). */
function goal(row: ComparisonRow): { bound: number; up: boolean } | undefined {
  const t = row.target;
  if (t === 'report') return undefined;
  const n = Number(/([\d.]+)/.exec(t)?.[1]);
  if (t.startsWith('≥')) return { bound: n, up: true };
  if (t.startsWith('within')) return { bound: 1 + n / 100, up: false };
  if (t.includes('×')) return { bound: n, up: false };
  return { bound: 1, up: false }; // absolute limit: ratio is ours / limit
}

function chart(): string {
  const gated = rows.flatMap((r) => { const g = goal(r); return g ? [{ ...r, g }] : []; });
  const width = 760;
  const left = 330;
  const barH = 18;
  const gap = 8;
  const top = 40;
  const height = top + gated.length * (barH + gap) + 40;
  const max = Math.max(2.5, ...gated.map((r) => Math.min(r.ratio, 6)), ...gated.map((r) => r.g.bound)) * 1.1;
  const x = (v: number) => left + (Math.min(v, max) / max) * (width - left - 60);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">mcp-factory benchmarks: ratio vs target (green = met, red = missed; | = target)</text>`,
  ];
  gated.forEach((r, i) => {
    const g = r.g;
    const y = top + i * (barH + gap);
    const color = r.pass ? '#2e7d32' : '#c62828';
    parts.push(
      `<text x="${left - 6}" y="${y + 13}" text-anchor="end">${esc(`${r.id} ${r.metric.slice(0, 40)} vs ${r.peer}`.slice(0, 58))}</text>`,
      `<rect x="${left}" y="${y}" width="${Math.max(1, x(r.ratio) - left)}" height="${barH}" fill="${color}" opacity="0.8"/>`,
      `<line x1="${x(g.bound)}" x2="${x(g.bound)}" y1="${y - 2}" y2="${y + barH + 2}" stroke="#000" stroke-width="2"/>`,
      `<text x="${x(r.ratio) + 4}" y="${y + 13}">${fmt(r.ratio)}× ${g.up ? '(≥' : '(≤'} ${fmt(g.bound)})</text>`,
    );
  });
  parts.push(`<line x1="${x(1)}" x2="${x(1)}" y1="${top - 6}" y2="${height - 30}" stroke="#999" stroke-dasharray="3,3"/>`, `<text x="${x(1)}" y="${height - 16}" text-anchor="middle" fill="#666">1×</text>`, '</svg>');
  return parts.join('\n') + '\n';
}

function table(): string {
  const lines = ['| id | metric | unit | ours | peer | peer value | ratio | target | result |', '| --- | --- | --- | ---: | --- | ---: | ---: | --- | --- |'];
  for (const r of rows) {
    const verdict = r.target === 'report' ? 'info' : r.pass ? 'pass' : '**MISS**';
    lines.push(`| ${r.id} | ${r.metric}${r.smoke ? ' (smoke)' : ''} | ${r.unit} | ${fmt(r.ours)} | ${r.peer} | ${fmt(r.peerValue)} | ${fmt(r.ratio)} | ${r.target} | ${verdict} |`);
  }
  return lines.join('\n');
}

function profile(name: string, what: string): string {
  const p = results.find((r) => r.name === name);
  if (!p) return '_No profile in this run._';
  const d = p.data as { callsPerSec: number; samples: number; topFrames: Array<{ name: string; selfPct: number }>; byPackage: Array<{ name: string; selfPct: number }> };
  return [
    `\`node --cpu-prof\` on ours (${what})${p.smoke ? ' (smoke: mostly start-up)' : ''}: ${fmt(d.callsPerSec)} calls/s while profiled, ${d.samples} samples.`,
    '',
    '| top frames (self time) | % |',
    '| --- | ---: |',
    ...d.topFrames.map((f) => `| \`${f.name.replace(/\|/g, '\\|')}\` | ${fmt(f.selfPct)} |`),
    '',
    '| self time by package | % |',
    '| --- | ---: |',
    ...d.byPackage.map((f) => `| ${f.name} | ${fmt(f.selfPct)} |`),
  ].join('\n');
}

const learnedPath = join(benchRoot, 'learned.md');
const learned = existsSync(learnedPath) ? readFileSync(learnedPath, 'utf8').trim() : '_Not written yet._';
const machine = results[0]?.machine;
const readme = `# bench

Performance benchmarks of mcp-factory against its peers (issue 8). **Generated by \`bench/report.ts\`** from
\`bench/results/*.json\` — edit \`bench/learned.md\` for the prose, not this file.

\`\`\`sh
npm run bench            # everything, ~10 min on 2 cores; or: npx nx run bench:bench
npm run bench:smoke      # ~1 min smoke of every benchmark, results in $TMPDIR/mcp-factory-bench-smoke (CI runs it and checks the JSON)
TSX_TSCONFIG_PATH=tsconfig.base.json node --expose-gc --import tsx bench/p2-http.ts [--smoke]   # one alone
\`\`\`

Files: \`p1-factory.ts\` (createServer cost), \`p2-http.ts\` (P2a stateless / P2b stateful + SSE throughput),
\`p2-modern.ts\` (P2c: protocol 2026-07-28 stateless, ours vs the bare SDK v2 \`createMcpHandler\`),
\`p3-db.ts\` (list_greetings on PostgreSQL, scoped + RLS vs raw), \`p4-sessions.ts\` (10k + 10k sessions:
memory, DELETE, idle eviction), \`p5-stdio.ts\` (packed desktop app launch), \`p6-shared-dir.ts\` (several copies on one data directory:
first call as host vs guest, hand-over), \`p7-workload.ts\` (the real workload: \`hello_computer\` / \`list_greetings\` on PostgreSQL + RLS
as the least-privilege login vs the peers doing the same statement through \`pg\`, on embedded PGlite, and its CPU profile),
\`profile-p2a.ts\` (CPU profile), \`scale-out.ts\` (issue 16, run alone — not in \`run.ts\`, it needs haproxy and pgbouncer: CPU per request of a replica,
HAProxy and PgBouncer with the committed deploy/ configs, Redis script cost and bytes per key → docs/scale-out.md's capacity plan),
\`peers/\` (bare SDK 1.x HTTP + stdio, bare SDK v2 \`createMcpHandler\`, fastmcp, raw node:http ceiling; \`greeting-sql.ts\`: the peers' statements), \`servers/\` (ours; child-process entry),
\`lib/\` (load generator on undici, stats, results), \`check-results.ts\` (CI shape check, no timing asserts).
Every server under test runs in its own child process; variants are warmed up, then run in interleaved
rounds. \`enableJsonResponse: true\` for ours, the bare SDK and fastmcp alike. \`BENCH_RESULTS_DIR\` redirects output.

## Results

Machine: ${machine ? `${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.platform}, node ${machine.node}` : 'n/a'}.
${run ? `Last \`run.ts\`${run.smoke ? ' (smoke)' : ''}: ${run.startedAt}, ${run.seconds} s; load average (1/5/15 min) ${run.loadavgBefore.join(' / ')} before → ${run.loadavgAfter.join(' / ')} after (other test suites shared the 2 cores).` : ''}
Ratios: throughput rows are ours ÷ peer (higher is better); latency and memory rows are ours ÷ peer or ours ÷ limit (lower is better).

${table()}

![ratios vs targets](results/chart.svg)

## What we learned

${learned}

## Profile (P2a, ours)

${profile('p2a-profile', 'stateless, JWT, echo, under the P2a load')}

## Profile (P7, ours)

${profile('p7-profile', 'PostgreSQL + RLS as the least-privilege login, hello_computer under the P7 load')}

## Profile (P7, ours on embedded PGlite)

${profile('p7-pglite-profile', 'embedded PGlite on a data directory, hello_computer under the P7 load')}
`;
writeFileSync(readmePath, readme);
writeFileSync(chartPath, chart());
process.stderr.write(`wrote ${readmePath} and ${chartPath}\n`);
