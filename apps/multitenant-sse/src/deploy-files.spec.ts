// Docker cannot run on the CI machine, so this spec is the check of deploy/: it parses the compose file
// and the Kubernetes manifests and cross-checks them with the service's configuration (every variable
// is one the service reads and the production rules pass), the
// probes, the ports, and the HAProxy, PgBouncer and Redis addresses.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from './config';

const root = join(__dirname, '../../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** Every variable the service reads, as documented (config.spec.ts keeps .env.example in step with the schema). */
const knownVariables = new Set([...read('apps/multitenant-sse/.env.example').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));

/** Values for compose's `${VAR…}` placeholders, as an operator would set them. */
const operatorEnv: Record<string, string> = {
  JWT_SECRET: 'x'.repeat(48),
  POSTGRES_PASSWORD: 'pg-admin-password',
  MCP_OWNER_PASSWORD: 'owner-password',
  MCP_RUNTIME_PASSWORD: 'runtime-password',
};

/** Docker compose interpolation: `${VAR}`, `${VAR:-default}`, `${VAR:?error}`. */
function interpolate(value: string): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_, name: string, op: string | undefined, arg: string) => {
    const set = operatorEnv[name];
    if (set !== undefined && set !== '') return set;
    if (op === '-') return arg;
    throw new Error(`compose needs ${name}: ${arg}`);
  });
}

/** Variables the service must not get, though it could read them. */
function expectOnlyServiceVariables(env: Record<string, string>, where: string): void {
  for (const name of Object.keys(env)) {
    if (!knownVariables.has(name)) throw new Error(`${where}: ${name} is not read by the service (.env.example)`);
  }
}

/** The service's own verdict on an environment: loadConfig throws one line per problem. */
function expectServiceAccepts(env: Record<string, string>): ReturnType<typeof loadConfig> {
  return loadConfig(env, []);
}

const urlOf = (value: string) => new URL(value);

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  expose?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  volumes?: string[];
}

