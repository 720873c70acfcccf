// Runs once per jest process, before any worker starts (workers inherit this environment).
// Decides whether suites that need a PostgreSQL server run, and where.
const { findTestPostgres } = require('./find-test-postgres');

module.exports = async function globalSetup() {
  // Decided once per `npm test` (tools/scripts/run-tests.mjs); a plain `nx test` decides here.
  if (process.env.MCPF_TEST_PG_DECIDED === '1') return;
  const found = await findTestPostgres(process.env);
  process.env.MCPF_TEST_PG_DECIDED = '1';
  if (found.url) {
    process.env.TEST_DATABASE_URL = found.url;
    delete process.env.MCPF_TEST_PG_SKIP_REASON;
  } else {
    delete process.env.TEST_DATABASE_URL;
    process.env.MCPF_TEST_PG_SKIP_REASON = found.reason;
  }
};
