/**
 * A pg Pool that saves the round trips of tenant sessions (see tenancy/tenant-session.ts).
 *
 * `@prisma/adapter-pg` runs a batch `$transaction` as BEGIN, then each statement, then COMMIT,
 * one round trip each, so a scoped model operation (session statement + query) cost four. The
 * clients this pool hands out (promise `connect()`, which is what the adapter uses for
 * transactions) defer the adapter's `BEGIN` and the exact session statement that follows it, answer
 * both at once, and send them with the transaction's next statement as ONE extended-protocol
 * segment (Parse/Bind/Execute × 3, then a single Sync):
 *
 *   - any error in the segment makes PostgreSQL skip the rest up to the Sync, so the query never
 *     runs without the role and tenant setting (fail closed); a failed BEGIN skips everything;
 *   - the tenant id stays a bound parameter (no SQL is built from it);
 *   - an empty transaction (BEGIN … COMMIT/ROLLBACK with nothing in between) sends nothing.
 *
 * Scoped operation (write): [BEGIN, session, query] + COMMIT = 2 round trips instead of 4.
 * Scoped read (session statement marked TENANT_READ_SESSION_SQL): every SELECT is sent as
 * [session, SELECT] + Sync, one implicit transaction, so the settings end at the Sync exactly as
 * they would at COMMIT; BEGIN and COMMIT are never sent: 1 round trip instead of 4. A statement
 * that is not a SELECT in such a session opens a real transaction (BEGIN is prefixed) instead.
 *
 * Everything else (migrations, `pool.query`, other transactions after their first statement) is
 * passed to pg untouched.
 */
import { Pool, Query, type PoolClient, type QueryResult } from 'pg';
import { APP_ROLE, TENANT_READ_SESSION_SQL, TENANT_SESSION_SQL, TENANT_SETTING } from '../tenancy/tenant-session';

/** pg's own Query: parses rows exactly as an ordinary `client.query` would (rowMode, custom types). */
const PgQuery = Query as unknown as new (config: unknown) => PgQueryInternals;

/** The parts of pg's Connection a segment writes to (pg/lib/connection.js). */
interface PgConnection {
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
  stream: { cork?(): void; uncork?(): void };
  parse(config: { text: string; name?: string; types?: unknown[] }): void;
  bind(config: { values: unknown[] }): void;
  execute(config: Record<string, never>): void;
}

type Callback = (error: Error | null, result?: QueryResult) => void;

/** The parts of pg's Query (pg/lib/query.js) a segment drives. */
interface PgQueryInternals {
  text: string;
  name?: string;
  values?: unknown[];
  callback?: Callback;
  _result: unknown;
  hasBeenParsed(connection: PgConnection): boolean;
  prepare(connection: PgConnection): void;
  handleRowDescription(message: unknown): void;
  handleDataRow(message: unknown): void;
  handleCommandComplete(message: unknown, connection: PgConnection): void;
  handleEmptyQuery(connection: PgConnection): void;
  handlePortalSuspended(connection: PgConnection): void;
  handleCopyInResponse(connection: PgConnection): void;
  handleCopyData(message: unknown, connection: PgConnection): void;
  handleError(error: Error, connection: PgConnection): void;
  handleReadyForQuery(connection: PgConnection): void;
}

export interface Statement {
  text: string;
  values: unknown[];
}

const BEGIN: Statement = { text: 'BEGIN', values: [] };

/**
 * A pg "submittable" that sends `prefix` statements and then `inner` as one Sync segment, swallows
 * the prefix's responses (one CommandComplete each, plus DataRows: no Describe is sent for them)
 * and hands everything after to `inner`, so the caller gets exactly the result pg would give.
 */
class SegmentQuery {
  callback?: Callback;
  /** Prefix statements whose CommandComplete has not arrived yet. */
  private pending: number;
  /** Whether this segment carries the Parse of inner's named statement (pg records it as submitted). */
  private parsesNamed = false;

  constructor(
    private readonly prefix: Statement[],
    private readonly inner: PgQueryInternals,
  ) {
    this.pending = prefix.length;
    inner.callback = (error, result) => this.callback?.(error, result);
  }

  /**
   * pg's client records `name` as prepared on ParseComplete and forgets it on error: hide it until
   * the prefix is done, so the prefix's ParseCompletes are not taken for inner's.
   */
  get name(): string | undefined {
    return this.pending === 0 ? this.inner.name : undefined;
  }
  get text(): string {
    return this.inner.text;
  }
  /** pg's client sets its type parsers on this when the query brings none. */
  get _result(): unknown {
    return this.inner._result;
  }

