#!/bin/sh
# Writes the auth file from the environment (the runtime login only: migrations bypass PgBouncer), then runs PgBouncer.
set -eu
umask 077
printf '"mcp_runtime" "%s"\n' "$MCP_RUNTIME_PASSWORD" > /run/pgbouncer/userlist.txt
exec pgbouncer /etc/pgbouncer/pgbouncer.ini
