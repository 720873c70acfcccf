// Writes one project's jest totals to $MCPF_TEST_RESULTS_DIR so `npm test` can print one summary
// line for the whole workspace (tools/scripts/run-tests.mjs). Does nothing when the variable is unset.
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

class ResultsReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  onRunComplete(_contexts, results) {
    const dir = process.env.MCPF_TEST_RESULTS_DIR;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    const first = results.testResults[0];
    const project = (first && first.displayName && first.displayName.name) || this.globalConfig.rootDir;
    const totals = {
      project,
      passed: results.numPassedTests,
      failed: results.numFailedTests,
      skipped: results.numPendingTests + results.numTodoTests,
      // A suite that could not even load has no failed tests to count; count it once.
      suitesFailedToRun: results.numRuntimeErrorTestSuites,
    };
    const file = `${String(project).replace(/[^\w.-]+/g, '_')}-${process.pid}.json`;
    writeFileSync(join(dir, file), JSON.stringify(totals));
  }
}

module.exports = ResultsReporter;
