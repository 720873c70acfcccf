// Copies of the desktop app as MCP clients launch them: each its own process (node --import tsx, so the
// pid is the app's own and a signal reaches it), driven over stdio by an SDK client of either era.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { text, waitForExit } from './process';
import { launchStdioClient, type Era, type StdioClient } from './stdio-clients';

const workspace = resolve(__dirname, '../../../..');
const main = join(workspace, 'apps/standalone-stdio/src/main.ts');

/** Generous: the first data call on an empty directory waits for initdb, on a busy machine. */
export const FIRST_CALL = { timeout: 120_000 };

export interface Copy {
  client: StdioClient;
  pid: number;
  userId: string;
  stderr: string[];
  /** Closes stdin, as an MCP client does, and waits for the process to exit. */
  close(): Promise<void>;
}

/** Launches a copy for `userId` on `dataDir`, driven by a client of `era` (default the 2025-era 1.x client). */
export async function launchCopy(dataDir: string, userId: string, era: Era = 'legacy'): Promise<Copy> {
  const client = await launchStdioClient(era, {
    command: process.execPath,
    args: ['--import', 'tsx', main],
    cwd: workspace,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TSX_TSCONFIG_PATH: join(workspace, 'tsconfig.base.json'),
      MCP_USER_ID: userId,
      MCP_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
  });
  const pid = client.pid;
  return {
    client,
    pid,
    userId,
    stderr: client.stderr,
    async close() {
      await client.close();
      await waitForExit(pid, 30_000);
    },
  };
}

/** Calls hello_computer; resolves with the result's text and whether it is an error. */
export async function hello(copy: Copy, name: string, options = FIRST_CALL): Promise<{ ok: boolean; text: string }> {
  const result = await copy.client.callTool('hello_computer', { name }, options);
  return { ok: !result.isError, text: text(result) };
}

/** The names in the copy's user's greetings (newest 100). */
export async function greetingNames(copy: Copy): Promise<string[]> {
  const result = await copy.client.callTool('list_greetings', { limit: 100 }, FIRST_CALL);
  if (result.isError) throw new Error(`list_greetings failed: ${text(result)}`);
  return (result.structuredContent as { greetings: Array<{ name: string }> }).greetings.map((g) => g.name);
}

/** What the data directory's lock file says: the holder's pid and its socket. */
export function lockOf(dataDir: string): { pid: number; socket: string } {
  return JSON.parse(readFileSync(`${dataDir}.lock`, 'utf8'));
}

/** `connect` on a Unix socket: 'connected', or the error code (ECONNREFUSED for a socket nobody serves). */
export function tryConnect(socket: string): Promise<string> {
  return new Promise((resolve) => {
    const probe = connect(socket);
    probe.once('connect', () => {
      probe.destroy();
      resolve('connected');
    });
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** Polls `condition` every 100 ms until it holds; fails after `timeoutMs` naming `what`. */
export async function eventually(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
