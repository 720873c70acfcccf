// Interleaved rounds of several variants, and the comparison rows built from them (P2, P7).
import { mergeLoads, type LoadResult } from './load';
import type { ComparisonRow } from './results';
import type { RunningServer } from './child';
import { round } from './stats';

export type Variant = { name: string; server: RunningServer; run: (maxRequests: number, maxMs: number) => Promise<LoadResult> };
export type Merged = ReturnType<typeof mergeLoads>;

export interface RoundPlan {
  rounds: number;
  roundMs: number;
  roundMax: number;
  /** Requests per variant before measuring. */
  warmup: number;
}

/** Warm every variant, then rounds of A, B, C… (reversed every other round) so machine noise falls on all of them alike. */
export async function interleave(variants: Variant[], plan: RoundPlan): Promise<Record<string, Merged>> {
  for (const v of variants) {
    const warm = await v.run(plan.warmup, 30_000);
    if (warm.errors) throw new Error(`${v.name}: ${warm.errors} errors in warm-up, first: ${warm.firstError}`);
  }
  const byName = new Map<string, LoadResult[]>(variants.map((v) => [v.name, []]));
  for (let r = 0; r < plan.rounds; r++) {
    const order = r % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) {
      const result = await v.run(plan.roundMax, plan.roundMs);
      byName.get(v.name)?.push(result);
      process.stderr.write(`  ${v.name.padEnd(28)} round ${r + 1}: ${result.callsPerSec} calls/s p50 ${result.latencyMs.median} ms p99 ${result.latencyMs.p99} ms errors ${result.errors}\n`);
    }
  }
  const out: Record<string, Merged> = {};
  for (const [name, results] of byName) {
    out[name] = mergeLoads(results);
    if (out[name].errors) throw new Error(`${name}: ${out[name].errors} errors, first: ${out[name].firstError}`);
  }
  return out;
}

export function throughputRow(id: string, metric: string, ours: Merged, peer: Merged, peerName: string, target: string, min: number): ComparisonRow {
  const ratio = ours.callsPerSec / peer.callsPerSec;
  return { id, metric, unit: 'calls/s', ours: ours.callsPerSec, peer: peerName, peerValue: peer.callsPerSec, ratio: round(ratio), target, pass: ratio >= min };
}

/** p99 is held to the peer's (≤ 1×); p50 is reported. */
export function latencyRow(id: string, metric: string, which: 'p99' | 'median', ours: Merged, peer: Merged, peerName: string): ComparisonRow {
  const o = ours.latencyMs[which];
  const p = peer.latencyMs[which];
  const gated = which === 'p99';
  return { id, metric, unit: 'ms', ours: o, peer: peerName, peerValue: p, ratio: round(o / p), target: gated ? '≤ 1× (p99 ≤ theirs)' : 'report', pass: gated ? o <= p : true };
}
