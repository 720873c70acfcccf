#!/usr/bin/env bash
# Proves the project graph behind `nx affected` is right. Exits non-zero, listing each difference.
#  1. A change to only libs/tools-hello affects tools-hello and every app composing it, and none of
#     the libs below it (`--files=…`: no git history needed).
#  2. Adding a tool lib keeps `affected` narrow: in a temp copy of the workspace (a git repo of its
#     own), generate one and commit it; the commit must affect exactly the new lib, the apps whose
#     tool-libraries.ts registers it and their e2e projects. This holds because tsconfig.base.json is
#     not a shared input in nx.json: Nx diffs that file itself and, when only `paths` entries were
#     added, touches just the projects they point into.
#  3. A change to a shared compiler option in tsconfig.base.json still affects every project.
# The checkout itself is never written.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/workspace-copy.sh
start=$(date +%s)

export CI=true NX_NO_CLOUD=true NX_DAEMON=false NX_TUI=false FORCE_COLOR=0

# --- 1. a change inside tools-hello --------------------------------------------------------------
changed=libs/tools-hello/src/index.ts
all=$(npx nx show projects --json)
affected=$(npx nx show projects --affected --files="$changed" --json)

node - "$all" "$affected" "$changed" <<'JS'
const [all, affected, changed] = process.argv.slice(2).map((arg, i) => (i < 2 ? JSON.parse(arg) : arg));
// The apps compose tools-hello (their tool-libraries.ts), and each e2e project depends on its app.
const mustAffect = ['tools-hello', 'standalone-stdio', 'standalone-stdio-e2e', 'multitenant-sse', 'multitenant-sse-e2e'];
const mustNotAffect = ['data-access', 'core-factory', 'shared-util', 'mcp-auth'];
const problems = [
  ...mustAffect.filter((p) => !affected.includes(p)).map((p) => `${p} is not affected, but it must be`),
  ...mustNotAffect.filter((p) => affected.includes(p)).map((p) => `${p} is affected, but it must not be`),
  ...[...mustAffect, ...mustNotAffect].filter((p) => !all.includes(p)).map((p) => `${p} is not a project: the check would prove nothing`),
];
console.log(`affected-check: --files=${changed} affects ${affected.slice().sort().join(', ')}`);
if (problems.length) {
  for (const problem of problems) console.error(`affected-check: ${problem}`);
  process.exit(1);
}
JS

# --- 2. a generated tool lib, committed ----------------------------------------------------------
copy=$(workspace_copy affected-check)
trap 'rm -rf "$copy"' EXIT
cd "$copy"
git_quiet() { git -c user.name=affected-check -c user.email=affected-check@localhost -c commit.gpgsign=false "$@" >/dev/null; }
git_quiet init -q
git_quiet add -A
git_quiet commit -q -m base --no-verify

name=affected-probe
npx nx g @mcp-factory/workspace:tool-lib "$name" --no-interactive >generate.log 2>&1 || { cat generate.log >&2; exit 1; }
rm generate.log
git_quiet add -A
git_quiet commit -q -m "tool lib $name" --no-verify
apps=$(for file in apps/*/src/tool-libraries.ts; do node -p "require('./${file%/src/tool-libraries.ts}/project.json').name"; done | paste -sd, -)
changed_files=$(git diff --name-only HEAD~1 HEAD | paste -sd, -)
all=$(npx nx show projects --json)
affected=$(npx nx show projects --affected --base=HEAD~1 --head=HEAD --json)

# --- 3. a shared compiler option, uncommitted ----------------------------------------------------
node -e '
  const fs = require("fs");
  const tsconfig = JSON.parse(fs.readFileSync("tsconfig.base.json", "utf8"));
  tsconfig.compilerOptions.noUnusedLocals = !tsconfig.compilerOptions.noUnusedLocals;
  fs.writeFileSync("tsconfig.base.json", JSON.stringify(tsconfig, null, 2) + "\n");
'
affected_by_options=$(npx nx show projects --affected --base=HEAD --json)

node - "$all" "$affected" "$affected_by_options" "tools-$name" "$apps" "$changed_files" <<'JS'
const [all, affected, byOptions] = process.argv.slice(2, 5).map((arg) => JSON.parse(arg));
const [lib, appList, changedFiles] = process.argv.slice(5);
const apps = appList.split(',').filter(Boolean);
const expected = [lib, ...apps, ...apps.map((app) => `${app}-e2e`)].sort();
const problems = [
  ...(apps.length === 0 ? ['no apps/*/src/tool-libraries.ts: the check would prove nothing'] : []),
  ...expected.filter((p) => !all.includes(p)).map((p) => `${p} is not a project`),
  ...expected.filter((p) => !affected.includes(p)).map((p) => `adding ${lib}: ${p} is not affected, but it must be`),
  ...affected.filter((p) => !expected.includes(p)).map((p) => `adding ${lib}: ${p} is affected, but it must not be`),
  ...all.filter((p) => !byOptions.includes(p)).map((p) => `a compiler option in tsconfig.base.json: ${p} is not affected, but it must be`),
];
console.log(`affected-check: adding ${lib} (${changedFiles.split(',').length} files) affects ${affected.slice().sort().join(', ')} (${affected.length} of ${all.length})`);
console.log(`affected-check: a compiler option in tsconfig.base.json affects ${byOptions.length} of ${all.length} projects`);
if (problems.length) {
  for (const problem of problems) console.error(`affected-check: ${problem}`);
  process.exit(1);
}
JS
echo "affected-check: graph ok in $(( $(date +%s) - start ))s"
