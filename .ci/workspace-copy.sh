# Sourced by the .ci scripts that must not write the checkout. `workspace_copy <label>` copies the
# working tree as git sees it (tracked and untracked files, uncommitted work included; ignored files
# such as dist/, .nx/ and node_modules/ left out) into a new temp dir, symlinks node_modules into it,
# and prints the dir. The caller deletes it: copy=$(workspace_copy x); trap 'rm -rf "$copy"' EXIT

workspace_copy() {
  local label="$1" root tmp
  root=$(pwd)
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/mcpf-${label}.XXXXXX")
  git ls-files -z --cached --others --exclude-standard \
    | tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null \
    | tar -xf - -C "$tmp"
  ln -s "$root/node_modules" "$tmp/node_modules"
  echo "$tmp"
}