  submit(connection: PgConnection): Error | null {
    const invalid = validate(this.inner, connection);
    if (invalid) return invalid;
    this.parsesNamed = Boolean(this.inner.name) && !this.inner.hasBeenParsed(connection);
    connection.stream.cork?.();
    try {
      for (const statement of this.prefix) {
        connection.parse({ text: statement.text, types: [] });
        connection.bind({ values: statement.values });
        connection.execute({});
      }
      // pg's own extended-protocol path for inner: Parse (unless prepared), Bind, Describe, Execute, Sync.
      this.inner.prepare(connection);
    } finally {
      connection.stream.uncork?.();
    }
    return null;
  }

  handleRowDescription(message: unknown): void {
    if (this.pending === 0) this.inner.handleRowDescription(message);
  }
  handleDataRow(message: unknown): void {
    if (this.pending === 0) this.inner.handleDataRow(message);
  }
  handleCommandComplete(message: unknown, connection: PgConnection): void {
    if (this.pending > 0) this.pending--;
    else this.inner.handleCommandComplete(message, connection);
  }
  handleEmptyQuery(connection: PgConnection): void {
    this.inner.handleEmptyQuery(connection);
  }
  handlePortalSuspended(connection: PgConnection): void {
    this.inner.handlePortalSuspended(connection);
  }
  handleCopyInResponse(connection: PgConnection): void {
    this.inner.handleCopyInResponse(connection);
  }
  handleCopyData(message: unknown, connection: PgConnection): void {
    this.inner.handleCopyData(message, connection);
  }
  handleError(error: Error, connection: PgConnection): void {
    // An error in the prefix skipped inner's Parse too: it must not count as submitted.
    if (this.pending > 0 && this.parsesNamed && this.inner.name) delete connection.submittedNamedStatements[this.inner.name];
    this.inner.handleError(error, connection);
  }
  handleReadyForQuery(connection: PgConnection): void {
    if (this.pending > 0) {
      this.pending = 0;
      this.inner.handleError(new Error('The tenant session prefix ended without completing'), connection);
      return;
    }
    this.inner.handleReadyForQuery(connection);
  }
}

/** pg Query.submit's own checks, made before anything is written. */
function validate(query: PgQueryInternals, connection: PgConnection): Error | null {
  if (typeof query.text !== 'string' && typeof query.name !== 'string') return new Error('A query must have either text or a name. Supplying neither is unsupported.');
  const previous = query.name === undefined ? undefined : (connection.parsedStatements[query.name] ?? connection.submittedNamedStatements[query.name]);
  if (query.text && previous && query.text !== previous) return new Error(`Prepared statements must be unique - '${query.name}' was used for a different statement`);
  if (query.values && !Array.isArray(query.values)) return new Error('Query values must be an array');
  return null;
}

type Mode =
  /** Checked out; nothing sent yet. */
  | { kind: 'idle' }
  /** The adapter's BEGIN was answered but not sent. */
  | { kind: 'begun' }
  /** BEGIN and the session statement were answered but not sent. */
  | { kind: 'session'; session: Statement; read: boolean }
  /** Not ours (or the transaction is under way on the server): pass everything to pg. */
  | { kind: 'passthrough' };

interface ClientState {
  /** Only clients checked out through the promise `connect()` (the adapter's transactions) are handled. */
  armed: boolean;
  mode: Mode;
  query: PoolClient['query'];
}

const states = new WeakMap<PoolClient, ClientState>();

function fakeResult(command: string, rowCount: number | null): QueryResult {
  return { command, rowCount, oid: 0, rows: [], fields: [] };
}

function isSessionStatement(text: string, values: unknown): values is [string, string, string] {
  return (
    (text === TENANT_SESSION_SQL || text === TENANT_READ_SESSION_SQL) &&
    Array.isArray(values) &&
    values.length === 3 &&
    values[0] === APP_ROLE &&
    values[1] === TENANT_SETTING &&
    typeof values[2] === 'string'
  );
}

const SELECT = /^\s*select\b/i;

