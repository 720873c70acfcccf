import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../open-database';

const lockOf = (dataDir: string) => JSON.parse(readFileSync(`${dataDir}.lock`, 'utf8')) as { pid: number; nonce: string; socket?: string };

/** Calls `fn` until it succeeds; every failure on the way must be a retryable ERR_DB_UNAVAILABLE saying so. */
async function untilServed<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      expect(error).toMatchObject({ code: 'ERR_DB_UNAVAILABLE', message: expect.stringMatching(/retry/) });
      if (attempt > 300) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('embedded data directory shared by several processes (share: true)', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'mcpf-share-'));
  const template = path.join(root, 'template');
  // initdb once; each test starts from a copy of the migrated directory.
  beforeAll(async () => (await openDatabase({ engine: 'embedded', dataDir: template })).close(), 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const copyOfTemplate = (name: string) => {
    const dataDir = path.join(root, name);
    cpSync(template, dataDir, { recursive: true });
    return dataDir;
  };
  const open: Database[] = [];
  const share = async (dataDir: string, extra: { socketFallbackDir?: string } = {}) => {
    const database = await openDatabase({ engine: 'embedded', dataDir, share: true, ...extra });
    open.push(database);
    return database;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((database) => database.close()));
  });

  it('a second opener becomes a guest of the first: same rows per tenant, nothing of other tenants, RLS as on the host', async () => {
    const dataDir = copyOfTemplate('two');
    const host = await share(dataDir);
    const guest = await share(dataDir);
    const { socket } = lockOf(dataDir);
    expect(socket).toBe(path.join(dataDir, '.s.PGSQL.5432'));
    expect(statSync(socket as string).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);

    await host.forTenant('alice').greeting.create({ data: { name: 'A', message: 'from the host' } });
    await guest.forTenant('alice').greeting.create({ data: { name: 'A', message: 'from the guest' } });
    await guest.forTenant('bob').greeting.create({ data: { name: 'B', message: 'bob only' } });
    const messages = async (database: Database, tenant: string) => (await database.forTenant(tenant).greeting.findMany({ orderBy: { message: 'asc' } })).map((g) => g.message);
    expect(await messages(guest, 'alice')).toEqual(['from the guest', 'from the host']);
    expect(await messages(host, 'alice')).toEqual(['from the guest', 'from the host']);
    expect(await messages(host, 'bob')).toEqual(['bob only']);

    // Raw SQL in a guest's tenant transaction: row-level security confines it as on the host.
    const seen = await guest.runAsTenant('bob', (tx) => tx.$queryRawUnsafe<Array<{ n: number }>>('SELECT count(*)::int AS n FROM greeting'));
    expect(seen).toEqual([{ n: 1 }]);
    await expect(guest.forTenant('bob').greeting.create({ data: { tenantId: 'alice', message: 'x' } })).rejects.toMatchObject({ code: 'ERR_TENANT_MISMATCH' });
    await expect(guest.runAsTenant('bob', (tx) => tx.$executeRawUnsafe(`INSERT INTO greeting (tenant_id, message) VALUES ('alice', 'x')`))).rejects.toMatchObject({
      code: 'ERR_TENANT_ACCESS_DENIED',
    });
    expect(await messages(host, 'alice')).toHaveLength(2);
  });

  it('hand-over: when the host closes, the guest takes the directory over with every row intact', async () => {
    const dataDir = copyOfTemplate('handover');
    const host = await share(dataDir);
    const guest = await share(dataDir);
    for (let i = 0; i < 5; i++) await guest.forTenant('carol').note.create({ data: { key: `k${i}`, value: `v${i}` } });
    const before = lockOf(dataDir);
    await host.close();
    const notes = await untilServed(() => guest.forTenant('carol').note.findMany({ orderBy: { key: 'asc' } }));
    expect(notes.map((n) => n.value)).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
    const after = lockOf(dataDir);
    expect(after.nonce).not.toBe(before.nonce);
    expect(after.socket).toBe(before.socket);
    await guest.forTenant('carol').note.create({ data: { key: 'k5', value: 'after' } });
    expect(await guest.forTenant('carol').note.count()).toBe(6);
  });

  it('serves from a private folder in socketFallbackDir when the data directory path is too long for a socket', async () => {
    const deep = path.join(root, 'a'.repeat(60), 'b'.repeat(40));
    mkdirSync(deep, { recursive: true });
    const dataDir = path.join(deep, 'db');
    cpSync(template, dataDir, { recursive: true });
    const fallback = path.join(root, 'run');
    mkdirSync(fallback, { mode: 0o755 });
    const host = await share(dataDir, { socketFallbackDir: fallback });
    const guest = await share(dataDir, { socketFallbackDir: fallback });
    const { socket } = lockOf(dataDir);
    const privateDir = path.join(fallback, `mcp-factory-${process.getuid?.()}`);
    expect(socket?.startsWith(`${privateDir}${path.sep}`)).toBe(true);
    expect(Buffer.byteLength(socket as string)).toBeLessThanOrEqual(103);
    expect(statSync(privateDir).mode & 0o777).toBe(0o700);
    await host.forTenant('dave').greeting.create({ data: { message: 'long way' } });
    expect(await guest.forTenant('dave').greeting.count()).toBe(1);
  });

  it('an app that does not share (no socket in its lock) still means ERR_DB_IN_USE naming it', async () => {
    const dataDir = copyOfTemplate('old-holder');
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(`${dataDir}.lock`, JSON.stringify({ pid: holder.pid, since: new Date().toISOString() }));
      await expect(share(dataDir)).rejects.toMatchObject({
        code: 'ERR_DB_IN_USE',
        message: `The embedded PGlite at ${dataDir} is in use by process ${holder.pid}: close the other app using it, or set MCP_DATA_DIR to another directory`,
      });
    } finally {
      holder.kill();
      await new Promise((resolve) => holder.once('exit', resolve));
    }
  });
});
