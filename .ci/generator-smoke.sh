#!/usr/bin/env bash
# Smoke test of the tool-lib generator, end to end: copy the workspace (tracked and untracked files,
# node_modules symlinked) into a temp dir, generate a tool lib there, then lint and test it and lint
# every app whose tool-libraries.ts it edited. The checkout itself is never written; the copy is
# deleted on exit. Usage: .ci/generator-smoke.sh [name]   (default: smoke)
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/workspace-copy.sh
name="${1:-smoke}"
start=$(date +%s)

export CI=true NX_NO_CLOUD=true NX_DAEMON=false NX_TUI=false FORCE_COLOR=0

tmp=$(workspace_copy generator-smoke)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

# The Prisma client is generated (git-ignored); tests of any tool lib need it.
npx nx run data-access:prisma-generate --outputStyle=stream >/dev/null

npx nx g @mcp-factory/workspace:tool-lib "$name" --no-interactive

# The generator must refuse to run twice, and leave nothing changed when it does.
before=$(cat tsconfig.base.json apps/*/src/tool-libraries.ts | cksum)
if npx nx g @mcp-factory/workspace:tool-lib "$name" --no-interactive >second-run.log 2>&1; then
  echo "generator-smoke: a second run of tool-lib $name succeeded; it must refuse" >&2
  exit 1
fi
grep -q "already exists" second-run.log || { cat second-run.log >&2; exit 1; }
rm second-run.log
[ "$before" = "$(cat tsconfig.base.json apps/*/src/tool-libraries.ts | cksum)" ] \
  || { echo "generator-smoke: the refused run changed files" >&2; exit 1; }

# Every app with a tool-libraries.ts must now import the new lib.
apps=()
for file in apps/*/src/tool-libraries.ts; do
  [ -e "$file" ] || continue
  grep -q "from '@mcp-factory/tools-$name'" "$file" \
    || { echo "generator-smoke: $file does not register tools-$name" >&2; exit 1; }
  apps+=("$(node -p "require('./${file%/src/tool-libraries.ts}/project.json').name")")
done
[ "${#apps[@]}" -gt 0 ] || { echo "generator-smoke: no apps/*/src/tool-libraries.ts found" >&2; exit 1; }

tags=$(npx nx show project "tools-$name" --json | node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8")).tags.join(","))')
[ "$tags" = "type:feature,scope:tools" ] || { echo "generator-smoke: tools-$name has tags $tags" >&2; exit 1; }

npx nx run-many -t lint test -p "tools-$name" --outputStyle=stream --skip-nx-cache
npx nx run-many -t lint -p "$(IFS=,; echo "${apps[*]}")" --outputStyle=stream --skip-nx-cache
# Lint does not type-check: compile the edited tool-libraries.ts files (and what they import), so a
# broken import or array fails here without depending on the rest of each app.
node -e '
  const files = process.argv.slice(1);
  const config = { extends: "./tsconfig.base.json", compilerOptions: { noEmit: true, types: ["node"] }, files };
  require("fs").writeFileSync("tsconfig.smoke.json", JSON.stringify(config));
' apps/*/src/tool-libraries.ts
npx tsc -p tsconfig.smoke.json

echo "generator-smoke: tools-$name generated, linted and tested; apps ${apps[*]} registered and linted in $(( $(date +%s) - start ))s"
