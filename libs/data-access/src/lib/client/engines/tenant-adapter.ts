/**
 * Tenant sessions for a Prisma driver adapter that has no pool to hook (embedded PGlite): the same
 * rule as client/tenant-pool.ts, through the adapter interface of `@prisma/driver-adapter-utils`.
 * A statement sent in a tenant scope outside a transaction runs in a transaction of its own that
 * starts with the session statement; a transaction started in a tenant scope runs the session
 * statement first. Outside a tenant scope the adapter is used as it is.
 */
import type { IsolationLevel, SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import { currentTenant, TENANT_SESSION_SQL, tenantSessionValues } from '../../tenancy/tenant-session';

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

async function startForTenant(inner: SqlDriverAdapter, tenantId: string, isolationLevel?: IsolationLevel): Promise<Transaction> {
  const tx = await inner.startTransaction(isolationLevel);
  try {
    await tx.executeRaw(sessionQuery(tenantId));
    return tx;
  } catch (error) {
    await end(tx, false).catch(() => undefined);
    throw error;
  }
}

async function inOwnTransaction<T>(inner: SqlDriverAdapter, tenantId: string, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  const tx = await startForTenant(inner, tenantId);
  let result: T;
  try {
    result = await fn(tx);
  } catch (error) {
    await end(tx, false).catch(() => undefined);
    throw error;
  }
  await end(tx, true);
  return result;
}

function tenantAdapter(inner: SqlDriverAdapter): SqlDriverAdapter {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    queryRaw(query) {
      const tenantId = currentTenant();
      return tenantId === undefined ? inner.queryRaw(query) : inOwnTransaction(inner, tenantId, (tx) => tx.queryRaw(query));
    },
    executeRaw(query) {
      const tenantId = currentTenant();
      return tenantId === undefined ? inner.executeRaw(query) : inOwnTransaction(inner, tenantId, (tx) => tx.executeRaw(query));
    },
    startTransaction(isolationLevel) {
      const tenantId = currentTenant();
      return tenantId === undefined ? inner.startTransaction(isolationLevel) : startForTenant(inner, tenantId, isolationLevel);
    },
    executeScript: (script) => inner.executeScript(script),
    getConnectionInfo: inner.getConnectionInfo ? () => inner.getConnectionInfo?.() ?? { supportsRelationJoins: false } : undefined,
    dispose: () => inner.dispose(),
  };
}

/** `factory`'s adapters, opening a tenant session for statements and transactions run in a tenant scope. */
export function withTenantSessions(factory: SqlDriverAdapterFactory): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => tenantAdapter(await factory.connect()),
  };
}
