-- Defence in depth: even a query that forgets its tenant filter sees only the tenant set with
-- set_config('app.tenant_id', <id>, true) in its transaction. FORCE applies the policies to the
-- table owner too; only superusers (migrations, admin tools) bypass them.

-- mcp_app: the role every tenant-scoped transaction switches to (SET LOCAL ROLE). Roles are
-- cluster-wide and several databases may migrate at once, so creation tolerates a concurrent twin.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mcp_app') THEN
        BEGIN
            CREATE ROLE mcp_app NOLOGIN NOSUPERUSER NOINHERIT NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
END
$$;

-- A non-superuser that runs the app must be a member of mcp_app to switch to it.
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
       AND NOT pg_has_role(current_user, 'mcp_app', 'MEMBER') THEN
        EXECUTE format('GRANT mcp_app TO %I', current_user);
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO mcp_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "greeting", "note" TO mcp_app;

ALTER TABLE "greeting" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "greeting" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "greeting"
    USING ("tenant_id" = current_setting('app.tenant_id', true))
    WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));

ALTER TABLE "note" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "note" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "note"
    USING ("tenant_id" = current_setting('app.tenant_id', true))
    WITH CHECK ("tenant_id" = current_setting('app.tenant_id', true));
