import type { JackpotType, WinProof } from './jackpot-cycle.js';
import { formatScaled, NANOS_PER_MILLI, RATE_DECIMALS } from './pool-math.js';

export interface Jackpot {
  id: string;
  tenantId: string;
  name: string;
  currency: string;
  type: JackpotType;
  seedAmount: bigint;
  /** nanos per milli (9 decimals) */
  rateNanos: bigint;
  mustDropBy: bigint | null;
  /** scaled by 10^12 */
  hitRateScaled: bigint | null;
  minBet: bigint | null;
  autoEnroll: boolean;
  cycle: number;
  poolNanos: bigint;
  seedId: string;
  seedCommit: string;
  seededTotal: bigint;
  contributedNanos: bigint;
  wonTotal: bigint;
  createdAt: Date;
}

export interface JackpotView {
  id: string;
  name: string;
  currency: string;
  type: JackpotType;
  seed_amount: number;
  contribution_rate: number;
  must_drop_by: number | null;
  hit_rate: number | null;
  min_bet: number | null;
  auto_enroll: boolean;
  /** the pool's whole millis (what a win would pay now) */
  pool_amount: number;
  /** the pool exactly, fractions of a milli included */
  pool_exact: string;
  cycle: number;
  /** SHA-256 of the current cycle's secret seed */
  seed_commit: string;
  /** pool_exact + won = seeded + contributed, exactly, over the jackpot's life */
  totals: { seeded: string; contributed: string; won: string };
  created_at: string;
}

export function toJackpotView(j: Jackpot): JackpotView {
  return {
    id: j.id,
    name: j.name,
    currency: j.currency,
    type: j.type,
    seed_amount: Number(j.seedAmount),
    contribution_rate: Number(formatScaled(j.rateNanos, RATE_DECIMALS)),
    must_drop_by: j.mustDropBy === null ? null : Number(j.mustDropBy),
    hit_rate: j.hitRateScaled === null ? null : Number(formatScaled(j.hitRateScaled, 12)),
    min_bet: j.minBet === null ? null : Number(j.minBet),
    auto_enroll: j.autoEnroll,
    pool_amount: Number(j.poolNanos / NANOS_PER_MILLI),
    pool_exact: formatScaled(j.poolNanos, RATE_DECIMALS),
    cycle: j.cycle,
    seed_commit: j.seedCommit,
    totals: { seeded: j.seededTotal.toString(), contributed: formatScaled(j.contributedNanos, RATE_DECIMALS), won: j.wonTotal.toString() },
    created_at: j.createdAt.toISOString(),
  };
}

/** The answer of POST /v1/jackpots/:id/contribute, and of each jackpot in a POST /v1/wagers answer. */
export interface ContributionResult {
  jackpot_id: string;
  /**
   * the whole millis this contribution added to the pool: fractions of a milli are carried in the pool
   * (pool_exact) and count when they complete a milli, so pool_amount = seed_amount + the cycle's
   * contributions and seed amounts + contributions = pool_amount + wins, exactly, in whole millis
   */
  contribution: number;
  /** the pool's whole millis after this contribution (after the reset, when it won) */
  pool_amount: number;
  won: boolean;
  win?: { win_id: string; amount: number };
  /** why nothing was contributed: below_min_bet, player_excluded, currency_mismatch */
  reason?: string;
}

/** `poolBeforeNanos` and `addedNanos`: the pool before this contribution and what it added (before any reset). */
export const contributionResult = (
  jackpotId: string,
  poolBeforeNanos: bigint,
  addedNanos: bigint,
  poolNanos: bigint,
  win: { id: string; amount: bigint } | null,
  reason?: string,
): ContributionResult => ({
  jackpot_id: jackpotId,
  contribution: Number(wholeMillisAdded(poolBeforeNanos, addedNanos)),
  pool_amount: Number(poolNanos / NANOS_PER_MILLI),
  won: win !== null,
  ...(win && { win: { win_id: win.id, amount: Number(win.amount) } }),
  ...(reason !== undefined && { reason }),
});

/**
 * The whole millis a contribution of `addedNanos` adds to a pool of `poolBeforeNanos`: the pool's
 * whole millis after it, less before it. Summed over a cycle, they are the whole millis the cycle
 * added (a pool starts each cycle at seed_amount plus a carried fraction below one milli).
 */
export function wholeMillisAdded(poolBeforeNanos: bigint, addedNanos: bigint): bigint {
  return (poolBeforeNanos + addedNanos) / NANOS_PER_MILLI - poolBeforeNanos / NANOS_PER_MILLI;
}

export interface JackpotWinView {
  win_id: string;
  jackpot_id: string;
  cycle: number;
  player_id: string;
  external_ref: string;
  source_wager_id: string;
  amount: number;
  currency: string;
  /** the cycle's seed, revealed (API.md §6), and the commit it was published as: also in `proof` */
  seed: string;
  seed_commit: string;
  /** the revealed seed of the cycle, its commit, and what the outcome was derived from */
  proof: WinProof;
  /** the commit of the next cycle's seed */
  next_seed_commit: string | null;
  created_at: string;
}
