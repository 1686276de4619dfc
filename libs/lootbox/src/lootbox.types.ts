import type { RewardResult } from '@app/rewards';
import type { Prize, PrizeReward, Tier } from './prize-table.js';

/**
 * The idempotency keys of the opens that lootbox rewards make (`reward:<grant key>`, once per grant). An
 * operator's own open may not use it: a key taken first would make the reward replay that open, possibly
 * another player's, and grant nothing.
 */
export const REWARD_OPEN_KEY_PREFIX = 'reward:';

export interface Lootbox {
  id: string;
  name: string;
  tier: Tier | null;
  currency: string;
  evTarget: bigint | null;
  prizeTable: Prize[];
  /** millis, exact to 4 decimals */
  ev: string;
  createdAt: Date;
  currentSeed: { id: string; commit: string } | null;
}

export interface LootboxView {
  id: string;
  name: string;
  tier: Tier | null;
  currency: string;
  ev_target: number | null;
  /** the exact expected value of one open, millis (4 decimals) */
  ev: number;
  prize_table: Array<{ weight: number; probability: number; reward: PrizeReward }>;
  total_weight: number;
  /** the current server seed: its id and SHA-256 commit (the seed is revealed when it is rotated) */
  seed_id: string | null;
  seed_commit: string | null;
  created_at: string;
}

export interface SeedView {
  seed_id: string;
  commit: string;
  /** null until the seed is rotated */
  seed: string | null;
  created_at: string;
  revealed_at: string | null;
}

/** Everything needed to recompute the prize once the seed is revealed (scripts/verify-lootbox-open.mjs). */
export interface OpenProof {
  algorithm: string;
  seed_id: string;
  seed_commit: string;
  /** "<lootbox id>:<idempotency key>" */
  message: string;
  /** HMAC-SHA256(seed, message[":" + block]) of the block the ticket came from, hex */
  hmac: string;
  block: number;
  ticket: number;
  total_weight: number;
  weights: number[];
  prize_index: number;
}

export interface OpenView {
  open_id: string;
  lootbox_id: string;
  player_id: string;
  idempotency_key: string;
  reward: PrizeReward;
  /** what granting the prize did (the ledger entry, the bonus, …); null for nothing */
  result: RewardResult | null;
  proof: OpenProof;
  created_at: string;
}

export const toLootboxView = (b: Lootbox): LootboxView => {
  const total = b.prizeTable.reduce((a, p) => a + p.weight, 0);
  return {
    id: b.id,
    name: b.name,
    tier: b.tier,
    currency: b.currency,
    ev_target: b.evTarget === null ? null : Number(b.evTarget),
    ev: Number(b.ev),
    prize_table: b.prizeTable.map((p) => ({ weight: p.weight, probability: Math.round((p.weight / total) * 1e8) / 1e8, reward: p.reward })),
    total_weight: total,
    seed_id: b.currentSeed?.id ?? null,
    seed_commit: b.currentSeed?.commit ?? null,
    created_at: b.createdAt.toISOString(),
  };
};
