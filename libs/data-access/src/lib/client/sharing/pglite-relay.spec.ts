import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createSilentLogger } from '@mcp-factory/shared-util';
import { Client } from 'pg';
import { PgliteRelay } from './pglite-relay';

describe('PgliteRelay: one PGlite, many PostgreSQL clients', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mcpf-relay-'));
  const socket = path.join(dir, '.s.PGSQL.5432');
  let pglite: PGlite;
  let relay: PgliteRelay;
  let fatal: unknown;
  const clients: Client[] = [];

  beforeAll(async () => {
    pglite = await PGlite.create();
    await pglite.exec('CREATE TABLE item (id serial PRIMARY KEY, label text NOT NULL)');
    relay = new PgliteRelay(pglite, { path: socket, logger: createSilentLogger(), holdIdleTimeoutMs: 300, maxConnections: 8, onFatal: (error) => (fatal = error) });
    await relay.listen();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    await relay?.stop();
    await pglite?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function client(): Promise<Client> {
    const created = new Client({ host: dir, port: 5432, user: 'postgres', database: 'postgres' });
    created.on('error', () => undefined); // an expelled client reports here; the spec reads the query's error
    clients.push(created);
    await created.connect();
    return created;
  }

  afterEach(async () => {
    await pglite.exec('TRUNCATE item');
    expect(fatal).toBeUndefined();
  });

  it('listens on a socket only its owner can open', () => {
    expect(statSync(socket).mode & 0o777).toBe(0o600);
  });

  it('never interleaves two clients’ extended-protocol batches (each keeps its own unnamed statement)', async () => {
    const [a, b] = await Promise.all([client(), client()]);
    const runA = Array.from({ length: 150 }, async (_, i) => (await a.query('SELECT $1::int * 2 AS doubled', [i])).rows[0]);
    const runB = Array.from({ length: 150 }, async (_, i) => (await b.query("SELECT $1::text || '!' AS shout, 7 AS seven", [`b${i}`])).rows[0]);
    const [fromA, fromB] = await Promise.all([Promise.all(runA), Promise.all(runB)]);
    expect(fromA).toEqual(Array.from({ length: 150 }, (_, i) => ({ doubled: i * 2 })));
    expect(fromB).toEqual(Array.from({ length: 150 }, (_, i) => ({ shout: `b${i}!`, seven: 7 })));
  });

  it('gives a transaction the database to itself: another client runs after it, never inside it', async () => {
    const [a, b] = await Promise.all([client(), client()]);
    await a.query('BEGIN');
    await a.query("INSERT INTO item (label) VALUES ('uncommitted')");
    // Had b's statement run inside a's transaction (one PGlite session), it would count a's row.
    const counted = b.query('SELECT count(*)::int AS n FROM item');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await a.query('ROLLBACK');
    expect((await counted).rows[0]).toEqual({ n: 0 });
  });

  it('rolls back and moves on when a client holding a transaction disconnects', async () => {
    const b = await client();
    const raw = await rawConnection(socket);
    raw.write(startupPacket({ user: 'postgres' }));
    await readUntilReady(raw);
    raw.write(queryMessage("BEGIN; INSERT INTO item (label) VALUES ('lost')"));
    expect((await readUntilReady(raw)).includes(Buffer.from('Z\0\0\0\x05T'))).toBe(true);
    const counted = b.query('SELECT count(*)::int AS n FROM item');
    raw.destroy();
    expect((await counted).rows[0]).toEqual({ n: 0 });
    expect((await b.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('expels a client that holds the database and goes quiet, so it cannot wedge the others', async () => {
    const [a, b] = await Promise.all([client(), client()]);
    await a.query('BEGIN');
    await a.query("INSERT INTO item (label) VALUES ('stalled')");
    // a now sends nothing; b waits behind it until the relay gives up on a (holdIdleTimeoutMs).
    expect((await b.query('SELECT count(*)::int AS n FROM item')).rows[0]).toEqual({ n: 0 });
    await expect(a.query('COMMIT')).rejects.toThrow(/held the shared embedded database without sending anything|Connection terminated|not queryable/);
  });

  it('refuses what would stop PGlite itself: a bad message type gets FATAL, the database keeps serving', async () => {
    const raw = await rawConnection(socket);
    raw.write(Buffer.from([0, 0, 0, 8, 4, 0xd2, 0x16, 0x2f])); // SSLRequest
    expect((await nextData(raw)).toString()).toBe('N');
    raw.write(startupPacket({ user: '', database: '' })); // an empty user ends a single-user backend; the relay sends its own
    expect((await readUntilReady(raw)).includes(Buffer.from('Z\0\0\0\x05I'))).toBe(true);
    raw.write(Buffer.from([0x7a, 0, 0, 0, 4])); // no such message type
    const answer = await readUntilClosed(raw);
    expect(answer.toString('latin1')).toContain('invalid frontend message type 122');
    const b = await client();
    expect((await b.query('SELECT 41 + 1 AS n')).rows).toEqual([{ n: 42 }]);
  });

  it('refuses connections beyond its limit with SQLSTATE 53300', async () => {
    const small = new PgliteRelay(pglite, { path: path.join(dir, 'small.sock'), logger: createSilentLogger(), maxConnections: 1 });
    await small.listen();
    try {
      const first = await rawConnection(small.path);
      const second = await rawConnection(small.path);
      expect((await readUntilClosed(second)).toString('latin1')).toContain('C53300');
      first.destroy();
    } finally {
      await small.stop();
    }
  });
});

function rawConnection(socket: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const raw = connect(socket, () => resolve(raw));
    raw.once('error', reject);
  });
}

function nextData(raw: Socket): Promise<Buffer> {
  return new Promise((resolve) => raw.once('data', resolve));
}

async function readUntilReady(raw: Socket): Promise<Buffer> {
  let all = Buffer.alloc(0);
  while (!all.includes(Buffer.from('Z\0\0\0\x05'))) all = Buffer.concat([all, await nextData(raw)]);
  return all;
}

function readUntilClosed(raw: Socket): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    raw.on('data', (chunk) => chunks.push(chunk));
    raw.once('close', () => resolve(Buffer.concat(chunks)));
  });
}

function queryMessage(sql: string): Buffer {
  const text = Buffer.from(`${sql}\0`);
  const header = Buffer.from([0x51, 0, 0, 0, 0]);
  header.writeInt32BE(text.length + 4, 1);
  return Buffer.concat([header, text]);
}

function startupPacket(parameters: Record<string, string>): Buffer {
  const body = Buffer.from(`${Object.entries(parameters).map(([k, v]) => `${k}\0${v}\0`).join('')}\0`);
  const header = Buffer.alloc(8);
  header.writeInt32BE(body.length + 8, 0);
  header.writeInt32BE(196608, 4);
  return Buffer.concat([header, body]);
}
