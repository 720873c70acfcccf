#!/usr/bin/env bash
# First start of the compose PostgreSQL: the least-privilege roles of docs/postgres-roles.md
# (the SQL `npx nx run data-access:setup-roles` prints), with passwords from the environment.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U postgres -v owner_pw="$MCP_OWNER_PASSWORD" -v runtime_pw="$MCP_RUNTIME_PASSWORD" <<'SQL'
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mcp_app') THEN CREATE ROLE mcp_app NOLOGIN NOSUPERUSER NOINHERIT NOBYPASSRLS; END IF; END $$;
CREATE ROLE mcp_owner LOGIN NOSUPERUSER NOBYPASSRLS CREATEROLE NOCREATEDB PASSWORD :'owner_pw';
GRANT mcp_app TO mcp_owner WITH ADMIN OPTION;
CREATE DATABASE mcp OWNER mcp_owner;
\connect mcp
ALTER SCHEMA public OWNER TO mcp_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SET ROLE mcp_owner;
CREATE ROLE mcp_runtime LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB NOINHERIT PASSWORD :'runtime_pw';
GRANT mcp_app TO mcp_runtime;
GRANT CONNECT ON DATABASE mcp TO mcp_runtime;
RESET ROLE;
SQL
