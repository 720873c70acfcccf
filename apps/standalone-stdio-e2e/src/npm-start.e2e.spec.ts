// Issue 12: `npm start` runs the stdio server as the very process npm starts (no wrapper that
// re-parents a child), so SIGTERM to npm stops the server and npm exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { childPids, waitForProcessExit } from '@mcp-factory/shared-util/testing';

const workspaceRoot = resolve(__dirname, '../../..');

describe('npm start', () => {
  const dataRoot = mkdtempSync(join(tmpdir(), 'mcpf-npm-start-'));
  let npm: ChildProcess;
  let stdout = '';
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  beforeAll(async () => {
    npm = spawn('npm', ['start', '-s'], {
      cwd: workspaceRoot,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', MCP_DATA_DIR: join(dataRoot, 'db') },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    exited = new Promise((r) => npm.on('exit', (code, signal) => r({ code, signal })));
    npm.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    // A ping needs no handshake state and proves the server reads stdin and answers on stdout.
    npm.stdin?.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' })}\n`);
    for (let i = 0; i < 1200 && !stdout.includes('"id":1'); i++) {
      if (npm.exitCode !== null) throw new Error('npm start exited early');
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!stdout.includes('"id":1')) throw new Error(`npm start did not answer within 120 s: ${stdout}`);
  }, 150_000);

  afterAll(() => {
    if (npm?.exitCode === null) npm.kill('SIGKILL');
    rmSync(dataRoot, { recursive: true, force: true });
  });

  it('is served by npm’s own child, which exits 0 with npm on SIGTERM', async () => {
    const children = childPids(npm.pid as number);
    expect(children).toHaveLength(1);
    const server = children[0] as number;
    expect(readFileSync(`/proc/${server}/cmdline`, 'utf8').split('\0')).toEqual(expect.arrayContaining(['apps/standalone-stdio/src/main.ts']));
    expect(childPids(server)).toEqual([]);

    npm.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    await waitForProcessExit(server);
  }, 60_000);
});