describe('deploy/compose.yaml', () => {
  const compose = parse(read('deploy/compose.yaml'), { merge: true }) as { services: Record<string, ComposeService> };
  const services = compose.services;
  const replicas = Object.keys(services).filter((name) => /^mcp-\d+$/.test(name));
  const envOf = (name: string) => Object.fromEntries(Object.entries(services[name].environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
  const haproxyCfg = read('deploy/haproxy/haproxy.cfg');
  const pgbouncerIni = read('deploy/pgbouncer/pgbouncer.ini');

  it('has the whole stack: balancer, three replicas, Redis, PgBouncer, PostgreSQL and a migrate job before the replicas', () => {
    expect(Object.keys(services).sort()).toEqual(['haproxy', 'mcp-1', 'mcp-2', 'mcp-3', 'migrate', 'pgbouncer', 'postgres', 'redis']);
    for (const name of replicas) {
      expect(services[name].depends_on).toMatchObject({ migrate: { condition: 'service_completed_successfully' } });
    }
    expect(services['migrate'].command).toEqual(['node', 'migrate.js']);
  });

  it('gives every replica and the job only variables the service reads, which pass its production rules', () => {
    for (const name of [...replicas, 'migrate']) {
      const env = envOf(name);
      expectOnlyServiceVariables(env, name);
      expect(env['NODE_ENV']).toBe('production');
      const config = expectServiceAccepts(env);
      expect(config.database.engine).toBe('server');
      expect(config.migrateOnStart).toBe(false);
    }
  });

  it('names each replica (REPLICA_ID) as HAProxy does, on the port HAProxy sends to, probed on /ready', () => {
    const servers = [...haproxyCfg.matchAll(/^\s+server (\S+) ([^:\s]+):(\d+)/gm)].map((m) => ({ name: m[1], host: m[2], port: m[3] }));
    expect(servers.map((s) => s.name).sort()).toEqual(replicas.sort());
    for (const server of servers) {
      const env = envOf(server.host);
      expect(env['REPLICA_ID']).toBe(server.name);
      expect(env['PORT']).toBe(server.port);
      expect(services[server.host].expose).toContain(server.port);
    }
    expect(haproxyCfg).toMatch(/option httpchk GET \/ready\b/);
    const bind = /^\s+bind \S*:(\d+)/m.exec(haproxyCfg)?.[1];
    expect(services['haproxy'].ports).toContain(`${bind}:${bind}`);
    expect(services['haproxy'].volumes).toContain('./haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
  });

  it('points the replicas at PgBouncer and Redis, and the migrations straight at PostgreSQL', () => {
    const listenPort = /^listen_port = (\d+)/m.exec(pgbouncerIni)?.[1];
    const backend = /^\* = host=(\S+) port=(\d+)/m.exec(pgbouncerIni);
    expect(pgbouncerIni).toMatch(/^pool_mode = transaction$/m);
    expect(backend?.[1]).toBe('postgres');
    for (const name of replicas) {
      const env = envOf(name);
      const db = urlOf(env['DATABASE_URL']);
      expect([db.hostname, db.port]).toEqual(['pgbouncer', listenPort]);
      expect(services['pgbouncer'].expose).toContain(listenPort);
      expect(env['DATABASE_POOL_MODE']).toBe('transaction');
      expect(urlOf(env['REDIS_URL']).hostname).toBe('redis');
    }
    const job = envOf('migrate');
    // The migrator's session advisory lock cannot live behind transaction pooling.
    for (const key of ['DATABASE_URL', 'MIGRATION_DATABASE_URL']) expect([urlOf(job[key]).hostname, urlOf(job[key]).port]).toEqual([backend?.[1], backend?.[2]]);
    expect(urlOf(job['MIGRATION_DATABASE_URL']).username).toBe('mcp_owner');
    expect(urlOf(envOf('mcp-1')['DATABASE_URL']).username).toBe('mcp_runtime');
  });
});

describe('deploy/k8s', () => {
  type Doc = { kind: string; metadata: { name: string; labels?: Record<string, string> }; [key: string]: unknown };
  const docs: Doc[] = readdirSync(join(root, 'deploy/k8s'))
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) => parseAllDocuments(read(`deploy/k8s/${file}`)).map((d) => d.toJS() as Doc));
  const one = <T,>(kind: string) => {
    const found = docs.filter((d) => d.kind === kind);
    expect(found).toHaveLength(1);
    return found[0] as unknown as T;
  };
  interface Container {
    command?: string[];
    ports?: { name: string; containerPort: number }[];
    envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
    env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } } }[];
    readinessProbe?: { httpGet: { path: string; port: string | number } };
    livenessProbe?: { httpGet: { path: string; port: string | number } };
  }
  interface PodSpec {
    metadata?: { labels: Record<string, string> };
    spec: { containers: Container[] };
  }
  const configMap = one<{ metadata: { name: string }; data: Record<string, string> }>('ConfigMap');
  const secret = one<{ metadata: { name: string }; stringData: Record<string, string> }>('Secret');
  const deployment = one<{ metadata: { name: string }; spec: { selector: { matchLabels: Record<string, string> }; template: PodSpec } }>('Deployment');
  const job = one<{ spec: { template: PodSpec } }>('Job');

  /** The environment a container gets: ConfigMap and Secret references resolved; fieldRefs as a sample pod name. */
  function environment(container: Container): Record<string, string> {
    const env: Record<string, string> = {};
    for (const from of container.envFrom ?? []) {
      if (from.configMapRef) Object.assign(env, { ...(from.configMapRef.name === configMap.metadata.name ? configMap.data : {}) });
      if (from.secretRef) Object.assign(env, { ...(from.secretRef.name === secret.metadata.name ? secret.stringData : {}) });
    }
    for (const entry of container.env ?? []) {
      const ref = entry.valueFrom?.secretKeyRef;
      if (ref) {
        expect(ref.name).toBe(secret.metadata.name);
        expect(Object.keys(secret.stringData)).toContain(ref.key);
      }
      env[entry.name] = entry.value ?? (ref ? secret.stringData[ref.key] : entry.valueFrom?.fieldRef?.fieldPath === 'metadata.name' ? 'mcp-service-7c9f8d6b4-x2x9z' : '');
    }
    return env;
  }

  it('runs replicas that pass the production rules with only variables the service reads, and no owner credentials', () => {
    const container = deployment.spec.template.spec.containers[0];
    const env = environment(container);
    expectOnlyServiceVariables(env, 'Deployment');
    expect(env['MIGRATION_DATABASE_URL']).toBeUndefined();
    expect(expectServiceAccepts(env).database.engine).toBe('server');
    expect(urlOf(env['DATABASE_URL']).port).toBe('6432');
    expect(container.env?.find((e) => e.name === 'REPLICA_ID')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
  });

  it('probes readiness on /ready and liveness on /health, on the port the service listens on, behind the Service', () => {
    const container = deployment.spec.template.spec.containers[0];
    const port = Number(configMap.data['PORT']);
    const http = container.ports?.find((p) => p.name === 'http');
    expect(http?.containerPort).toBe(port);
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.ports?.find((p) => p.name === 'metrics')?.containerPort).toBe(Number(configMap.data['METRICS_PORT']));
    const service = one<{ spec: { selector: Record<string, string>; ports: { targetPort: string }[] } }>('Service');
    expect(service.spec.ports.map((p) => p.targetPort)).toEqual(['http']);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(deployment.spec.template.metadata?.labels).toMatchObject(deployment.spec.selector.matchLabels);
  });

  it('scales the Deployment on CPU and keeps replicas through disruptions', () => {
    const hpa = one<{ spec: { scaleTargetRef: { kind: string; name: string }; minReplicas: number; metrics: { resource: { name: string } }[] } }>('HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.spec.metrics.map((m) => m.resource.name)).toEqual(['cpu']);
    const pdb = one<{ spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } } }>('PodDisruptionBudget');
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(pdb.spec.minAvailable).toBeLessThan(hpa.spec.minReplicas);
  });

  it('migrates in a Job as the owner login, straight to PostgreSQL', () => {
    const container = job.spec.template.spec.containers[0];
    expect(container.command).toEqual(['node', 'migrate.js']);
    const env = environment(container);
    expectOnlyServiceVariables(env, 'Job');
    const config = expectServiceAccepts(env);
    expect(config.migrationDatabase?.engine).toBe('server');
    expect(urlOf(env['MIGRATION_DATABASE_URL']).port).toBe('5432');
    expect(urlOf(env['DATABASE_URL']).port).toBe('5432');
  });
});
