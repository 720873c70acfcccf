-- No empty tenant. Once a transaction has set app.tenant_id with set_config(…, true), PostgreSQL
-- keeps the setting for the rest of the session as '' (not NULL) — PGlite alike. So on a pooled
-- connection that has served a tenant, current_setting('app.tenant_id', true) is '' and an unscoped
-- insert took the column default '' and landed in a tenant named "", which the policies then let any
-- later "no tenant" session read. The init migration's comment ("NULL, so the insert fails, when
-- none is") was wrong; applied migrations are checksummed, so it stays, and this one makes it true:
-- '' means no tenant in every default and policy, and no row may carry an empty tenant_id.
--
-- A database that already holds rows under '' fails here ("check constraint … is violated by some
-- row"): those rows were written without a tenant; delete them or give them their tenant (as a
-- superuser: FORCE makes the policies hide them from the owner), then migrate again.

ALTER TABLE "greeting" ALTER COLUMN "tenant_id" SET DEFAULT NULLIF(current_setting('app.tenant_id', true), '');
ALTER TABLE "note" ALTER COLUMN "tenant_id" SET DEFAULT NULLIF(current_setting('app.tenant_id', true), '');

ALTER TABLE "greeting" ADD CONSTRAINT "greeting_tenant_id_not_empty" CHECK ("tenant_id" <> '');
ALTER TABLE "note" ADD CONSTRAINT "note_tenant_id_not_empty" CHECK ("tenant_id" <> '');

ALTER POLICY "tenant_isolation" ON "greeting"
    USING ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), ''));

ALTER POLICY "tenant_isolation" ON "note"
    USING ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.tenant_id', true), ''));
