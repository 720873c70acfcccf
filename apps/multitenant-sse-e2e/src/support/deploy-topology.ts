// The compose topology the committed balancer and pooler files are rendered for (deploy/compose.yaml
// defines the same services; deploy-files.spec.ts in apps/multitenant-sse checks that side).
import type { HaproxyConfigOptions } from './haproxy-config';
import type { PgbouncerConfigOptions } from './pgbouncer-config';

/** deploy/haproxy/haproxy.cfg */
export const COMPOSE_HAPROXY: HaproxyConfigOptions = {
  bind: ':8080',
  replicas: [1, 2, 3].map((n) => ({ id: `mcp-${n}`, address: `mcp-${n}:3000` })),
  dockerDns: true,
};

/** deploy/pgbouncer/pgbouncer.ini */
export const COMPOSE_PGBOUNCER: PgbouncerConfigOptions = {
  listenAddr: '0.0.0.0',
  listenPort: 6432,
  server: { host: 'postgres', port: 5432 },
  authType: 'scram-sha-256',
  authFile: '/run/pgbouncer/userlist.txt',
  // 3 replicas × DB_POOL_SIZE 10 clients; 20 server connections serve them (docs/scale-out.md, pool math).
  defaultPoolSize: 20,
  maxClientConn: 1000,
  maxDbConnections: 40,
};
