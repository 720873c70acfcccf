// Several MCP clients each launch their own copy of the desktop app on one data directory: one copy
// hosts the embedded database, the others use it through its socket, and one of them takes over when
// the host dies. Real processes, real sockets, SIGKILL.
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, greetingNames, hello, launchCopy, lockOf, tryConnect, type Copy } from './support/copies';
import { waitForExit } from './support/process';
import type { Era } from './support/stdio-clients';

/** Calls after the first, once the database is up: a hand-over takes seconds, never a minute. */
const LATER_CALL = { timeout: 60_000 };

describe('several copies of the desktop app on one data directory', () => {
  const root = mkdtempSync(join(tmpdir(), 'mcpf-several-'));
  // Traversable by anyone, so only the app's own modes keep another OS user out (the other-user test).
  chmodSync(root, 0o755);
  const running: Copy[] = [];
  const launch = async (dataDir: string, userId: string, era: Era = 'legacy') => {
    const copy = await launchCopy(dataDir, userId, era);
    running.push(copy);
    return copy;
  };
  afterEach(async () => {
    for (const copy of running.splice(0)) {
      try {
        process.kill(copy.pid, 0);
      } catch {
        continue; // killed by the test
      }
      await copy.close();
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('three copies launched at once (one for a 2026-era client) all serve; one user sees the same greetings in each, another user nothing of them', async () => {
    const dataDir = join(root, 'three');
    const [first, second, other] = await Promise.all([launch(dataDir, 'ada'), launch(dataDir, 'ada', 'modern'), launch(dataDir, 'bob')]);
    const said = await Promise.all([hello(first, 'from-first'), hello(second, 'from-second'), hello(other, 'from-bob')]);
    expect(said).toEqual([
      { ok: true, text: 'Hello, from-first! This server is running for user "ada".' },
      { ok: true, text: 'Hello, from-second! This server is running for user "ada".' },
      { ok: true, text: 'Hello, from-bob! This server is running for user "bob".' },
    ]);
    for (const copy of [first, second]) expect((await greetingNames(copy)).sort()).toEqual(['from-first', 'from-second']);
    expect(await greetingNames(other)).toEqual(['from-bob']);

    // Exactly one of them holds the directory and serves it on a socket inside it, closed to others.
    const { pid, socket } = lockOf(dataDir);
    expect([first.pid, second.pid, other.pid]).toContain(pid);
    expect(socket).toBe(join(dataDir, '.s.PGSQL.5432'));
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(socket).mode & 0o777).toBe(0o600);
  }, 240_000);

  it('SIGKILL the host mid-run: the others keep serving after the hand-over, and every acknowledged greeting is there', async () => {
    const dataDir = join(root, 'kill');
    const copies = await Promise.all(['u0', 'u1', 'u2'].map((user) => launch(dataDir, user, user === 'u1' ? 'modern' : 'legacy')));
    const acknowledged = new Map<string, string[]>(copies.map((copy) => [copy.userId, []]));
    for (const copy of copies) {
      const said = await hello(copy, `${copy.userId}-before`);
      expect(said.ok).toBe(true);
      acknowledged.get(copy.userId)?.push(`${copy.userId}-before`);
    }
    const host = copies.find((copy) => copy.pid === lockOf(dataDir).pid) as Copy;
    const guests = copies.filter((copy) => copy !== host);
    expect(guests).toHaveLength(2);

    // Each guest keeps saying hello while the host is killed under it.
    const retryAnswers: string[] = [];
    let killed = false;
    const afterKill = new Map(guests.map((guest) => [guest.userId, 0]));
    const loops = guests.map(async (guest) => {
      for (let n = 0; (afterKill.get(guest.userId) ?? 0) < 5; n++) {
        const name = `${guest.userId}-${n}`;
        const wasKilled = killed;
        const said = await hello(guest, name, LATER_CALL);
        if (said.ok) {
          acknowledged.get(guest.userId)?.push(name);
          if (wasKilled) afterKill.set(guest.userId, (afterKill.get(guest.userId) ?? 0) + 1);
        } else {
          retryAnswers.push(said.text);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    });
    await eventually('a guest greeting before the kill', () => (acknowledged.get(guests[0].userId)?.length ?? 0) > 1);
    process.kill(host.pid, 'SIGKILL');
    await waitForExit(host.pid);
    killed = true;
    await Promise.all(loops);

    // A call caught in the switch said to retry; none failed otherwise.
    for (const answer of retryAnswers) expect(answer).toMatch(/retry/i);
    const newHost = lockOf(dataDir).pid;
    expect(guests.map((guest) => guest.pid)).toContain(newHost);
    for (const guest of guests) expect(await greetingNames(guest)).toEqual(expect.arrayContaining(acknowledged.get(guest.userId) ?? []));
    // The killed host's user finds its acknowledged greeting through a new copy.
    const again = await launch(dataDir, host.userId);
    expect(await greetingNames(again)).toEqual(acknowledged.get(host.userId));
  }, 300_000);

  it('cleans up the socket a crashed host left behind', async () => {
    const dataDir = join(root, 'stale');
    const crashed = await launch(dataDir, 'ada');
    expect((await hello(crashed, 'before-crash')).ok).toBe(true);
    const { socket } = lockOf(dataDir);
    process.kill(crashed.pid, 'SIGKILL');
    await waitForExit(crashed.pid);
    expect(lstatSync(socket).isSocket()).toBe(true);
    expect(await tryConnect(socket)).toBe('ECONNREFUSED');

    const next = await launch(dataDir, 'ada');
    expect((await hello(next, 'after-crash')).ok).toBe(true);
    expect(lockOf(dataDir)).toMatchObject({ pid: next.pid, socket });
    expect(await tryConnect(socket)).toBe('connected');
    expect((await greetingNames(next)).sort()).toEqual(['after-crash', 'before-crash']);
  }, 240_000);

  it('another OS user cannot connect to the socket', async () => {
    const dataDir = join(root, 'private');
    const copy = await launch(dataDir, 'ada');
    expect((await hello(copy, 'mine')).ok).toBe(true);
    const { socket } = lockOf(dataDir);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(socket).mode & 0o777).toBe(0o600);

    const asNobody = () =>
      spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', CONNECT_AND_REPORT, socket], { encoding: 'utf8', timeout: 30_000 });
    const canSwitchUser = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
    if (!canSwitchUser) return; // not root here: the modes above are what keeps other users out
    expect(asNobody().stdout.trim()).toBe('EACCES');
    // Control: with the modes opened up, the same attempt gets through, so the refusal above was the modes.
    chmodSync(dataDir, 0o755);
    chmodSync(socket, 0o666);
    try {
      expect(asNobody().stdout.trim()).toBe('connected');
    } finally {
      chmodSync(socket, 0o600);
      chmodSync(dataDir, 0o700);
    }
  }, 240_000);
});

/** Run as another user: connects to argv[1] and prints 'connected' or the error code. */
const CONNECT_AND_REPORT = `
const socket = require('node:net').connect(process.argv[1]);
socket.on('connect', () => { console.log('connected'); socket.destroy(); });
socket.on('error', (error) => console.log(error.code));
`;
