-- Tournaments with leaderboards and prizes, provably fair jackpots, and the keys that make every
-- wager's effect on them happen once.

-- The order in which scores were reached, across every process: on a tie, the lower one ranks higher.
CREATE SEQUENCE "tournament_score_seq";

CREATE TABLE "tournaments" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "finalize_grace_seconds" INTEGER NOT NULL,
    "finalize_at" TIMESTAMPTZ(3) NOT NULL,
    "metric" TEXT NOT NULL,
    "aggregate" TEXT NOT NULL,
    "min_bet" BIGINT,
    "game_codes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "game_categories" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "prizes" JSONB NOT NULL,
    "auto_enroll" BOOLEAN NOT NULL DEFAULT false,
    "state" TEXT NOT NULL DEFAULT 'open',
    "score_version" BIGINT NOT NULL DEFAULT 0,
    "total_players" INTEGER,
    "results" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),
    CONSTRAINT "tournaments_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "tournaments_window_check" CHECK ("starts_at" < "ends_at" AND "finalize_at" >= "ends_at"),
    -- (Prisma maps lists to nullable arrays; an empty one means any game)
    CONSTRAINT "tournaments_games_check" CHECK ("game_codes" IS NOT NULL AND "game_categories" IS NOT NULL),
    CONSTRAINT "tournaments_state_check" CHECK ("state" IN ('open', 'finished', 'cancelled')),
    CONSTRAINT "tournaments_metric_check" CHECK ("metric" IN ('bet_amount', 'win_amount', 'net_win', 'win_multiplier', 'wager_count')),
    CONSTRAINT "tournaments_aggregate_check" CHECK ("aggregate" IN ('sum', 'best'))
);
CREATE INDEX "tournaments_tenant_id_id_idx" ON "tournaments"("tenant_id", "id");
-- the finalizer's scan, and the auto_enroll routing of every wager
CREATE INDEX "tournaments_open_finalize_at_idx" ON "tournaments"("finalize_at") WHERE "state" = 'open';
CREATE INDEX "tournaments_open_auto_enroll_idx" ON "tournaments"("tenant_id", "currency") WHERE "state" = 'open' AND "auto_enroll";
ALTER TABLE "tournaments" ADD CONSTRAINT "tournaments_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- One row per player and tournament: the score and when it was reached (a tournament_score_seq value).
CREATE TABLE "tournament_scores" (
    "tournament_id" TEXT NOT NULL,
    "player_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "score" BIGINT NOT NULL,
    "reached_seq" BIGINT NOT NULL,
    "wagers" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "tournament_scores_pkey" PRIMARY KEY ("tournament_id", "player_id"),
    CONSTRAINT "tournament_scores_score_check" CHECK ("score" >= 0 AND "score" <= 9007199254740991 AND "wagers" >= 0)
);
CREATE INDEX "tournament_scores_tournament_id_score_reached_seq_idx" ON "tournament_scores"("tournament_id", "score" DESC, "reached_seq");
ALTER TABLE "tournament_scores" ADD CONSTRAINT "tournament_scores_tournament_id_fkey" FOREIGN KEY ("tournament_id") REFERENCES "tournaments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "tournament_scores" ADD CONSTRAINT "tournament_scores_player_id_fkey" FOREIGN KEY ("player_id") REFERENCES "players"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A wager's effect on one tournament, once per (tournament, source_wager_id) whichever endpoint
-- reported it (POST /v1/wagers or POST /v1/tournaments/:id/score), with the answer replays return.
CREATE TABLE "tournament_score_events" (
    "tournament_id" TEXT NOT NULL,
    "source_wager_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "player_id" TEXT NOT NULL,
    "qualified" BOOLEAN NOT NULL,
    "points" BIGINT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "response" JSON NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "tournament_score_events_pkey" PRIMARY KEY ("tournament_id", "source_wager_id")
);
ALTER TABLE "tournament_score_events" ADD CONSTRAINT "tournament_score_events_tournament_id_fkey" FOREIGN KEY ("tournament_id") REFERENCES "tournaments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "jackpots" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "seed_amount" BIGINT NOT NULL,
    "contribution_rate" DECIMAL(10,9) NOT NULL,
    "must_drop_by" BIGINT,
    "hit_rate" DECIMAL(13,12),
    "min_bet" BIGINT,
    "auto_enroll" BOOLEAN NOT NULL DEFAULT false,
    "cycle" INTEGER NOT NULL DEFAULT 1,
    -- millis, exact: fractions of a milli are carried
    "pool" DECIMAL(40,9) NOT NULL,
    -- the current cycle's seed (also in jackpot_seeds): one row to lock and read per batch
    "seed_id" TEXT NOT NULL,
    "seed_ciphertext" TEXT NOT NULL,
    "seed_commit" TEXT NOT NULL,
    -- conservation, across all cycles: pool + won_total = seeded_total + contributed_total
    "seeded_total" DECIMAL(40,0) NOT NULL,
    "contributed_total" DECIMAL(40,9) NOT NULL DEFAULT 0,
    "won_total" DECIMAL(40,0) NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "jackpots_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "jackpots_type_check" CHECK (
        ("type" = 'must_drop' AND "must_drop_by" > "seed_amount" AND "hit_rate" IS NULL)
        OR ("type" = 'progressive' AND "hit_rate" > 0 AND "must_drop_by" IS NULL)),
    CONSTRAINT "jackpots_amounts_check" CHECK ("seed_amount" >= 0 AND "contribution_rate" > 0 AND "contribution_rate" <= 1 AND "pool" >= 0 AND "cycle" >= 1),
    CONSTRAINT "jackpots_conservation_check" CHECK ("pool" + "won_total" = "seeded_total" + "contributed_total")
);
CREATE INDEX "jackpots_tenant_id_id_idx" ON "jackpots"("tenant_id", "id");
CREATE INDEX "jackpots_auto_enroll_idx" ON "jackpots"("tenant_id", "currency") WHERE "auto_enroll";
ALTER TABLE "jackpots" ADD CONSTRAINT "jackpots_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- One secret seed per cycle: encrypted until the cycle is won, then revealed.
CREATE TABLE "jackpot_seeds" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "jackpot_id" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "seed_ciphertext" TEXT NOT NULL,
    "commit" TEXT NOT NULL,
    "revealed_seed" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revealed_at" TIMESTAMPTZ(3),
    CONSTRAINT "jackpot_seeds_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "jackpot_seeds_jackpot_id_cycle_key" ON "jackpot_seeds"("jackpot_id", "cycle");
