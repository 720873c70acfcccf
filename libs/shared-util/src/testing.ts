// Test helpers shared by every lib's specs. Not for production code.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Checks a lib's error registry the way fastify checks its own: every class has a static `code`
 * equal to its instance `code`, codes are unique, and each is listed in the lib's README.
 */
export function expectErrorRegistryDocumented(
  errors: Record<string, { code: string; new (...args: never[]): { code: string } }>,
  readmePath: string,
): void {
  const readme = readFileSync(readmePath, 'utf8');
  const codes = Object.values(errors).map((ErrorClass) => ErrorClass.code);
  expect(new Set(codes).size).toBe(codes.length);
  for (const [name, ErrorClass] of Object.entries(errors)) {
    expect(ErrorClass.name).toBe(name);
    expect(ErrorClass.code).toMatch(/^ERR_[A-Z0-9_]+$/);
    expect(Object.getPrototypeOf(ErrorClass.prototype)).toBeDefined();
    expect(readme).toContain(ErrorClass.code);
  }
}

/**
 * The PostgreSQL server tests may use: `{ url }` (an admin URL; create scratch databases on it), or
 * `{ reason }` when none is reachable. Decided once per jest run by tools/workspace/src/jest/global-setup.js
 * (TEST_DATABASE_URL, else PGHOST/PGPORT/PGUSER defaults).
 */
export function testPostgres(): { url: string; reason?: undefined } | { url?: undefined; reason: string } {
  const url = process.env['TEST_DATABASE_URL'];
  if (url) return { url };
  return { reason: process.env['MCPF_TEST_PG_SKIP_REASON'] ?? 'no PostgreSQL server (TEST_DATABASE_URL unset and the jest global setup did not run)' };
}

/**
 * `describe` for a suite that needs a PostgreSQL server. Without one the suite is skipped — counted
 * as skipped by jest, and announced in one line (and in `npm test`'s summary), never silently.
 */
export function describeWithPostgres(title: string, fn: () => void): void {
  describeIfAvailable(title, testPostgres().reason, fn);
}

/**
 * `describe` for a suite that needs something outside the repo (a server, an executable); `missing`
 * says what is absent, `undefined` when nothing is. The one place a suite is skipped: announced in one
 * line, counted as skipped — unless MCPF_TEST_REQUIRE_ALL=1 (set by .ci/run, where everything is
 * installed and started), which turns the skip into a failing test naming what is missing.
 */
export function describeIfAvailable(title: string, missing: string | undefined, fn: () => void): void {
  if (missing === undefined) {
    describe(title, fn);
  } else if (process.env['MCPF_TEST_REQUIRE_ALL'] === '1') {
    describe(title, () => {
      test('has what it needs to run', () => {
        throw new Error(`${missing} (MCPF_TEST_REQUIRE_ALL=1: nothing may be skipped here)`);
      });
    });
  } else {
    announceSkip(title, missing);
    describe.skip(title, fn);
  }
}

/** One line on stderr and in the `npm test` summary: which suite was skipped and why. */
export function announceSkip(title: string, reason: string): void {
  const line = `skipped: "${title}" — ${reason}`;
  process.stderr.write(`${line}\n`);
  const dir = process.env['MCPF_TEST_RESULTS_DIR'];
  if (dir) {
    mkdirSync(dir, { recursive: true });
    appendFileSync(join(dir, 'skips.txt'), `${line}\n`);
  }
}

export { describeWithBinaries, findBinary, freeLoopbackPort, startChildService, waitForPort } from './lib/testing/child-services';
export type { ChildService, ChildServiceOptions } from './lib/testing/child-services';
export { deleteRedisKeys, describeWithRedis, startPrivateRedis, testRedisUrl } from './lib/testing/test-redis';
export type { PrivateRedis } from './lib/testing/test-redis';
export { childPids, isProcessAlive, waitForProcessExit } from './lib/testing/processes';
