-- Foundation: tenants, API keys, players and the transactional outbox.

CREATE TABLE "tenants" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "service_mode" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "tenants_service_mode_check" CHECK ("service_mode" IN ('plugin', 'white_label'))
);

CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "key_prefix" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),
    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "api_keys_scope_check" CHECK ("scope" IN ('server', 'admin'))
);
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");
CREATE INDEX "api_keys_tenant_id_idx" ON "api_keys"("tenant_id");
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "players" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "external_ref" TEXT NOT NULL,
    "country" TEXT,
    "currency" TEXT,
    "vip_level" INTEGER NOT NULL DEFAULT 0,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "self_excluded" BOOLEAN NOT NULL DEFAULT false,
    "excluded_until" TIMESTAMPTZ(3),
    "registered_at" TIMESTAMPTZ(3),
    "first_deposit_at" TIMESTAMPTZ(3),
    "last_deposit_at" TIMESTAMPTZ(3),
    "last_wager_at" TIMESTAMPTZ(3),
    "last_login_at" TIMESTAMPTZ(3),
    "deposit_count" INTEGER NOT NULL DEFAULT 0,
    "total_deposited" BIGINT NOT NULL DEFAULT 0,
    "total_wagered" BIGINT NOT NULL DEFAULT 0,
    "winz_balance" BIGINT NOT NULL DEFAULT 0,
    "create_request_hash" TEXT,
    "create_response" JSON,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "players_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "players_vip_level_check" CHECK ("vip_level" >= 0),
    CONSTRAINT "players_winz_balance_check" CHECK ("winz_balance" >= 0),
    CONSTRAINT "players_tags_check" CHECK ("tags" IS NOT NULL),
    CONSTRAINT "players_counters_check" CHECK ("deposit_count" >= 0 AND "total_deposited" >= 0 AND "total_wagered" >= 0)
);
CREATE UNIQUE INDEX "players_tenant_id_external_ref_key" ON "players"("tenant_id", "external_ref");
ALTER TABLE "players" ADD CONSTRAINT "players_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "outbox_events" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dispatched_at" TIMESTAMPTZ(3),
    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "outbox_events_tenant_id_created_at_idx" ON "outbox_events"("tenant_id", "created_at");
-- The dispatcher's work queue: only undispatched events, oldest first.
CREATE INDEX "outbox_events_undispatched_idx" ON "outbox_events"("created_at", "id") WHERE "dispatched_at" IS NULL;
