import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

/** One comparison row of a benchmark: ours vs a peer, with the target it must meet. */
export interface ComparisonRow {
  id: string;
  metric: string;
  unit: string;
  ours: number;
  peer: string;
  peerValue: number;
  /** ours / peer, or peer / ours for throughput; `better` says which way is good. */
  ratio: number;
  target: string;
  pass: boolean;
}

export interface BenchResult {
  name: string;
  smoke: boolean;
  startedAt: string;
  durationMs: number;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; platform: string; node: string };
  rows: ComparisonRow[];
  /** Per-variant raw samples and summaries. */
  data: Record<string, unknown>;
  notes?: string[];
}

export function machineInfo(): BenchResult['machine'] {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform}-${process.arch}`,
    node: process.version,
  };
}

export const benchRoot = resolve(__dirname, '..');
export const isSmoke = process.argv.includes('--smoke') || process.env['BENCH_SMOKE'] === '1';

/**
 * Where results go: BENCH_RESULTS_DIR when set (CI's smoke run uses a temp dir); otherwise bench/results
 * for full runs and <tmp>/mcp-factory-bench-smoke for smoke runs, so a smoke never overwrites real figures.
 */
export function resultsDir(): string {
  return process.env['BENCH_RESULTS_DIR'] || (isSmoke ? join(tmpdir(), 'mcp-factory-bench-smoke') : join(benchRoot, 'results'));
}

export function writeResult(result: BenchResult): string {
  const dir = resultsDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${result.name}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(`wrote ${file}\n`);
  for (const row of result.rows) {
    process.stdout.write(
      `${row.id.padEnd(5)} ${row.metric.padEnd(44)} ours ${fmt(row.ours)} ${row.unit} vs ${row.peer} ${fmt(row.peerValue)} → ratio ${fmt(row.ratio)} (target ${row.target}) ${row.pass ? 'PASS' : 'MISS'}\n`,
    );
  }
  return file;
}

function fmt(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(3))) : String(value);
}
