// SessionManager.reserveShared with caps shared beyond this process (here LocalSessionSlots standing for
// another process's view of the same caps: the RedisSessionSlots contract, in memory).
import { createSilentLogger } from '@mcp-factory/shared-util';
import { LocalSessionSlots } from '../shared-state/session-slots';
import { SessionManager } from './session-manager';

const closable = { close: async () => undefined };

function setup(shared: { maxSessions?: number; maxSessionsPerUser?: number }) {
  const sharedSlots = new LocalSessionSlots(shared);
  const manager = new SessionManager({ logger: createSilentLogger(), maxSessions: 100, maxSessionsPerUser: 100, sharedSlots });
  return { sharedSlots, manager };
}

describe('SessionManager.reserveShared', () => {
  it('refuses at the shared caps with the same codes, and gives this process its slot back', async () => {
    const { sharedSlots, manager } = setup({ maxSessions: 3, maxSessionsPerUser: 1 });
    await manager.reserveShared('alice');
    await expect(manager.reserveShared('alice')).rejects.toMatchObject({ code: 'ERR_SESSION_LIMIT_USER' });
    await manager.reserveShared('bob');
    await manager.reserveShared('carol');
    await expect(manager.reserveShared('dave')).rejects.toMatchObject({ code: 'ERR_SESSION_LIMIT_TOTAL' });
    expect(sharedSlots.size).toBe(3);
    // The refused reservations left nothing held here: 100 local slots, 3 pending.
    for (let i = 0; i < 97; i++) manager.reserve(`local-${i}`);
    expect(() => manager.reserve('one-too-many')).toThrow(expect.objectContaining({ code: 'ERR_SESSION_LIMIT_TOTAL' }));
  });

  it('keeps the shared slot while the session lives and frees it once, on removal', async () => {
    const { sharedSlots, manager } = setup({ maxSessionsPerUser: 1 });
    const reservation = await manager.reserveShared('alice');
    manager.add(reservation, { id: 's1', userId: 'alice', kind: 'streamable-http', transport: closable, server: closable });
    reservation.release(); // as openSession's finally may: a no-op once added
    expect(sharedSlots.countForUser('alice')).toBe(1);
    expect(manager.countForUser('alice')).toBe(1);
    expect(manager.remove('s1')).toBe(true);
    await Promise.resolve();
    expect(sharedSlots.countForUser('alice')).toBe(0);
    expect(manager.remove('s1')).toBe(false);
    await manager.reserveShared('alice');
  });

  it('frees the shared slot when the reservation is released before a session exists (a failed creation, a closed listen stream)', async () => {
    const { sharedSlots, manager } = setup({ maxSessionsPerUser: 1 });
    const reservation = await manager.reserveShared('alice');
    reservation.release();
    reservation.release();
    await Promise.resolve();
    expect(sharedSlots.countForUser('alice')).toBe(0);
    const again = await manager.reserveShared('alice');
    expect(again.userId).toBe('alice');
  });

  it('is reserve() when there are no shared caps', async () => {
    const manager = new SessionManager({ logger: createSilentLogger(), maxSessionsPerUser: 1 });
    await manager.reserveShared('alice');
    expect(() => manager.reserve('alice')).toThrow(expect.objectContaining({ code: 'ERR_SESSION_LIMIT_USER' }));
  });
});
