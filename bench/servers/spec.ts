/** What bench/servers/main.ts starts in a child process. */
export type ServerSpec =
  | {
      kind: 'ours';
      stateless: boolean;
      enableJsonResponse: boolean;
      /** PostgreSQL URL; omitted → no database (echo only) unless embeddedDataDir is given. */
      databaseUrl?: string;
      /** The owner login's URL: migrations run there (the service's MIGRATION_DATABASE_URL). */
      migrationUrl?: string;
      /** Refuse a privileged login at start, as the service does (proves the runtime login is least-privilege). */
      leastPrivilege?: boolean;
      /** Embedded PGlite on this data directory (the service's default without DATABASE_URL). */
      embeddedDataDir?: string;
      poolSize?: number;
      /** Adds the bench-only `list_greetings_raw` tool (the same query, unscoped, explicit tenant filter). */
      rawTool?: boolean;
      /** Seeds greetings for users u0..u(n-1) (and as many rows for other tenants). */
      seedUsers?: number;
      seedPerUser?: number;
      maxSessions?: number;
      maxSessionsPerUser?: number;
      sessionIdleTimeoutMs?: number;
      sessionSweepIntervalMs?: number;
    }
  /** `databaseUrl`: hello_computer and list_greetings run one plain statement through a `pg` Pool of 10 (peers/greeting-sql.ts). */
  | { kind: 'sdk'; stateless: boolean; enableJsonResponse: boolean; databaseUrl?: string }
  /** Ours on the 2026-07-28 path with a v2 factory (see ours-modern.ts); no core-factory. */
  | { kind: 'ours-modern'; factory: 'same' | 'lean' | 'test' }
  /** The bare v2 SDK: createMcpHandler behind toNodeHandler (see peers/sdk-v2-http.ts). */
  | { kind: 'sdk-v2' }
  | { kind: 'fastmcp'; stateless: boolean; enableJsonResponse: boolean; databaseUrl?: string }
  | { kind: 'raw'; body: string };

export const BENCH_JWT = {
  secret: 'bench-jwt-secret-0123456789-abcdefghijklmnop',
  issuer: 'https://issuer.bench',
  audience: 'mcp-factory-bench',
};
