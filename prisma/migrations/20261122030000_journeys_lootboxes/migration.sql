-- Journeys (ordered steps, progress per player and cycle) and lootboxes with provably fair opens.

CREATE TABLE "journeys" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "steps" JSONB NOT NULL,
    "reward" JSONB NOT NULL,
    "starts_at" TIMESTAMPTZ(3),
    "ends_at" TIMESTAMPTZ(3),
    "repeatable" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deactivated_at" TIMESTAMPTZ(3),
    CONSTRAINT "journeys_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "journeys_window_check" CHECK ("starts_at" IS NULL OR "ends_at" IS NULL OR "starts_at" < "ends_at")
);
CREATE INDEX "journeys_tenant_id_idx" ON "journeys"("tenant_id");
ALTER TABLE "journeys" ADD CONSTRAINT "journeys_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "journey_progress" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "journey_id" TEXT NOT NULL,
    "player_id" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "step_index" INTEGER NOT NULL DEFAULT 0,
    "step_count" INTEGER NOT NULL DEFAULT 0,
    "completed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "journey_progress_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "journey_progress_counts_check" CHECK ("cycle" >= 1 AND "step_index" >= 0 AND "step_count" >= 0)
);
CREATE UNIQUE INDEX "journey_progress_journey_id_player_id_cycle_key" ON "journey_progress"("journey_id", "player_id", "cycle");
CREATE INDEX "journey_progress_tenant_id_player_id_idx" ON "journey_progress"("tenant_id", "player_id");
ALTER TABLE "journey_progress" ADD CONSTRAINT "journey_progress_journey_id_fkey" FOREIGN KEY ("journey_id") REFERENCES "journeys"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "journey_progress" ADD CONSTRAINT "journey_progress_player_id_fkey" FOREIGN KEY ("player_id") REFERENCES "players"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- An event (a wager's source_wager_id, an event_id, a registration) moves a journey once, whichever
-- endpoint reported it.
CREATE TABLE "journey_event_applications" (
    "journey_id" TEXT NOT NULL,
    "player_id" TEXT NOT NULL,
    "event_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "journey_event_applications_pkey" PRIMARY KEY ("journey_id", "player_id", "event_key")
);
ALTER TABLE "journey_event_applications" ADD CONSTRAINT "journey_event_applications_journey_id_fkey" FOREIGN KEY ("journey_id") REFERENCES "journeys"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "lootboxes" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tier" TEXT,
    "currency" TEXT NOT NULL,
    "ev_target" BIGINT,
    "prize_table" JSONB NOT NULL,
    "ev" DECIMAL(40,4) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "lootboxes_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "lootboxes_tier_check" CHECK ("tier" IS NULL OR "tier" IN ('bronze', 'silver', 'gold', 'platinum'))
);
CREATE INDEX "lootboxes_tenant_id_idx" ON "lootboxes"("tenant_id");
ALTER TABLE "lootboxes" ADD CONSTRAINT "lootboxes_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Server seeds: secret (encrypted) until the seed is rotated, then revealed. One unrevealed seed per box.
CREATE TABLE "lootbox_seeds" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "lootbox_id" TEXT NOT NULL,
    "seed_ciphertext" TEXT NOT NULL,
    "commit" TEXT NOT NULL,
    "revealed_seed" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revealed_at" TIMESTAMPTZ(3),
    CONSTRAINT "lootbox_seeds_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "lootbox_seeds_lootbox_id_idx" ON "lootbox_seeds"("lootbox_id");
CREATE UNIQUE INDEX "lootbox_seeds_one_current_idx" ON "lootbox_seeds"("lootbox_id") WHERE "revealed_at" IS NULL;
ALTER TABLE "lootbox_seeds" ADD CONSTRAINT "lootbox_seeds_lootbox_id_fkey" FOREIGN KEY ("lootbox_id") REFERENCES "lootboxes"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "lootbox_opens" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "lootbox_id" TEXT NOT NULL,
    "player_id" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "seed_id" TEXT NOT NULL,
    "prize_index" INTEGER NOT NULL,
    "reward" JSONB NOT NULL,
    "proof" JSONB NOT NULL,
    "response" JSON,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "lootbox_opens_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "lootbox_opens_lootbox_id_idempotency_key_key" ON "lootbox_opens"("lootbox_id", "idempotency_key");
CREATE INDEX "lootbox_opens_tenant_id_player_id_id_idx" ON "lootbox_opens"("tenant_id", "player_id", "id");
CREATE INDEX "lootbox_opens_seed_id_idx" ON "lootbox_opens"("seed_id");
ALTER TABLE "lootbox_opens" ADD CONSTRAINT "lootbox_opens_lootbox_id_fkey" FOREIGN KEY ("lootbox_id") REFERENCES "lootboxes"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "lootbox_opens" ADD CONSTRAINT "lootbox_opens_player_id_fkey" FOREIGN KEY ("player_id") REFERENCES "players"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "lootbox_opens" ADD CONSTRAINT "lootbox_opens_seed_id_fkey" FOREIGN KEY ("seed_id") REFERENCES "lootbox_seeds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
