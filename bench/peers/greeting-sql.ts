// What the peers do for hello_computer and list_greetings when they have a database: one plain statement
// through a `pg` Pool of 10, as a hand-written server would (no ORM, no row-level security, no
// transaction). They connect as a superuser, so RLS does not bind them. The tenant is the token's `sub`,
// read without checking the signature (the peers verify nothing; ours verifies every token).
import { Pool } from 'pg';

export const PEER_POOL_SIZE = 10;

export interface PeerGreetings {
  hello(userId: string, name: string | undefined): Promise<string>;
  list(userId: string, limit: number): Promise<string>;
  end(): Promise<void>;
}

export function peerGreetings(databaseUrl: string): PeerGreetings {
  const pool = new Pool({ connectionString: databaseUrl, max: PEER_POOL_SIZE });
  return {
    async hello(userId, name) {
      const message = `Hello, ${name ?? userId}! This server is running for user "${userId}".`;
      await pool.query('INSERT INTO greeting (tenant_id, name, message) VALUES ($1, $2, $3)', [userId, name ?? null, message]);
      return message;
    },
    async list(userId, limit) {
      const { rows } = await pool.query<{ message: string; created_at: Date }>(
        'SELECT name, message, created_at FROM greeting WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT $2',
        [userId, limit],
      );
      return rows.length ? rows.map((g) => `${g.created_at.toISOString()} ${g.message}`).join('\n') : 'No greetings yet.';
    },
    end: () => pool.end(),
  };
}

/** The `sub` of a bearer token, unverified (`anonymous` when there is none). */
export function unverifiedSub(authorization: string | string[] | undefined): string {
  const token = typeof authorization === 'string' ? authorization.replace(/^Bearer /, '') : '';
  try {
    const sub = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: unknown }).sub;
    return typeof sub === 'string' && sub ? sub : 'anonymous';
  } catch {
    return 'anonymous';
  }
}
