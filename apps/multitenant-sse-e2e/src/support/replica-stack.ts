// The scale-out stack of docs/scale-out.md on loopback, with the real service: HAProxy (the committed
// configuration's template) in front of three replicas (the service from source, as the other suites
// start it), sharing the shared Redis under a key prefix of this run and PostgreSQL through PgBouncer
// in transaction mode (a least-privilege database of this run; migrations straight to PostgreSQL).
import { testPostgres, testRedisUrl } from '@mcp-factory/shared-util/testing';
import { createLeastPrivilegeDatabase, type LeastPrivilegeDatabase } from './least-privilege';
import { startHaproxy, startPgbouncer, type RunningEngine } from './scale-out-stack';
import { startService, type ServiceProcess } from './service-process';
import { inspectRedis, runKeyPrefix } from './shared-redis';

export interface StackReplica {
  readonly id: string;
  readonly service: ServiceProcess;
}

export interface ReplicaStack {
  /** HAProxy's URL: what clients use. */
  readonly baseUrl: string;
  readonly replicas: readonly StackReplica[];
  readonly db: LeastPrivilegeDatabase;
  readonly redisUrl: string;
  readonly keyPrefix: string;
  /** Starts one more replica on the same Redis and database, not behind the balancer (stopped with the stack). */
  startExtraReplica(id: string, env?: Record<string, string>): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

export interface ReplicaStackOptions {
  ids?: readonly string[];
  /** Extra environment of every replica (limits). */
  env?: Record<string, string>;
}

/** Starts PgBouncer, the replicas (the first migrates; the others find the schema current) and HAProxy. */
export async function startReplicaStack(options: ReplicaStackOptions = {}): Promise<ReplicaStack> {
  const ids = options.ids ?? ['r1', 'r2', 'r3'];
  const keyPrefix = runKeyPrefix();
  const redisUrl = testRedisUrl();
  const started: { stop(): Promise<unknown> }[] = [];
  const stopAll = async () => {
    for (const part of started.reverse()) await part.stop().catch(() => undefined);
  };
  try {
    const db = await createLeastPrivilegeDatabase();
    started.push({ stop: () => db.drop() });
    const postgres = new URL(testPostgres().url as string);
    const pgbouncer: RunningEngine = await startPgbouncer({ server: { host: postgres.hostname, port: Number(postgres.port || 5432) }, users: [db.runtimeLogin] });
    started.push(pgbouncer);
    const envOf = (id: string) => ({
      ...db.serviceEnv(pgbouncer.port),
      DATABASE_POOL_MODE: 'transaction',
      DB_POOL_SIZE: '4',
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: keyPrefix,
      REPLICA_ID: id,
      ...options.env,
    });
    const replicas: StackReplica[] = [];
    const startReplica = async (id: string, env: Record<string, string> = {}) => {
      const service = await startService({ ...envOf(id), ...env }, 60_000);
      started.push({ stop: () => service.stop() });
      return service;
    };
    const launch = async (id: string) => {
      replicas.push({ id, service: await startReplica(id) });
    };
    await launch(ids[0]);
    await Promise.all(ids.slice(1).map(launch));
    replicas.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
    const haproxy = await startHaproxy(replicas.map((r) => ({ id: r.id, address: new URL(r.service.baseUrl).host })), { checkIntervalMs: 500 });
    started.push(haproxy);
    return {
      baseUrl: `http://127.0.0.1:${haproxy.port}`,
      replicas,
      db,
      redisUrl,
      keyPrefix,
      startExtraReplica: startReplica,
      async stop() {
        await stopAll();
        const inspect = inspectRedis();
        await inspect.deletePrefix(keyPrefix).finally(() => inspect.close());
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
