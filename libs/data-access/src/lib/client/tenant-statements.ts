/**
 * Sends tenants' single statements (see tenant-pool.ts) with group commit: while every connection
 * is busy, the statements that arrive wait, and the next free connection takes up to MAX_GROUP of
 * them as ONE transaction, written at once:
 *
 *   BEGIN; session(t1); statement 1; session(t2); statement 2; …; COMMIT
 *
 * Each statement runs right after its own tenant session (transaction-local role and tenant, set
 * again for every statement), and each caller gets its result only after COMMIT has answered. One
 * commit (one WAL flush) and one round trip serve the whole group.
 *
 * A failure anywhere rolls the group back as a whole (nothing of it is committed), so each
 * statement of the group is then run again on its own: the one that failed gets its own error, the
 * others succeed, exactly as if they had never been grouped. When the connection itself breaks the
 * outcome of COMMIT is unknown, so nothing is retried and every caller gets that error. With free
 * connections a statement goes out at once, alone.
 */
import type { PoolClient, QueryConfig, QueryResult } from 'pg';

/** The most statements one group commit carries. */
export const MAX_GROUP = 16;

/** A checked-out connection that can write several queries at once. */
export interface GroupConnection {
  client: PoolClient;
  /** Runs `send` with the connection's socket corked (one write). */
  corked<T>(send: () => T): T;
}

interface Waiting {
  tenantId: string;
  config: QueryConfig;
  /** Retried after its group failed: goes alone. */
  alone: boolean;
  resolve(result: QueryResult): void;
  reject(error: unknown): void;
}

/** A pg error from the server: the transaction failed, the connection is fine. */
export function isServerError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' && 'severity' in error;
}

export class TenantStatements {
  private readonly waiting: Waiting[] = [];
  private sending = 0;

  constructor(
    private readonly options: {
      /** Groups in flight at most: the pool's size. */
      connections: number;
      checkout(): Promise<GroupConnection>;
      session(tenantId: string): QueryConfig;
    },
  ) {}

  /** `config` for `tenantId`, committed; its result. */
  run(tenantId: string, config: QueryConfig): Promise<QueryResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ tenantId, config, alone: false, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.sending < this.options.connections) {
      const group = this.take();
      this.sending++;
      void this.send(group).finally(() => {
        this.sending--;
        this.pump();
      });
    }
  }

  private take(): Waiting[] {
    const first = this.waiting.shift() as Waiting;
    const group = [first];
    if (first.alone) return group;
    while (group.length < MAX_GROUP && this.waiting.length > 0 && !this.waiting[0].alone) group.push(this.waiting.shift() as Waiting);
    return group;
  }

  private async send(group: Waiting[]): Promise<void> {
    let connection: GroupConnection;
    try {
      connection = await this.options.checkout();
    } catch (error) {
      for (const w of group) w.reject(error);
      return;
    }
    const { client } = connection;
    // A connection that breaks mid-call fails the queries; unheard, its 'error' event would crash the process.
    const ignore = () => undefined;
    client.on('error', ignore);
    const sent = connection.corked(() => [
      client.query('BEGIN'),
      ...group.flatMap((w) => [client.query(this.options.session(w.tenantId)), client.query(w.config)]),
      client.query('COMMIT'),
    ]);
    const settled = await Promise.allSettled(sent);
    client.off('error', ignore);
    // The first failure is the cause: after it the transaction is aborted and the rest fail with it.
    const failure = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    const rolledBack = failure !== undefined && isServerError(failure.reason);
    client.release(failure && !rolledBack ? (failure.reason as Error) : undefined);
    if (!failure) {
      group.forEach((w, i) => w.resolve((settled[2 + 2 * i] as PromiseFulfilledResult<QueryResult>).value));
    } else if (group.length === 1 || !rolledBack) {
      for (const w of group) w.reject(failure.reason);
    } else {
      for (const w of group) w.alone = true;
      this.waiting.unshift(...group);
    }
  }
}
