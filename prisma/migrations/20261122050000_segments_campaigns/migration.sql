-- CRM segments (a rule over players) and campaigns that grant a reward to a segment's members, in
-- executions that snapshot the membership and grant each member once.

CREATE TABLE "segments" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    -- the rule as written; re-parsed (never spliced into SQL) whenever it is evaluated
    "rule" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "segments_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "segments_tenant_id_idx" ON "segments"("tenant_id");
ALTER TABLE "segments" ADD CONSTRAINT "segments_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "campaigns" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "segment_id" TEXT NOT NULL,
    "reward" JSONB NOT NULL,
    -- a cron expression (UTC); each scheduled run is an execution whose id derives from its time
    "schedule" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "campaigns_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "campaigns_tenant_id_idx" ON "campaigns"("tenant_id");
CREATE INDEX "campaigns_segment_id_idx" ON "campaigns"("segment_id");
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_segment_id_fkey" FOREIGN KEY ("segment_id") REFERENCES "segments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "campaign_executions" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "campaign_id" TEXT NOT NULL,
    -- the caller's id (or scheduled:<time>): one execution per campaign and id, however often asked
    "execution_id" TEXT NOT NULL,
    -- queued | running | completed | failed
    "status" TEXT NOT NULL,
    -- what ran: the segment's rule and the campaign's reward when the execution was asked for
    "rule" TEXT NOT NULL,
    "reward" JSONB NOT NULL,
    "scheduled_for" TIMESTAMPTZ(3),
    "snapshot_at" TIMESTAMPTZ(3),
    "matched" INTEGER NOT NULL DEFAULT 0,
    "granted" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    -- last sign of life of the worker running it; a stale one is picked up again
    "heartbeat_at" TIMESTAMPTZ(3),
    CONSTRAINT "campaign_executions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "campaign_executions_status_check" CHECK ("status" IN ('queued', 'running', 'completed', 'failed')),
    CONSTRAINT "campaign_executions_counts_check" CHECK ("matched" >= 0 AND "granted" >= 0 AND "skipped" >= 0 AND "failed" >= 0
        AND "granted" + "skipped" + "failed" <= "matched")
);
CREATE UNIQUE INDEX "campaign_executions_campaign_id_execution_id_key" ON "campaign_executions"("campaign_id", "execution_id");
CREATE INDEX "campaign_executions_tenant_id_idx" ON "campaign_executions"("tenant_id");
-- the worker's sweep for unfinished executions
CREATE INDEX "campaign_executions_unfinished_idx" ON "campaign_executions"("heartbeat_at") WHERE "status" IN ('queued', 'running');
ALTER TABLE "campaign_executions" ADD CONSTRAINT "campaign_executions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "campaign_executions" ADD CONSTRAINT "campaign_executions_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The membership snapshot: one row per matching player, its outcome written with its grant.
CREATE TABLE "campaign_execution_members" (
    "execution_id" TEXT NOT NULL,
    "player_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    -- pending | granted | skipped | failed
    "state" TEXT NOT NULL DEFAULT 'pending',
    "reason" TEXT,
    "grant_id" TEXT,
    CONSTRAINT "campaign_execution_members_pkey" PRIMARY KEY ("execution_id", "player_id"),
    CONSTRAINT "campaign_execution_members_state_check" CHECK ("state" IN ('pending', 'granted', 'skipped', 'failed'))
);
CREATE INDEX "campaign_execution_members_pending_idx" ON "campaign_execution_members"("execution_id", "player_id") WHERE "state" = 'pending';
ALTER TABLE "campaign_execution_members" ADD CONSTRAINT "campaign_execution_members_execution_id_fkey" FOREIGN KEY ("execution_id") REFERENCES "campaign_executions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Indexes the compiled segment rules use (tenant first: every rule is scoped by tenant). Columns the
-- wager hot path updates (last_wager_at, total_wagered) are left unindexed so those updates stay HOT.
CREATE INDEX "players_tenant_id_vip_level_idx" ON "players"("tenant_id", "vip_level");
CREATE INDEX "players_tenant_id_last_deposit_at_idx" ON "players"("tenant_id", "last_deposit_at");
CREATE INDEX "players_tenant_id_registered_at_idx" ON "players"("tenant_id", "registered_at");
CREATE INDEX "players_tenant_id_country_idx" ON "players"("tenant_id", "country");
