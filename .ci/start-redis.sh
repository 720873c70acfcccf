#!/usr/bin/env bash
# Makes sure a Redis answers on 127.0.0.1:6379 for the shared-state suites (they skip with a reason
# without one). Starts a non-persistent redis-server only when none answers; tests never stop it —
# outage tests run private redis-servers of their own.
set -euo pipefail
ping() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
if command -v redis-cli >/dev/null 2>&1 && ping; then exit 0; fi
bash "$(dirname "$0")/install-scale-out-tools.sh"
redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no --daemonize yes >/dev/null
for _ in $(seq 1 50); do
  ping && exit 0
  sleep 0.2
done
echo "Redis did not start on 127.0.0.1:6379" >&2
exit 1
