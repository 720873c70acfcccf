#!/usr/bin/env bash
# Proves the project graph behind `nx affected` is right: a change to only libs/tools-hello must
# affect tools-hello and every app composing it, and must not affect the libs below it. Uses
# `nx show projects --affected --files=…`, so it needs no git history and writes nothing.
# Exits non-zero, listing each difference, when the graph is wrong.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

export CI=true NX_NO_CLOUD=true NX_DAEMON=false NX_TUI=false FORCE_COLOR=0

changed=libs/tools-hello/src/index.ts
all=$(npx nx show projects --json)
affected=$(npx nx show projects --affected --files="$changed" --json)

node - "$all" "$affected" "$changed" <<'JS'
const [all, affected, changed] = process.argv.slice(2).map((arg, i) => (i < 2 ? JSON.parse(arg) : arg));
// The apps compose tools-hello (their tool-libraries.ts), and each e2e project depends on its app.
// multitenant-sse and its e2e project count once they exist.
const mustAffect = [
  'tools-hello',
  'standalone-stdio',
  'standalone-stdio-e2e',
  ...['multitenant-sse', 'multitenant-sse-e2e'].filter((project) => all.includes(project)),
];
const mustNotAffect = ['data-access', 'core-factory', 'shared-util', 'mcp-auth'];
const problems = [
  ...mustAffect.filter((p) => !affected.includes(p)).map((p) => `${p} is not affected, but it must be`),
  ...mustNotAffect.filter((p) => affected.includes(p)).map((p) => `${p} is affected, but it must not be`),
  ...mustNotAffect.filter((p) => !all.includes(p)).map((p) => `${p} is not a project: the check would prove nothing`),
];
console.log(`affected-check: --files=${changed} affects ${affected.slice().sort().join(', ')}`);
if (problems.length) {
  for (const problem of problems) console.error(`affected-check: ${problem}`);
  process.exit(1);
}
JS
echo "affected-check: graph ok in $(( $(date +%s) - start ))s"
