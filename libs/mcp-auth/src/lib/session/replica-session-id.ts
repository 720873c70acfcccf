import { randomUUID } from 'node:crypto';
import { ConfigurationError } from '../errors';

/**
 * A replica id: a DNS label (lower-case letters, digits and `-`, at most 63 characters, so a
 * Kubernetes pod name fits), no `.` (the separator). The balancer routes on it, so it must equal the
 * server name in the balancer's configuration.
 */
export const REPLICA_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Throws `ERR_CONFIGURATION` unless `replicaId` matches {@link REPLICA_ID_PATTERN}. */
export function assertReplicaId(replicaId: string): void {
  if (!REPLICA_ID_PATTERN.test(replicaId)) {
    throw new ConfigurationError(`replica id ${JSON.stringify(replicaId)} must be 1-63 characters of a-z, 0-9 and "-" (not at either end)`);
  }
}

/**
 * Session ids `<replicaId>.<uuid>` for a 2025-era session (`Mcp-Session-Id`, legacy SSE `sessionId`),
 * so a load balancer can send every later request of the session to the replica that holds it
 * (deploy/haproxy/haproxy.cfg routes on the part before the first `.`).
 *
 * @example
 * const sessionIdGenerator = replicaSessionIdGenerator('r1'); // 'r1.3b2c…'
 */
export function replicaSessionIdGenerator(replicaId: string): () => string {
  assertReplicaId(replicaId);
  return () => `${replicaId}.${randomUUID()}`;
}

/** The replica id a session id names, or undefined for an id without one. */
export function replicaIdOfSession(sessionId: string): string | undefined {
  const dot = sessionId.indexOf('.');
  if (dot <= 0) return undefined;
  const replicaId = sessionId.slice(0, dot);
  return REPLICA_ID_PATTERN.test(replicaId) ? replicaId : undefined;
}
