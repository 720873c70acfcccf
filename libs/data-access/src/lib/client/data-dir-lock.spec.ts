import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from './open-database';

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