/** The statement text and values of a query the adapter sent (`{ text, values, name, rowMode, types }`). */
function plainQuery(config: unknown, values: unknown, callback: unknown): { text: string; values: unknown[] } | undefined {
  if (values !== undefined || callback !== undefined || typeof config !== 'object' || config === null) return undefined;
  const c = config as { text?: unknown; values?: unknown; submit?: unknown; callback?: unknown };
  if (typeof c.submit === 'function' || c.callback !== undefined || typeof c.text !== 'string') return undefined;
  if (c.values !== undefined && !Array.isArray(c.values)) return undefined;
  return { text: c.text, values: (c.values as unknown[] | undefined) ?? [] };
}

/**
 * Sends `prefix` and then `config` (a `client.query` config) as one Sync segment through `send`
 * (an unwrapped `client.query`), resolving with `config`'s result. Exported for the specs.
 */
export function sendSegment(send: (query: unknown) => unknown, prefix: Statement[], config: unknown): Promise<QueryResult> {
  return new Promise((resolve, reject) => {
    const segment = new SegmentQuery(prefix, new PgQuery(config));
    let settled = false;
    segment.callback = (error, result) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve(result as QueryResult);
    };
    send(segment);
  });
}

function handleQuery(state: ClientState, config: unknown, values: unknown, callback: unknown): unknown {
  const mode = state.mode;
  const send = state.query as (...args: unknown[]) => unknown;
  if (!state.armed || mode.kind === 'passthrough') return send(config, values, callback);
  const plain = plainQuery(config, values, callback);
  if (!plain) {
    if (mode.kind === 'idle') {
      state.mode = { kind: 'passthrough' };
      return send(config, values, callback);
    }
    // The adapter never sends other shapes inside a transaction; refuse rather than guess.
    state.mode = { kind: 'passthrough' };
    return Promise.reject(new Error('Unsupported query shape inside a deferred tenant transaction'));
  }
  const { text } = plain;
  const ends = text === 'COMMIT' || text === 'ROLLBACK';
  switch (mode.kind) {
    case 'idle':
      if (text === 'BEGIN' && plain.values.length === 0) {
        state.mode = { kind: 'begun' };
        return Promise.resolve(fakeResult('BEGIN', null));
      }
      state.mode = { kind: 'passthrough' };
      return send(config);
    case 'begun':
      if (isSessionStatement(text, plain.values)) {
        state.mode = { kind: 'session', session: { text: TENANT_SESSION_SQL, values: plain.values }, read: text === TENANT_READ_SESSION_SQL };
        return Promise.resolve(fakeResult('SELECT', 1));
      }
      if (ends) {
        // Nothing was sent: nothing to end.
        state.mode = { kind: 'idle' };
        return Promise.resolve(fakeResult(text, null));
      }
      state.mode = { kind: 'passthrough' };
      return sendSegment(send, [BEGIN], config);
    case 'session':
      if (ends) {
        // Reads ran in implicit transactions that ended at their Sync; or nothing was sent at all.
        state.mode = { kind: 'idle' };
        return Promise.resolve(fakeResult(text, null));
      }
      if (mode.read && SELECT.test(text)) return sendSegment(send, [mode.session], config);
      state.mode = { kind: 'passthrough' };
      return sendSegment(send, [BEGIN, mode.session], config);
  }
}

function arm(client: PoolClient): PoolClient {
  let state = states.get(client);
  if (!state) {
    const created: ClientState = { armed: false, mode: { kind: 'idle' }, query: client.query.bind(client) as PoolClient['query'] };
    state = created;
    states.set(client, created);
    client.query = ((config: unknown, values?: unknown, callback?: unknown) => handleQuery(created, config, values, callback)) as PoolClient['query'];
  }
  const armed = state;
  armed.armed = true;
  armed.mode = { kind: 'idle' };
  // pg-pool assigns `release` at every checkout.
  const release = client.release.bind(client);
  client.release = (error?: Error | boolean) => {
    armed.armed = false;
    armed.mode = { kind: 'idle' };
    return release(error);
  };
  return client;
}

/**
 * A pg Pool whose promise-`connect()` clients save the tenant-session round trips (see above).
 * Give it to `PrismaPg`; it is an ordinary Pool otherwise.
 */
export class TenantSessionPool extends Pool {
  override connect(): Promise<PoolClient>;
  override connect(callback: (error: Error | undefined, client: PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (error: Error | undefined, client: PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<PoolClient> | void {
    if (callback) return super.connect(callback);
    return super.connect().then(arm);
  }
}
