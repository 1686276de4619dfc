-- The money side: the WINZ ledger, reward grants, bonus templates and grants, wagers and player events.

-- ---- ledger ----------------------------------------------------------------------------------------
-- Append-only double entry. Every transaction's entries sum to zero per currency; player entries move
-- players.winz_balance in the same statement (a trigger), which can never go below zero.

CREATE TABLE "ledger_transactions" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "player_id" TEXT NOT NULL,
    "idempotency_key" TEXT,
    "request_hash" TEXT,
    "response" JSON,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ledger_transactions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ledger_transactions_kind_check" CHECK ("kind" IN ('credit', 'debit', 'reward'))
);
CREATE UNIQUE INDEX "ledger_transactions_tenant_id_idempotency_key_key" ON "ledger_transactions"("tenant_id", "idempotency_key");
ALTER TABLE "ledger_transactions" ADD CONSTRAINT "ledger_transactions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "ledger_transactions" ADD CONSTRAINT "ledger_transactions_player_id_fkey" FOREIGN KEY ("player_id") REFERENCES "players"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "ledger_entries" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "txn_id" TEXT NOT NULL,
    "account" TEXT NOT NULL,
    "player_id" TEXT,
    "currency" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "balance_after" BIGINT,
    "reason" TEXT NOT NULL,
    "reference" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ledger_entries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ledger_entries_account_check" CHECK (
        ("account" = 'player' AND "player_id" IS NOT NULL) OR ("account" LIKE 'tenant:%' AND "player_id" IS NULL)),
    CONSTRAINT "ledger_entries_amount_check" CHECK ("amount" <> 0)
);
CREATE INDEX "ledger_entries_tenant_id_player_id_id_idx" ON "ledger_entries"("tenant_id", "player_id", "id");
CREATE INDEX "ledger_entries_txn_id_idx" ON "ledger_entries"("txn_id");
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_txn_id_fkey" FOREIGN KEY ("txn_id") REFERENCES "ledger_transactions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_player_id_fkey" FOREIGN KEY ("player_id") REFERENCES "players"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Entries are immutable.
CREATE FUNCTION ledger_entries_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger entries are append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE OR DELETE ON "ledger_entries"
  FOR EACH ROW EXECUTE FUNCTION ledger_entries_immutable();
CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON "ledger_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_immutable();

-- A player entry moves the player's balance and records the balance after it; the players CHECK
-- refuses a negative balance, so a debit beyond the balance fails however many race.
CREATE FUNCTION ledger_entries_apply_to_player() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.account = 'player' THEN
    PERFORM set_config('wowsino.ledger_write', 'on', true);
    UPDATE players SET winz_balance = winz_balance + NEW.amount
     WHERE id = NEW.player_id AND tenant_id = NEW.tenant_id
    RETURNING winz_balance INTO NEW.balance_after;
    PERFORM set_config('wowsino.ledger_write', 'off', true);
    IF NOT FOUND THEN
      RAISE EXCEPTION 'ledger entry for unknown player %', NEW.player_id USING ERRCODE = 'foreign_key_violation';
    END IF;
  ELSE
    NEW.balance_after := NULL;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER ledger_entries_apply BEFORE INSERT ON "ledger_entries"
  FOR EACH ROW EXECUTE FUNCTION ledger_entries_apply_to_player();

-- A balance every client can read exactly: at most 2^53 - 1 millis.
ALTER TABLE "players" ADD CONSTRAINT "players_winz_balance_max_check" CHECK ("winz_balance" <= 9007199254740991);

-- Only the ledger moves a balance: balance = sum of the player's entries, always.
CREATE FUNCTION players_balance_only_by_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.winz_balance IS DISTINCT FROM OLD.winz_balance
     AND current_setting('wowsino.ledger_write', true) IS DISTINCT FROM 'on' THEN
    RAISE EXCEPTION 'winz_balance changes only through ledger entries' USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER players_balance_guard BEFORE UPDATE OF "winz_balance" ON "players"
  FOR EACH ROW EXECUTE FUNCTION players_balance_only_by_ledger();

-- Double entry: at commit, each transaction's entries sum to zero in each currency.
CREATE FUNCTION ledger_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unbalanced TEXT;
BEGIN
  SELECT currency INTO unbalanced FROM ledger_entries WHERE txn_id = NEW.txn_id
   GROUP BY currency HAVING sum(amount) <> 0 LIMIT 1;
  IF unbalanced IS NOT NULL THEN
    RAISE EXCEPTION 'ledger transaction % does not balance in %', NEW.txn_id, unbalanced USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON "ledger_entries"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_transaction_balanced();

-- ---- rewards ---------------------------------------------------------------------------------------
-- Each grant of a reward happens once per grant key (tournament + rank, journey + player + cycle, …).

CREATE TABLE "reward_grants" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "grant_key" TEXT NOT NULL,
    "player_id" TEXT NOT NULL,
    "reward" JSONB NOT NULL,
    "result" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "reward_grants_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "reward_grants_tenant_id_grant_key_key" ON "reward_grants"("tenant_id", "grant_key");
ALTER TABLE "reward_grants" ADD CONSTRAINT "reward_grants_player_id_fkey" FOREIGN KEY ("player_id") REFERENCES "players"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ---- bonuses ---------------------------------------------------------------------------------------

