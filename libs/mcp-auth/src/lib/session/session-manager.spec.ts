import { createSilentLogger } from '@mcp-factory/shared-util';
import { SessionManager } from './session-manager';

function fakeSession(id: string, userId: string) {
  const closed = { transport: 0, server: 0 };
  return {
    closed,
    session: {
      id,
      userId,
      kind: 'streamable-http' as const,
      transport: { close: async () => void (closed.transport += 1) },
      server: { close: async () => void (closed.server += 1) },
    },
  };
}

describe('SessionManager', () => {
  it('enforces per-user and total limits at reservation time, counting pending ones', () => {
    const manager = new SessionManager({ logger: createSilentLogger(), maxSessions: 3, maxSessionsPerUser: 2 });
    const a1 = manager.reserve('alice');
    manager.reserve('alice');
    expect(() => manager.reserve('alice')).toThrow(expect.objectContaining({ code: 'ERR_SESSION_LIMIT_USER' }));
    manager.reserve('bob');
    expect(() => manager.reserve('carol')).toThrow(expect.objectContaining({ code: 'ERR_SESSION_LIMIT_TOTAL', message: 'Server session capacity reached (limit 3); retry later' }));
    a1.release();
    a1.release();
    expect(() => manager.reserve('carol')).not.toThrow();
  });

  it('adds, removes idempotently and reports counts', () => {
    const changes: number[] = [];
    const manager = new SessionManager({ logger: createSilentLogger(), onCountChange: (_k, d) => changes.push(d) });
    const { session } = fakeSession('s1', 'alice');
    manager.add(manager.reserve('alice'), session);
    expect(manager.get('s1')?.userId).toBe('alice');
    expect(manager.countForUser('alice')).toBe(1);
    expect(manager.remove('s1')).toBe(true);
    expect(manager.remove('s1')).toBe(false);
    expect(changes).toEqual([1, -1]);
    expect(manager.countForUser('alice')).toBe(0);
  });

  it('evicts idle, not busy, sessions and closes transport and server', async () => {
    let now = 1000;
    const manager = new SessionManager({ logger: createSilentLogger(), idleTimeoutMs: 100, now: () => now });
    const idle = fakeSession('idle', 'alice');
    const busy = fakeSession('busy', 'bob');
    manager.add(manager.reserve('alice'), idle.session);
    manager.add(manager.reserve('bob'), busy.session).inFlight = 1;
    now += 200;
    expect(await manager.evictIdle()).toBe(1);
    expect(idle.closed).toEqual({ transport: 1, server: 1 });
    expect(manager.get('busy')).toBeDefined();
    await manager.closeAll();
    expect(busy.closed).toEqual({ transport: 1, server: 1 });
    expect(manager.size).toBe(0);
  });

  it('restarts the idle clock when the last call ends, not when it began', async () => {
    let now = 1000;
    const manager = new SessionManager({ logger: createSilentLogger(), idleTimeoutMs: 100, now: () => now });
    const long = manager.add(manager.reserve('alice'), fakeSession('long', 'alice').session);
    manager.countCall(long, 1);
    now += 500; // a call five times the idle timeout
    expect(await manager.evictIdle()).toBe(0);
    manager.countCall(long, -1);
    now += 50;
    expect(await manager.evictIdle()).toBe(0);
    now += 60;
    expect(await manager.evictIdle()).toBe(1);
  });

  it('removes every idle session before closing any: a session whose close is slow does not hold up the others', async () => {
    let now = 1000;
    const manager = new SessionManager({ logger: createSilentLogger(), idleTimeoutMs: 100, now: () => now });
    let finishSlowClose!: () => void;
    const slow = fakeSession('slow', 'alice');
    slow.session.transport.close = () => new Promise<undefined>((resolve) => (finishSlowClose = () => resolve(undefined)));
    manager.add(manager.reserve('alice'), slow.session);
    manager.add(manager.reserve('bob'), fakeSession('other', 'bob').session);
    now += 200;
    const sweep = manager.evictIdle();
    // While the first close is pending, neither session may still be served (and touched back to life).
    expect(manager.get('slow')).toBeUndefined();
    expect(manager.get('other')).toBeUndefined();
    expect(manager.size).toBe(0);
    finishSlowClose();
    expect(await sweep).toBe(2);
  });
});
