#!/usr/bin/env bash
# Installs the engines the scale-out suites start as child processes (HAProxy, PgBouncer, redis-server)
# from Debian's packages when one is missing. Idempotent; when all are present it does nothing (no apt).
# Suites whose engine is missing are skipped with a one-line reason, so this is what makes them run in CI.
set -euo pipefail
declare -A package_of=([haproxy]=haproxy [pgbouncer]=pgbouncer [redis-server]=redis-server)
missing=()
for binary in haproxy pgbouncer redis-server; do
  if ! command -v "$binary" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$binary" ] && [ ! -x "/usr/bin/$binary" ]; then
    missing+=("${package_of[$binary]}")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
echo "installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# policy-rc.d in containers keeps the packages' own services from starting; the tests start their own.
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
