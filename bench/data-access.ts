/**
 * data-access benchmark: the same read and write through the raw Prisma client and through
 * forTenant (extension + RLS transaction), on embedded PGlite and on PostgreSQL.
 *
 *   npx tsx --tsconfig tsconfig.base.json bench/data-access.ts [--smoke] [--pg postgresql://…]
 *
 * PostgreSQL runs when --pg or TEST_DATABASE_URL is given (a scratch database is created and
 * dropped). Prints a table and writes bench/results/data-access.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database, type DatabaseConfig } from '@mcp-factory/data-access';
import { createScratchDatabase } from '@mcp-factory/data-access/testing';

const smoke = process.argv.includes('--smoke');
const pgIndex = process.argv.indexOf('--pg');
const pgUrl = pgIndex >= 0 ? process.argv[pgIndex + 1] : process.env['TEST_DATABASE_URL'];
const SAMPLES = smoke ? 30 : 1000;
const WARMUP = smoke ? 10 : 100;
const ROUNDS = smoke ? 2 : 10; // raw and scoped alternate in rounds, so machine noise hits both
const TENANT = 'bench-tenant';

interface Stats {
  samples: number;
  medianMs: number;
  p99Ms: number;
  meanMs: number;
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return { samples: values.length, medianMs: round(at(0.5)), p99Ms: round(at(0.99)), meanMs: round(values.reduce((a, b) => a + b, 0) / values.length) };
}

async function sample(fn: () => Promise<unknown>, n: number, into: number[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await fn();
    into.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
}

async function benchEngine(database: Database) {
  const raw = database.unscoped;
  const scoped = database.forTenant(TENANT);
  // Realistic table: this tenant's rows among other tenants'.
  for (const tenantId of [TENANT, 'other-1', 'other-2']) {
    await raw.greeting.createMany({ data: Array.from({ length: 200 }, (_, i) => ({ tenantId, message: `seed ${i}` })) });
  }
  let counter = 0;
  const ops = {
    read: {
      raw: () => raw.greeting.findMany({ where: { tenantId: TENANT }, orderBy: { createdAt: 'desc' }, take: 10 }),
      scoped: () => scoped.greeting.findMany({ orderBy: { createdAt: 'desc' }, take: 10 }),
    },
    write: {
      raw: () => raw.greeting.create({ data: { tenantId: TENANT, message: `w${counter++}` } }),
      scoped: () => scoped.greeting.create({ data: { message: `w${counter++}` } }),
    },
  };
  const result: Record<string, Record<string, Stats> & { scopedOverRawMedian: number }> = {};
  for (const [name, op] of Object.entries(ops)) {
    await sample(op.raw, WARMUP, []);
    await sample(op.scoped, WARMUP, []);
    const times = { raw: [] as number[], scoped: [] as number[] };
    const perRound = Math.ceil(SAMPLES / ROUNDS);
    for (let r = 0; r < ROUNDS; r++) {
      await sample(op.raw, perRound, times.raw);
      await sample(op.scoped, perRound, times.scoped);
    }
    const rawStats = stats(times.raw);
    const scopedStats = stats(times.scoped);
    result[name] = { raw: rawStats, scoped: scopedStats, scopedOverRawMedian: Math.round((scopedStats.medianMs / rawStats.medianMs) * 100) / 100 };
  }
  return result;
}

async function main(): Promise<void> {
  const engines: Record<string, unknown> = {};
  const embedded: DatabaseConfig = { engine: 'embedded' };
  const pglite = await openDatabase(embedded);
  try {
    engines['embedded'] = { description: pglite.description, ...(await benchEngine(pglite)) };
  } finally {
    await pglite.close();
  }
  if (pgUrl) {
    // createScratchDatabase reads TEST_DATABASE_URL; --pg wins.
    process.env['TEST_DATABASE_URL'] = pgUrl;
    const scratch = await createScratchDatabase();
    const server = await openDatabase({ engine: 'server', url: scratch.url, poolSize: 4 });
    try {
      engines['server'] = { description: server.description, poolSize: 4, ...(await benchEngine(server)) };
    } finally {
      await server.close();
      await scratch.drop();
    }
  }
  const report = {
    benchmark: 'data-access',
    date: new Date().toISOString(),
    mode: smoke ? 'smoke' : 'full',
    machine: { platform: `${os.platform()} ${os.release()}`, arch: os.arch(), cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, totalMemGb: Math.round(os.totalmem() / 2 ** 30), loadAvg: os.loadavg() },
    node: process.version,
    samplesPerCase: SAMPLES,
    operations: {
      read: 'greeting.findMany 10 newest of the tenant (raw: explicit where tenantId; scoped: forTenant, extension + RLS transaction)',
      write: 'greeting.create one row (raw: explicit tenantId; scoped: forTenant)',
    },
    target: 'scoped <= 1.3x raw (median) on PostgreSQL',
    engines,
  };
  const file = path.join(__dirname, 'results', 'data-access.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  for (const [engine, data] of Object.entries(engines)) {
    for (const op of ['read', 'write']) {
      const r = (data as Record<string, { raw: Stats; scoped: Stats; scopedOverRawMedian: number }>)[op];
      console.log(
        `${engine.padEnd(8)} ${op.padEnd(5)} raw median ${r.raw.medianMs.toFixed(3)} ms p99 ${r.raw.p99Ms.toFixed(3)} ms | scoped median ${r.scoped.medianMs.toFixed(3)} ms p99 ${r.scoped.p99Ms.toFixed(3)} ms | ${r.scopedOverRawMedian}x`,
      );
    }
  }
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