ALTER TABLE "jackpot_seeds" ADD CONSTRAINT "jackpot_seeds_jackpot_id_fkey" FOREIGN KEY ("jackpot_id") REFERENCES "jackpots"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A wager's contribution to one jackpot, once per (jackpot, source_wager_id) whichever endpoint
-- reported it, with the answer replays return.
CREATE TABLE "jackpot_contributions" (
    "jackpot_id" TEXT NOT NULL,
    "source_wager_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "player_id" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "bet_amount" BIGINT NOT NULL,
    "contribution" DECIMAL(40,9) NOT NULL,
    "request_hash" TEXT NOT NULL,
    "response" JSON NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "jackpot_contributions_pkey" PRIMARY KEY ("jackpot_id", "source_wager_id"),
    CONSTRAINT "jackpot_contributions_amounts_check" CHECK ("bet_amount" >= 0 AND "contribution" >= 0)
);
ALTER TABLE "jackpot_contributions" ADD CONSTRAINT "jackpot_contributions_jackpot_id_fkey" FOREIGN KEY ("jackpot_id") REFERENCES "jackpots"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Exactly one win per cycle: the unique (jackpot_id, cycle).
CREATE TABLE "jackpot_wins" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "jackpot_id" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "player_id" TEXT NOT NULL,
    "source_wager_id" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "seed_id" TEXT NOT NULL,
    "proof" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "jackpot_wins_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "jackpot_wins_amount_check" CHECK ("amount" >= 0)
);
CREATE UNIQUE INDEX "jackpot_wins_jackpot_id_cycle_key" ON "jackpot_wins"("jackpot_id", "cycle");
CREATE INDEX "jackpot_wins_jackpot_id_id_idx" ON "jackpot_wins"("jackpot_id", "id");
ALTER TABLE "jackpot_wins" ADD CONSTRAINT "jackpot_wins_jackpot_id_fkey" FOREIGN KEY ("jackpot_id") REFERENCES "jackpots"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "jackpot_wins" ADD CONSTRAINT "jackpot_wins_player_id_fkey" FOREIGN KEY ("player_id") REFERENCES "players"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "jackpot_wins" ADD CONSTRAINT "jackpot_wins_seed_id_fkey" FOREIGN KEY ("seed_id") REFERENCES "jackpot_seeds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
