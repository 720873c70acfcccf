// Issue 12: `npm run service` runs the server as the very process npm starts (no wrapper that
// re-parents a child), so a process manager's SIGTERM to npm drains the server and everything exits 0.
// Run as a newcomer would: an empty environment, the embedded default database.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childPids, waitForProcessExit } from '@mcp-factory/shared-util/testing';
import { workspaceRoot } from './support/service-process';

describe('npm run service', () => {
  const dataRoot = mkdtempSync(join(tmpdir(), 'mcpf-npm-service-'));
  let npm: ChildProcess;
  let stderr = '';
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  beforeAll(async () => {
    npm = spawn('npm', ['run', '-s', 'service'], {
      cwd: workspaceRoot,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', PORT: '0', DATA_DIR: join(dataRoot, 'db'), LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exited = new Promise((resolve) => npm.on('exit', (code, signal) => resolve({ code, signal })));
    npm.stdout?.resume();
    npm.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    for (let i = 0; i < 1200 && !stderr.includes('"message":"Listening"'); i++) {
      if (npm.exitCode !== null) throw new Error(`npm run service exited early:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!stderr.includes('"message":"Listening"')) throw new Error(`npm run service did not listen within 120 s:\n${stderr}`);
  }, 150_000);

  afterAll(() => {
    if (npm?.exitCode === null) npm.kill('SIGKILL');
    rmSync(dataRoot, { recursive: true, force: true });
  });

  it('is served by npm’s own child, which drains and exits 0 on SIGTERM to npm', async () => {
    const npmPid = npm.pid as number;
    const children = childPids(npmPid);
    expect(children).toHaveLength(1);
    const server = children[0] as number;
    expect(readFileSync(`/proc/${server}/cmdline`, 'utf8').split('\0')).toEqual(expect.arrayContaining(['apps/multitenant-sse/src/main.ts']));
    // The server is npm's direct child and has no children of its own: nothing to orphan.
    expect(childPids(server)).toEqual([]);

    npm.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(stderr).toContain('"message":"shutdown signal received"');
    expect(stderr).toContain('"message":"mcp-auth server stopped"');
    await waitForProcessExit(server);
  }, 60_000);
});
