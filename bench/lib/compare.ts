// Shared by the HTTP benchmarks: variants run warmed up, then in interleaved rounds (so machine noise
// falls on all of them alike), and the comparison rows built from their merged results.
import { makePool, mergeLoads, runLoad, type LoadOptions, type LoadResult } from './load';
import type { RunningServer } from './child';
import type { ComparisonRow } from './results';
import { round } from './stats';

export type Variant = { name: string; server: RunningServer; run: (maxRequests: number, maxMs: number) => Promise<LoadResult> };
export type Merged = ReturnType<typeof mergeLoads>;

/** A variant that sends `concurrency` requests at a time to `server`, each built and checked by `request`. */
export function loadVariant(server: RunningServer, concurrency: number, request: Pick<LoadOptions, 'call' | 'check'>): Variant {
  const pool = makePool(server.url, concurrency);
  return { name: server.name, server, run: (maxRequests, maxMs) => runLoad(pool, { concurrency, maxRequests, maxMs, ...request }) };
}

/**
 * The same variant, also counting the server's CPU time over its runs: CPU µs per answered call is a
 * figure the other processes on a busy machine disturb far less than calls per second.
 */
export function withCpu(variant: Variant): Variant & { cpuPerCallUs(): number } {
  let cpuUs = 0;
  let calls = 0;
  return {
    ...variant,
    run: async (maxRequests, maxMs) => {
      const before = await variant.server.cpu();
      const result = await variant.run(maxRequests, maxMs);
      const after = await variant.server.cpu();
      cpuUs += after.user + after.system - before.user - before.system;
      calls += result.requests;
      return result;
    },
    cpuPerCallUs: () => (calls ? round(cpuUs / calls) : 0),
  };
}

export interface Rounds {
  warmup: number;
  rounds: number;
  roundMs: number;
  roundMax: number;
}

/** Warm every variant, then rounds of A, B, C… (reversed every other round). Throws on any error. */
export async function interleave(variants: Variant[], r: Rounds): Promise<Record<string, Merged>> {
  for (const v of variants) {
    const warm = await v.run(r.warmup, 30_000);
    if (warm.errors) throw new Error(`${v.name}: ${warm.errors} errors in warm-up, first: ${warm.firstError}`);
  }
  const byName = new Map<string, LoadResult[]>(variants.map((v) => [v.name, []]));
  for (let i = 0; i < r.rounds; i++) {
    const order = i % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) {
      const result = await v.run(r.roundMax, r.roundMs);
      byName.get(v.name)?.push(result);
      process.stderr.write(`  ${v.name.padEnd(28)} round ${i + 1}: ${result.callsPerSec} calls/s p50 ${result.latencyMs.median} ms p99 ${result.latencyMs.p99} ms errors ${result.errors}\n`);
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

export function latencyRow(id: string, metric: string, which: 'p99' | 'median', ours: Merged, peer: Merged, peerName: string): ComparisonRow {
  const o = ours.latencyMs[which];
  const p = peer.latencyMs[which];
  const gated = which === 'p99';
  return { id, metric, unit: 'ms', ours: o, peer: peerName, peerValue: p, ratio: round(o / p), target: gated ? '≤ 1× (p99 ≤ theirs)' : 'report', pass: gated ? o <= p : true };
}
