import { randomUUID } from 'node:crypto';
import type { DoorOutcome } from './door';
import { HOSTILE_DOORS } from './doors';

/** One stored row of a tenant table, as an admin connection reads it (row-level security not applying). */
export interface StoredRow {
  table: string;
  tenantId: string;
  /** The row's content (greeting message, note key=value), to see that nothing changed. */
  content: string;
}

/** How the battery reaches the server under test: a real MCP client per user, and an admin connection. */
export interface HostileDriver {
  /** Calls a tool as `userId` and returns its structured result (throws when the call fails). */
  call(userId: string, tool: string, args: Record<string, unknown>): Promise<unknown>;
  /** Every row of every tenant table, read with an admin connection. */
  rows(): Promise<StoredRow[]>;
}

export interface BatteryReport {
  /** Stored only in the victim's rows: it must appear in no outcome. */
  secret: string;
  before: StoredRow[];
  after: StoredRow[];
  outcomes: DoorOutcome[];
}

/**
 * The victim stores a secret and leaves its ctx behind (`hostile_keep`), then the attacker, who
 * knows the victim's tenant id and row ids, tries every door. Returns what the database held
 * before and after and what each door answered; the caller judges (see `expectedOutcomes`).
 */
export async function runHostileBattery(driver: HostileDriver, users: { victim: string; attacker: string }): Promise<BatteryReport> {
  const secret = `secret-${randomUUID()}`;
  const target = (await driver.call(users.victim, 'hostile_seed', { secret })) as { greetingId: string; noteKey: string };
  await driver.call(users.attacker, 'hostile_seed', { secret: `own data of ${users.attacker}` });
  await driver.call(users.victim, 'hostile_keep', {});
  const before = await driver.rows();
  const outcomes: DoorOutcome[] = [];
  for (const door of HOSTILE_DOORS) {
    outcomes.push((await driver.call(users.attacker, 'hostile_probe', { door, victim: users.victim, ...target })) as DoorOutcome);
  }
  return { secret, before, after: await driver.rows(), outcomes };
}

/** What each door must answer: refused with this code, or this value. */
export type Expected = { refused: string } | { returns: unknown };

/** The answer each door must get when the attacker is `attacker`. */
export function expectedOutcomes(attacker: string): Record<string, Expected> {
  const raw = { refused: 'ERR_RAW_QUERY_FORBIDDEN' };
  const mismatch = { refused: 'ERR_TENANT_MISMATCH' };
  const query = { refused: 'ERR_DB_QUERY' };
  const revoked = { refused: 'ERR_TENANT_CLIENT_REVOKED' };
  const none = { returns: { rows: 0, tenants: [] } };
  return {
    'raw.queryRaw': raw,
    'raw.queryRawUnsafe': raw,
    'raw.executeRawUnsafe': raw,
    'raw.resetRole': raw,
    'raw.setConfig': raw,
    'raw.transactionCallback': raw,
    'raw.transactionBatch': raw,
    'raw.extends': raw,
    'raw.runCommandRaw': { returns: { refusals: ['ERR_RAW_QUERY_FORBIDDEN', 'ERR_RAW_QUERY_FORBIDDEN', 'ERR_RAW_QUERY_FORBIDDEN'] } },
    'raw.disconnect': raw,
    'inject.whereValue': none,
    'inject.orderByField': query,
    'inject.tenantIdValue': mismatch,
    'write.createVictim': mismatch,
    'write.createManyVictim': mismatch,
    'write.createManyAndReturnVictim': mismatch,
    'write.upsertVictimKey': mismatch,
    'write.upsertCreateVictim': mismatch,
    'write.updateManyNotMine': { returns: { count: 0 } },
    'write.updateManyOrVictim': { returns: { count: 0 } },
    'write.updateMoveToVictim': mismatch,
    'write.updateSetVictim': mismatch,
    // The attacker's own note: updated, and still the attacker's (the rows say so).
    'write.updateGetterToVictim': { returns: { count: 1 } },
    'write.updateVictimById': query,
    'write.deleteManyNotMine': { returns: { count: 0 } },
    'write.deleteVictimKey': mismatch,
    'write.deleteVictimById': query,
    'write.nestedConnect': query,
    'read.findFirstVictimId': none,
    'read.findUniqueVictim': mismatch,
    'read.findManyInBoth': { returns: { rows: 1, tenants: [attacker] } },
    'read.findManyNotMine': none,
    'read.cursorVictim': mismatch,
    'read.cursorVictimKey': none,
    'read.groupByTenant': { returns: { rows: 1, tenants: [attacker] } },
    'read.aggregateVictim': { returns: { _count: { _all: 0 } } },
    'read.countVictim': mismatch,
    'read.includeRelation': query,
    'reflect.internals': { returns: { found: [] } },
    'reflect.crawl': { returns: { prismaLike: 0, pgLike: 0, pgliteLike: 0, exhausted: true } },
    'reflect.mutateClient': { returns: { refused: 4, changed: false } },
    'reflect.mutateCtx': { returns: { userId: attacker, rows: 1, tenants: [attacker] } },
    'reflect.environment': { returns: { secrets: [] } },
    'lease.keptClient': revoked,
    'lease.keptCtx': revoked,
  };
}

/** An outcome in the shape of `Expected`, for a one-line comparison per door. */
export function judged(outcome: DoorOutcome): Expected {
  return outcome.outcome === 'refused' ? { refused: outcome.code } : { returns: outcome.value };
}

/** The battery's findings, in one object a spec compares with `HELD` (a failure shows every finding at once). */
export interface BatteryVerdict {
  doorsTried: number;
  /** Doors whose answer differs from `expectedOutcomes`. */
  wrongAnswers: Array<{ door: string; expected: Expected; got: Expected }>;
  /** The victim's secret appears in some answer the attacker got. */
  secretInAnswers: boolean;
  /** The victim's greeting and note were stored before the doors were tried. */
  victimSeeded: boolean;
  /** The victim's rows differ after the doors from before. */
  victimRowsChanged: boolean;
  /** Tenants with rows afterwards: the victim and the attacker, no one else (no '' either). */
  tenantsStored: string[];
}

/** Judges a report: every door answered as expected, nothing of the victim read, changed or added to. */
export function judgeBattery(report: BatteryReport, users: { victim: string; attacker: string }): BatteryVerdict {
  const expected = expectedOutcomes(users.attacker);
  const victimRows = (rows: StoredRow[]) => JSON.stringify(rows.filter((row) => row.tenantId === users.victim));
  return {
    doorsTried: report.outcomes.length,
    wrongAnswers: report.outcomes
      .map((outcome) => ({ door: outcome.door, expected: expected[outcome.door], got: judged(outcome) }))
      .filter(({ expected: want, got }) => JSON.stringify(want) !== JSON.stringify(got)),
    secretInAnswers: JSON.stringify(report.outcomes).includes(report.secret),
    victimSeeded: report.before.filter((row) => row.tenantId === users.victim && row.content.includes(report.secret)).length === 2,
    victimRowsChanged: victimRows(report.before) !== victimRows(report.after),
    tenantsStored: [...new Set(report.after.map((row) => row.tenantId))].sort(),
  };
}

/** The verdict when isolation held against every door. */
export function heldVerdict(users: { victim: string; attacker: string }): BatteryVerdict {
  return {
    doorsTried: HOSTILE_DOORS.length,
    wrongAnswers: [],
    secretInAnswers: false,
    victimSeeded: true,
    victimRowsChanged: false,
    tenantsStored: [users.attacker, users.victim].sort(),
  };
}
