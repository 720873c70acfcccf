import { ConfigurationError } from '../errors';
import { assertReplicaId, replicaIdOfSession, replicaSessionIdGenerator } from './replica-session-id';

describe('replica session ids', () => {
  it('prefixes a fresh uuid with the replica id, which routing reads back', () => {
    const next = replicaSessionIdGenerator('mcp-2');
    const [first, second] = [next(), next()];
    expect(first).toMatch(/^mcp-2\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(second).not.toBe(first);
    expect(replicaIdOfSession(first)).toBe('mcp-2');
    // Visible ASCII only, as the MCP spec requires of a session id.
    expect(first).toMatch(/^[\x21-\x7e]+$/);
  });

  it('finds no replica in ids without a valid prefix', () => {
    for (const id of ['3b2c0d4e-aaaa-bbbb-cccc-000000000000', '.abc', 'UPPER.abc', 'a_b.abc', '-r1.abc', '']) expect(replicaIdOfSession(id)).toBeUndefined();
  });

  it('refuses replica ids the balancer could not route on', () => {
    for (const bad of ['', 'r.1', 'R1', '-r1', 'r1-', 'x'.repeat(64), 'r 1']) expect(() => assertReplicaId(bad)).toThrow(ConfigurationError);
    for (const good of ['r1', 'mcp-service-7c9f8d-abcde', 'x'.repeat(63)]) expect(() => assertReplicaId(good)).not.toThrow();
  });
});