CREATE TABLE "bonus_templates" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "match_percent" DECIMAL(8,2),
    "max_amount" BIGINT,
    "fixed_amount" BIGINT,
    "cashback_percent" DECIMAL(8,2),
    "cashback_window_hours" INTEGER,
    "wagering_multiplier" DECIMAL(8,2) NOT NULL,
    "wagering_base" TEXT NOT NULL,
    "game_weights" JSONB NOT NULL,
    "max_bet" BIGINT,
    "min_deposit" BIGINT,
    "expires_in_hours" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archived_at" TIMESTAMPTZ(3),
    CONSTRAINT "bonus_templates_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "bonus_templates_kind_check" CHECK ("kind" IN ('reload', 'deposit_match', 'no_deposit', 'free_bet', 'cashback')),
    CONSTRAINT "bonus_templates_wagering_base_check" CHECK ("wagering_base" IN ('bonus', 'deposit_plus_bonus'))
);
CREATE INDEX "bonus_templates_tenant_id_idx" ON "bonus_templates"("tenant_id");
ALTER TABLE "bonus_templates" ADD CONSTRAINT "bonus_templates_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "bonus_grants" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "player_id" TEXT NOT NULL,
    "template_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "idempotency_key" TEXT,
    "grant_key" TEXT,
    "request_hash" TEXT,
    "response" JSON,
    "amount" BIGINT,
    "deposit_amount" BIGINT,
    "wagering_required" BIGINT,
    "wagering_progress" DECIMAL(30,4) NOT NULL DEFAULT 0,
    "max_bet_violations" INTEGER NOT NULL DEFAULT 0,
    "cashback_net_loss" BIGINT NOT NULL DEFAULT 0,
    "window_ends_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "activated_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "bonus_grants_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "bonus_grants_status_check" CHECK ("status" IN ('offered', 'active', 'completed', 'expired', 'forfeited', 'cancelled')),
    CONSTRAINT "bonus_grants_amounts_check" CHECK (
        ("amount" IS NULL OR "amount" >= 0) AND ("wagering_required" IS NULL OR "wagering_required" >= 0)
        AND "wagering_progress" >= 0 AND "max_bet_violations" >= 0),
    CONSTRAINT "bonus_grants_active_has_amount_check" CHECK ("status" <> 'active' OR ("amount" IS NOT NULL AND "wagering_required" IS NOT NULL))
);
CREATE UNIQUE INDEX "bonus_grants_tenant_id_idempotency_key_key" ON "bonus_grants"("tenant_id", "idempotency_key");
CREATE UNIQUE INDEX "bonus_grants_tenant_id_grant_key_key" ON "bonus_grants"("tenant_id", "grant_key");
CREATE INDEX "bonus_grants_tenant_id_player_id_id_idx" ON "bonus_grants"("tenant_id", "player_id", "id");
-- The wagering engine's lookup: a player's live grants.
CREATE INDEX "bonus_grants_live_idx" ON "bonus_grants"("player_id") WHERE "status" IN ('offered', 'active');
-- The timers' work: live grants by deadline.
CREATE INDEX "bonus_grants_expiry_idx" ON "bonus_grants"("expires_at") WHERE "status" IN ('offered', 'active');
CREATE INDEX "bonus_grants_window_idx" ON "bonus_grants"("window_ends_at") WHERE "status" = 'offered' AND "kind" = 'cashback';
ALTER TABLE "bonus_grants" ADD CONSTRAINT "bonus_grants_player_id_fkey" FOREIGN KEY ("player_id") REFERENCES "players"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "bonus_grants" ADD CONSTRAINT "bonus_grants_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "bonus_templates"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ---- intake ----------------------------------------------------------------------------------------

CREATE TABLE "wagers" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "source_wager_id" TEXT NOT NULL,
    "player_id" TEXT NOT NULL,
    "bet_amount" BIGINT NOT NULL,
    "win_amount" BIGINT NOT NULL,
    "currency" TEXT NOT NULL,
    "game_code" TEXT NOT NULL,
    "game_category" TEXT NOT NULL,
    "settled_at" TIMESTAMPTZ(3) NOT NULL,
    "request_hash" TEXT NOT NULL,
    "response" JSON,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "wagers_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "wagers_amounts_check" CHECK ("bet_amount" >= 0 AND "win_amount" >= 0)
);
CREATE UNIQUE INDEX "wagers_tenant_id_source_wager_id_key" ON "wagers"("tenant_id", "source_wager_id");
CREATE INDEX "wagers_player_id_settled_at_idx" ON "wagers"("player_id", "settled_at");
ALTER TABLE "wagers" ADD CONSTRAINT "wagers_player_id_fkey" FOREIGN KEY ("player_id") REFERENCES "players"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "player_events" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "event_key" TEXT NOT NULL,
    "player_id" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "amount" BIGINT,
    "currency" TEXT,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "properties" JSONB,
    "request_hash" TEXT NOT NULL,
    "response" JSON,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "player_events_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "player_events_amount_check" CHECK ("amount" IS NULL OR "amount" >= 0)
);
CREATE UNIQUE INDEX "player_events_tenant_id_event_key_key" ON "player_events"("tenant_id", "event_key");
CREATE INDEX "player_events_player_id_occurred_at_idx" ON "player_events"("player_id", "occurred_at");
ALTER TABLE "player_events" ADD CONSTRAINT "player_events_player_id_fkey" FOREIGN KEY ("player_id") REFERENCES "players"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
