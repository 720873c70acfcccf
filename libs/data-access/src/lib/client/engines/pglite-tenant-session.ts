/**
 * The tenant session statement on PGlite in ONE protocol exchange. `PGlite.query` sends an extended
 * query as six separate exchanges with the WebAssembly backend (Parse, Describe statement, Bind,
 * Describe portal, Execute, Sync), each a trip through PGlite's socket callbacks and its message
 * parser; the session statement needs none of the descriptions (it returns nothing we read and its
 * parameters are text). Here Parse + Bind + Execute + Sync go in one buffer through PGlite's public
 * `execProtocolStream`, under `runExclusive` — one exchange instead of six, on every scoped
 * statement (profile: bench/results/p7-pglite-profile.json).
 *
 * Only ever called inside an open transaction (BEGIN already sent): the Sync then ends the pipeline,
 * not the transaction, and the settings stay transaction-local. An error in the statement is thrown
 * (PGlite's DatabaseError) and leaves the transaction aborted, so the caller rolls it back and the
 * tenant's statement never runs without its session.
 */
import type { PGlite } from '@electric-sql/pglite';
import { serialize } from 'pg-protocol';
import { TENANT_SESSION_SQL, tenantSessionValues } from '../../tenancy/tenant-session';

/** `openSession(tenantId)`: runs the tenant session statement in PGlite's current transaction. */
export function pgliteTenantSession(pglite: PGlite): (tenantId: string) => Promise<void> {
  // The unnamed statement is parsed anew each time (as PGlite.query does): nothing to invalidate.
  const parse = serialize.parse({ text: TENANT_SESSION_SQL });
  const execute = serialize.execute({});
  const sync = serialize.sync();
  return async (tenantId) => {
    // Outside a transaction the Sync would commit the settings into the session for good.
    if (!pglite.isInTransaction()) throw new Error('tenant session statement outside a transaction');
    const message = Buffer.concat([parse, serialize.bind({ values: tenantSessionValues(tenantId) }), execute, sync]);
    await pglite.runExclusive(() => pglite.execProtocolStream(message, { syncToFs: false }));
  };
}
