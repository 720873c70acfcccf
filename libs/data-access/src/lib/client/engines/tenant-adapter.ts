/**
 * Tenant sessions for a Prisma driver adapter that has no pool to hook (embedded PGlite, one
 * connection): the same rule as client/tenant-pool.ts, through the adapter interface of
 * `@prisma/driver-adapter-utils`. A statement sent in a tenant scope outside a transaction runs in
 * a transaction that opens its tenant session first — shared with the other tenants' statements
 * waiting meanwhile (group commit, ../group-commit.ts); a transaction started in a tenant scope
 * runs the session statement first. Outside a tenant scope the adapter is used as it is.
 */
import type { IsolationLevel, SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, SqlResultSet, Transaction } from '@prisma/driver-adapter-utils';
import { currentTenant, TENANT_SESSION_SQL, tenantSessionValues } from '../../tenancy/tenant-session';
import { GroupCommit, type GroupItem, type GroupOutcome } from '../group-commit';

const TEXT_ARG = { scalarType: 'string', arity: 'scalar' } as const;

function sessionQuery(tenantId: string): SqlQuery {
  return { sql: TENANT_SESSION_SQL, args: tenantSessionValues(tenantId), argTypes: [TEXT_ARG, TEXT_ARG, TEXT_ARG] };
}

const COMMIT: SqlQuery = { sql: 'COMMIT', args: [], argTypes: [] };
const ROLLBACK: SqlQuery = { sql: 'ROLLBACK', args: [], argTypes: [] };

/** Ends `tx` as Prisma's transaction manager does: adapters without phantom queries need the SQL sent. */
async function end(tx: Transaction, commit: boolean): Promise<void> {
  if (!tx.options.usePhantomQuery) await tx.executeRaw(commit ? COMMIT : ROLLBACK);
  await (commit ? tx.commit() : tx.rollback());
}

/**
 * Runs the tenant session statement in the transaction `tx`. The default sends it through the
 * adapter; an engine may bring a cheaper way to the same statement (pglite-tenant-session.ts).
 */
export type OpenSession = (tx: Transaction, tenantId: string) => Promise<unknown>;

const throughAdapter: OpenSession = (tx, tenantId) => tx.executeRaw(sessionQuery(tenantId));

async function startForTenant(inner: SqlDriverAdapter, openSession: OpenSession, tenantId: string, isolationLevel?: IsolationLevel): Promise<Transaction> {
  const tx = await inner.startTransaction(isolationLevel);
  try {
    await openSession(tx, tenantId);
    return tx;
  } catch (error) {
    await end(tx, false).catch(() => undefined);
    throw error;
  }
}

type Statement = { kind: 'query' | 'execute'; query: SqlQuery };

/** One transaction for the group, each statement after its tenant's session statement. */
async function sendGroup(inner: SqlDriverAdapter, openSession: OpenSession, group: Array<GroupItem<Statement>>): Promise<GroupOutcome<SqlResultSet | number>> {
  const tx = await inner.startTransaction();
  const results: Array<SqlResultSet | number> = [];
  try {
    for (const { tenantId, query } of group) {
      await openSession(tx, tenantId);
      results.push(query.kind === 'query' ? await tx.queryRaw(query.query) : await tx.executeRaw(query.query));
    }
    await end(tx, true);
  } catch (error) {
    await end(tx, false).catch(() => undefined);
    // In-process: a failed transaction is known to be rolled back.
    return { ok: false, error, rolledBack: true };
  }
  return { ok: true, results };
}

function tenantAdapter(inner: SqlDriverAdapter, openSession: OpenSession): SqlDriverAdapter {
  // One connection: one group at a time.
  const statements = new GroupCommit<Statement, SqlResultSet | number>({ concurrency: 1, send: (group) => sendGroup(inner, openSession, group) });
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw(query) {
      const tenantId = currentTenant();
      return tenantId === undefined ? inner.queryRaw(query) : (statements.run(tenantId, { kind: 'query', query }) as Promise<SqlResultSet>);
    },
    executeRaw(query) {
      const tenantId = currentTenant();
      return tenantId === undefined ? inner.executeRaw(query) : (statements.run(tenantId, { kind: 'execute', query }) as Promise<number>);
    },
    startTransaction(isolationLevel) {
      const tenantId = currentTenant();
      return tenantId === undefined ? inner.startTransaction(isolationLevel) : startForTenant(inner, openSession, tenantId, isolationLevel);
    },
    executeScript: (script) => inner.executeScript(script),
    getConnectionInfo: inner.getConnectionInfo ? () => inner.getConnectionInfo?.() ?? { supportsRelationJoins: false } : undefined,
    dispose: () => inner.dispose(),
  };
}

/**
 * `factory`'s adapters, opening a tenant session for statements and transactions run in a tenant
 * scope (`openSession`: how the session statement is sent; by default through the adapter).
 */
export function withTenantSessions(factory: SqlDriverAdapterFactory, openSession: OpenSession = throughAdapter): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => tenantAdapter(await factory.connect(), openSession),
  };
}
