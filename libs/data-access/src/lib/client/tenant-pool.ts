/**
 * A pg Pool that opens a tenant session in the same round trip as the tenant's statement, through
 * pg's public pipelining (`pipeline: true`: queries issued together are written together, each
 * answered in order). The tenant comes from the call chain (tenancy/tenant-session.ts), set by the
 * tenant extension around one Prisma operation.
 *
 * - A statement Prisma sends outside a transaction (`pool.query`, how `@prisma/adapter-pg` runs a
 *   single-statement operation) is sent as BEGIN, the session statement, the statement, COMMIT —
 *   four queries, one round trip (several tenants' statements share one when the pool is busy:
 *   group commit, group-commit.ts). The caller gets the statement's result once COMMIT has
 *   answered. An error in the session statement aborts the transaction, so the statement is refused
 *   ("current transaction is aborted") and never runs without its role and tenant (fail closed);
 *   COMMIT then rolls back. The tenant stays a bound parameter.
 * - A transaction Prisma starts (`pool.connect()`: an operation that needs several statements,
 *   `runAsTenant`, a scoped `findUnique`) gets the session statement sent with its BEGIN.
 *
 * pg writes every protocol message on its own (five per query); the pool's clients own their socket
 * (pg's `stream` option) so a tenant's queries are corked into one write.
 *
 * Everything outside a tenant scope (migrations, the unscoped client, the login check) is an
 * ordinary pg Pool. Every setting is transaction-local, so a connection goes back to the pool with
 * no role and no tenant, and nothing here needs a session to outlive a transaction (PgBouncer in
 * transaction mode keeps it working; see docs/postgres-roles.md).
 */
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Client, Pool, type ClientConfig, type PoolClient, type PoolConfig, type QueryConfig, type QueryResult } from 'pg';
import { currentTenant, TENANT_SESSION_SQL, tenantSessionValues } from '../tenancy/tenant-session';
import { GroupCommit, type GroupItem, type GroupOutcome } from './group-commit';

export interface TenantSessionPoolConfig extends PoolConfig {
  /**
   * Prepare the session statement once per connection under this name (saves a parse per call).
   * Leave it out behind PgBouncer in transaction mode older than 1.21, which cannot keep named statements.
   */
  sessionStatementName?: string;
}

/** The query config object `@prisma/adapter-pg` passes (`{ name, text, values, rowMode, types }`), not a string or a callback form. */
function isConfigObject(args: unknown[]): args is [QueryConfig] {
  const [config] = args;
  return args.length === 1 && typeof config === 'object' && config !== null && typeof (config as { text?: unknown }).text === 'string' && typeof (config as { submit?: unknown }).submit !== 'function';
}

/** A pg Client on a socket it made itself (pg's `stream` option), so that it may cork it. */
class SocketOwningClient extends Client {
  readonly socket: Duplex;

  constructor(config: ClientConfig = {}) {
    const given = config.stream as Duplex | ((config: ClientConfig) => Duplex) | undefined;
    const socket = typeof given === 'function' ? given(config) : (given ?? new Socket());
    super({ ...config, stream: () => socket });
    this.socket = socket;
  }

  /** Runs `send` with the socket corked: what it writes leaves in one write. */
  corked<T>(send: () => T): T {
    this.socket.cork();
    try {
      return send();
    } finally {
      this.socket.uncork();
    }
  }
}

/** A pg error from the server: the transaction failed, the connection is fine. */
function isServerError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' && 'severity' in error;
}

export class TenantSessionPool extends Pool {
  private readonly sessionStatementName: string | undefined;
  private readonly statements: GroupCommit<QueryConfig, QueryResult>;

  constructor({ sessionStatementName, ...config }: TenantSessionPoolConfig) {
    super({ ...config, pipeline: true, Client: SocketOwningClient });
    this.sessionStatementName = sessionStatementName;
    this.statements = new GroupCommit({ concurrency: config.max ?? 10, send: (group) => this.sendGroup(group) });
  }

  // pg's overloads; only the promise form with a config object is handled here.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const tenantId = currentTenant();
    if (tenantId === undefined || !isConfigObject(args)) return (super.query as (...a: unknown[]) => unknown)(...args);
    return this.statements.run(tenantId, args[0]);
  }

  override connect(): Promise<PoolClient>;
  override connect(callback: (error: Error | undefined, client: PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (error: Error | undefined, client: PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<PoolClient> | void {
    if (callback) return super.connect(callback);
    const tenantId = currentTenant();
    return tenantId === undefined ? super.connect() : super.connect().then((client) => this.openSessionWithBegin(client, tenantId));
  }

  /** BEGIN, each statement after its session, COMMIT: one write, one round trip (group-commit.ts). */
  private async sendGroup(group: Array<GroupItem<QueryConfig>>): Promise<GroupOutcome<QueryResult>> {
    const client = (await super.connect()) as PoolClient & SocketOwningClient;
    // A connection that breaks mid-call fails the queries; unheard, its 'error' event would crash the process.
    const ignore = () => undefined;
    client.on('error', ignore);
    const sent = client.corked(() => [
      client.query('BEGIN'),
      ...group.flatMap((item) => [client.query(this.session(item.tenantId)), client.query(item.query)]),
      client.query('COMMIT'),
    ]);
    const settled = await Promise.allSettled(sent);
    client.off('error', ignore);
    // The first failure is the cause: after it the transaction is aborted and the rest fail with it.
    const failure = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    // A server error means the transaction was rolled back and the connection is fine; anything else breaks it.
    const rolledBack = failure !== undefined && isServerError(failure.reason);
    client.release(failure && !rolledBack ? (failure.reason as Error) : undefined);
    if (failure) return { ok: false, error: failure.reason, rolledBack };
    return { ok: true, results: group.map((_, i) => (settled[2 + 2 * i] as PromiseFulfilledResult<QueryResult>).value) };
  }

  private session(tenantId: string): QueryConfig {
    return { name: this.sessionStatementName, text: TENANT_SESSION_SQL, values: tenantSessionValues(tenantId) };
  }

  /**
   * The client of a transaction started in a tenant scope: its first query must be BEGIN, and the
   * session statement is sent right behind it (same round trip); BEGIN answers once both have.
   */
  private openSessionWithBegin(client: PoolClient, tenantId: string): PoolClient {
    const release = client.release;
    const restore = () => {
      delete (client as { query?: unknown }).query;
      client.release = release;
    };
    client.query = ((...args: unknown[]) => {
      restore();
      if (!isConfigObject(args) || args[0].text.trim().toUpperCase() !== 'BEGIN') {
        return Promise.reject(new Error('A transaction opened for a tenant must start with BEGIN'));
      }
      const [begun, session] = (client as unknown as SocketOwningClient).corked(() => [client.query(args[0]), client.query(this.session(tenantId))]);
      return Promise.allSettled([begun, session]).then(([b, s]) => {
        if (b.status === 'rejected') throw b.reason;
        if (s.status === 'rejected') throw s.reason;
        return b.value;
      });
    }) as PoolClient['query'];
    client.release = ((error?: Error | boolean) => {
      restore();
      return release.call(client, error);
    }) as PoolClient['release'];
    return client;
  }
}
