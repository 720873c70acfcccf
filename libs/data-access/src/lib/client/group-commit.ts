/**
 * Group commit of tenants' single statements (both engines: tenant-pool.ts on PostgreSQL,
 * engines/tenant-adapter.ts on PGlite). While every connection is busy, the statements that arrive
 * wait, and the next free connection takes up to MAX_GROUP of them as ONE transaction:
 *
 *   BEGIN; session(t1); statement 1; session(t2); statement 2; …; COMMIT
 *
 * Each statement runs right after its own tenant session (transaction-local role and tenant, set
 * again for every statement), and each caller gets its result only after COMMIT has answered. One
 * commit (one WAL flush) and, on PostgreSQL, one round trip serve the whole group. With a free
 * connection a statement goes at once, alone.
 *
 * A failure anywhere rolls the group back as a whole (nothing of it is committed), so each
 * statement of the group is then run again on its own: the one that failed gets its own error, the
 * others succeed, exactly as if they had never been grouped. When the outcome of COMMIT is unknown
 * (the connection broke) nothing is retried and every caller of the group gets that error.
 */

/** The most statements one group commit carries. */
export const MAX_GROUP = 16;

/** What sending one group came to. */
export type GroupOutcome<R> =
  | { ok: true; results: R[] }
  /** `rolledBack`: nothing of the group was committed, so its statements may be run again one by one. */
  | { ok: false; error: unknown; rolledBack: boolean };

export interface GroupItem<Q> {
  tenantId: string;
  query: Q;
}

interface Waiting<Q, R> extends GroupItem<Q> {
  /** Retried after its group failed: goes alone. */
  alone: boolean;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export class GroupCommit<Q, R> {
  private readonly waiting: Array<Waiting<Q, R>> = [];
  private sending = 0;

  constructor(
    private readonly options: {
      /** Groups in flight at most (the connections there are). */
      concurrency: number;
      /** Statements per group at most (default MAX_GROUP; 1 turns grouping off). */
      maxGroup?: number;
      /** Runs the group in one transaction, each query after its tenant's session statement. */
      send(group: Array<GroupItem<Q>>): Promise<GroupOutcome<R>>;
    },
  ) {}

  /** `query` for `tenantId`, committed; its result. */
  run(tenantId: string, query: Q): Promise<R> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ tenantId, query, alone: false, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.waiting.length > 0 && this.sending < this.options.concurrency) {
      const group = this.take();
      this.sending++;
      void this.dispatch(group).finally(() => {
        this.sending--;
        this.pump();
      });
    }
  }

  private take(): Array<Waiting<Q, R>> {
    const first = this.waiting.shift() as Waiting<Q, R>;
    const group = [first];
    if (first.alone) return group;
    const max = this.options.maxGroup ?? MAX_GROUP;
    while (group.length < max && this.waiting.length > 0 && !this.waiting[0].alone) group.push(this.waiting.shift() as Waiting<Q, R>);
    return group;
  }

  private async dispatch(group: Array<Waiting<Q, R>>): Promise<void> {
    let outcome: GroupOutcome<R>;
    try {
      outcome = await this.options.send(group);
    } catch (error) {
      outcome = { ok: false, error, rolledBack: false };
    }
    if (outcome.ok) {
      group.forEach((w, i) => w.resolve(outcome.results[i]));
    } else if (group.length === 1 || !outcome.rolledBack) {
      for (const w of group) w.reject(outcome.error);
    } else {
      for (const w of group) w.alone = true;
      this.waiting.unshift(...group);
    }
  }
}
