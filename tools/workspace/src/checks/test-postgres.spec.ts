// How tests find their PostgreSQL server (src/jest/find-test-postgres.js, used by the jest global
// setup and by `npm test`): TEST_DATABASE_URL, else libpq defaults; a missing database is not a reason
// to skip, a closed port is — with one line saying where it looked.
import { createServer, type Server } from 'node:net';
import { describeWithPostgres, testPostgres } from '@mcp-factory/shared-util/testing';

const { findTestPostgres } = require('../jest/find-test-postgres.js') as {
  findTestPostgres(env: Record<string, string | undefined>): Promise<{ url?: string; reason?: string }>;
};

async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('finding the test PostgreSQL server', () => {
  it('gives a one-line reason naming where it looked when nothing listens there', async () => {
    const port = await closedPort();
    expect(await findTestPostgres({ PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'someone' })).toEqual({
      reason: `no PostgreSQL at someone@127.0.0.1:${port} (PGHOST/PGPORT/PGUSER defaults): ECONNREFUSED`,
    });
    expect(await findTestPostgres({ TEST_DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/x` })).toEqual({
      reason: `no PostgreSQL at postgres@127.0.0.1:${port} (TEST_DATABASE_URL): ECONNREFUSED`,
    });
  });
});

describeWithPostgres('finding the test PostgreSQL server (one is running)', () => {
  const server = new URL(testPostgres().url ?? 'postgresql://postgres@127.0.0.1:5432/postgres');

  it('falls back to the maintenance database when the URL names one that does not exist yet', async () => {
    const missing = new URL(server);
    missing.pathname = '/mcpf_database_that_does_not_exist';
    const found = await findTestPostgres({ TEST_DATABASE_URL: missing.toString() });
    expect(found.reason).toBeUndefined();
    expect(new URL(found.url ?? '').pathname).toBe('/postgres');
    expect(new URL(found.url ?? '').port).toBe(server.port);
  });

  it('uses PGHOST/PGPORT/PGUSER when TEST_DATABASE_URL is unset', async () => {
    const found = await findTestPostgres({ PGHOST: server.hostname, PGPORT: server.port || '5432', PGUSER: decodeURIComponent(server.username) || 'postgres' });
    expect(found).toEqual({ url: `postgresql://${server.username || 'postgres'}@${server.hostname}:${server.port || '5432'}/postgres` });
  });
});
