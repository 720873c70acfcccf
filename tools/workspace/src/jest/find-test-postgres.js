// Finds the PostgreSQL server that tests create their scratch databases on, the way `.ci/run` does:
// TEST_DATABASE_URL, else libpq's usual PGHOST/PGPORT/PGUSER defaults (127.0.0.1:5432, user postgres).
// The database in the URL need not exist: the admin connection falls back to the maintenance database.
const { Client } = require('pg');

const PROBE_TIMEOUT_MS = 5000;

function defaultUrl(env) {
  const host = env.PGHOST || '127.0.0.1';
  const port = env.PGPORT || '5432';
  const user = encodeURIComponent(env.PGUSER || 'postgres');
  const password = env.PGPASSWORD ? `:${encodeURIComponent(env.PGPASSWORD)}` : '';
  const database = encodeURIComponent(env.PGDATABASE || 'postgres');
  // A socket directory in PGHOST (libpq allows it) goes in the query string.
  if (host.startsWith('/')) return `postgresql://${user}${password}@localhost:${port}/${database}?host=${encodeURIComponent(host)}`;
  return `postgresql://${user}${password}@${host}:${port}/${database}`;
}

function withDatabase(url, name) {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function canConnect(url) {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  } finally {
    await client.end().catch(() => undefined);
  }
}

function describeTarget(url) {
  const parsed = new URL(url);
  return `${parsed.username || 'postgres'}@${parsed.hostname}:${parsed.port || 5432}`;
}

/**
 * Resolves `{ url }` (an admin URL on a reachable server) or `{ reason }` (one line: where it looked
 * and why it could not connect).
 */
async function findTestPostgres(env = process.env) {
  const configured = env.TEST_DATABASE_URL;
  const url = configured || defaultUrl(env);
  const first = await canConnect(url);
  if (first.ok) return { url };
  // 3D000: the database does not exist yet. Tests only need the server: use its maintenance database.
  if (first.error && first.error.code === '3D000') {
    for (const name of ['postgres', 'template1']) {
      const fallback = withDatabase(url, name);
      if ((await canConnect(fallback)).ok) return { url: fallback };
    }
  }
  const how = configured ? 'TEST_DATABASE_URL' : 'PGHOST/PGPORT/PGUSER defaults';
  const why = (first.error && (first.error.code || first.error.message)) || 'unknown error';
  return { reason: `no PostgreSQL at ${describeTarget(url)} (${how}): ${why}` };
}

module.exports = { findTestPostgres };
