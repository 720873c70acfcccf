import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from './open-database';

const workspace = path.resolve(__dirname, '../../../../..');

interface Outcome {
  held: boolean;
  pid: number;
  code?: string;
  message?: string;
}

/** Starts `count` processes on `dataDir`, lets them all try the lock at the same moment, and collects what each got. */
async function contend(dataDir: string, count: number): Promise<{ outcomes: Outcome[]; release(): Promise<void> }> {
  const children: ChildProcess[] = [];
  const exits: Promise<unknown>[] = [];
  try {
    const ready: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++) {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'lock-contender.fixture.ts'), dataDir], {
        cwd: workspace,
        env: { ...process.env, TSX_TSCONFIG_PATH: path.join(workspace, 'tsconfig.base.json') },
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      children.push(child);
      exits.push(new Promise((resolve) => child.once('exit', resolve)));
      ready.push(new Promise((resolve, reject) => {
        child.once('message', resolve);
        child.once('exit', (code) => reject(new Error(`contender exited with ${code} before it was ready`)));
      }));
    }
    await Promise.all(ready);
    const outcomes = await Promise.all(
      children.map((child) => {
        const outcome = new Promise<Outcome>((resolve) => child.once('message', (m) => resolve(m as Outcome)));
        child.send('go');
        return outcome;
      }),
    );
    return {
      outcomes,
      async release() {
        // The others have disconnected and exit on their own; the holder waits for this.
        outcomes.forEach((outcome, i) => outcome.held && children[i].send('release'));
        await Promise.all(exits);
      },
    };
  } catch (error) {
    for (const child of children) child.kill();
    await Promise.all(exits);
    throw error;
  }
}

/** Exactly one holds the lock; every other got ERR_DB_IN_USE naming the holder's pid. */
function expectOneHolder(outcomes: Outcome[], dataDir: string): number {
  const holders = outcomes.filter((o) => o.held);
  expect(holders).toHaveLength(1);
  const holder = holders[0].pid;
  for (const other of outcomes.filter((o) => !o.held)) {
    expect(other).toMatchObject({
      code: 'ERR_DB_IN_USE',
      message: `The embedded PGlite at ${dataDir} is in use by process ${holder}: close the other app using it, or set MCP_DATA_DIR to another directory`,
    });
  }
  expect(JSON.parse(readFileSync(`${dataDir}.lock`, 'utf8'))).toMatchObject({ pid: holder });
  return holder;
}

describe('embedded data directory: one process at a time, damage reported', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'mcpf-lock-'));
  const template = path.join(root, 'template');
  // initdb once (seconds); each test starts from a copy of the migrated directory.
  beforeAll(async () => (await openDatabase({ engine: 'embedded', dataDir: template })).close(), 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const copyOfTemplate = (name: string) => {
    const dataDir = path.join(root, name);
    cpSync(template, dataDir, { recursive: true });
    return dataDir;
  };

  it('refuses a second open while the first holds it, naming the process, and frees it on close', async () => {
    const dataDir = copyOfTemplate('shared');
    const first = await openDatabase({ engine: 'embedded', dataDir });
    await expect(openDatabase({ engine: 'embedded', dataDir })).rejects.toMatchObject({
      code: 'ERR_DB_IN_USE',
      message: `The embedded PGlite at ${dataDir} is in use by process ${process.pid}: close the other app using it, or set MCP_DATA_DIR to another directory`,
    });
    await first.forTenant('t').note.create({ data: { key: 'k', value: 'kept' } });
    await first.close();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    const again = await openDatabase({ engine: 'embedded', dataDir });
    expect((await again.forTenant('t').note.findMany()).map((n) => n.value)).toEqual(['kept']);
    await again.close();
  }, 60_000);

  it('names another live process holding the lock, and takes over a stale lock once it is gone', async () => {
    const dataDir = copyOfTemplate('other');
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      writeFileSync(`${dataDir}.lock`, JSON.stringify({ pid: holder.pid }));
      await expect(openDatabase({ engine: 'embedded', dataDir })).rejects.toMatchObject({
        code: 'ERR_DB_IN_USE',
        message: expect.stringContaining(`in use by process ${holder.pid}`),
      });
    } finally {
      holder.kill();
      await new Promise((resolve) => holder.once('exit', resolve));
    }
    const database = await openDatabase({ engine: 'embedded', dataDir });
    await database.close();
  }, 60_000);

  it('20 processes at once: exactly one holds the lock, the others get ERR_DB_IN_USE naming it', async () => {
    const dataDir = path.join(root, 'race');
    const race = await contend(dataDir, 20);
    try {
      expectOneHolder(race.outcomes, dataDir);
    } finally {
      await race.release();
    }
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  }, 180_000);

  it('20 processes at once on a stale lock (its process is gone): exactly one takes it over', async () => {
    const dataDir = path.join(root, 'stale-race');
    mkdirSync(dataDir);
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => gone.once('exit', resolve));
    writeFileSync(`${dataDir}.lock`, JSON.stringify({ pid: gone.pid, since: new Date().toISOString(), nonce: 'stale' }));
    const race = await contend(dataDir, 20);
    try {
      expectOneHolder(race.outcomes, dataDir);
    } finally {
      await race.release();
    }
    expect(existsSync(`${dataDir}.lock.takeover`)).toBe(false);
  }, 180_000);

  it('reports a damaged data directory with its path and how to recover', async () => {
    const dataDir = copyOfTemplate('damaged');
    truncateSync(path.join(dataDir, 'global', 'pg_control'), 10);
    const error = await openDatabase({ engine: 'embedded', dataDir }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_DB_UNAVAILABLE' });
    expect((error as Error).message).toContain(`Cannot open embedded PGlite at ${dataDir}: `);
    expect((error as Error).message).toContain(`move it aside (mv "${dataDir}" "${dataDir}.damaged")`);
    // The failed open released its lock: a repaired directory can be opened by the next attempt.
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  }, 60_000);
});
