-- Tenant tables. tenant_id leads every primary key and index; its default is the tenant the
-- current transaction is scoped to (NULL, so the insert fails, when none is).

CREATE TABLE "greeting" (
    "tenant_id" TEXT NOT NULL DEFAULT current_setting('app.tenant_id', true),
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT,
    "message" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "greeting_pkey" PRIMARY KEY ("tenant_id", "id")
);

CREATE INDEX "greeting_tenant_id_created_at_idx" ON "greeting"("tenant_id", "created_at");

CREATE TABLE "note" (
    "tenant_id" TEXT NOT NULL DEFAULT current_setting('app.tenant_id', true),
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "note_pkey" PRIMARY KEY ("tenant_id", "key")
);

CREATE INDEX "note_tenant_id_updated_at_idx" ON "note"("tenant_id", "updated_at");
