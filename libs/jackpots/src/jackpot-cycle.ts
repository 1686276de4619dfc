import { dropPoint, HIT_RATE_DECIMALS, JACKPOT_ALGORITHM, roll, rollWins } from './jackpot-fair.js';
import { contributionNanos, formatScaled, MAX_POOL_NANOS, NANOS_PER_MILLI, splitPool } from './pool-math.js';

export type JackpotType = 'must_drop' | 'progressive';

export interface JackpotTerms {
  type: JackpotType;
  seedAmount: bigint;
  /** contribution_rate in nanos per milli (9 decimals) */
  rateNanos: bigint;
  mustDropBy: bigint | null;
  /** hit_rate scaled by 10^12 */
  hitRateScaled: bigint | null;
}

export interface CycleState {
  cycle: number;
  poolNanos: bigint;
  seedId: string;
  seed: string;
  commit: string;
}

export interface NewSeed {
  id: string;
  seed: string;
  commit: string;
}

/** What a win reveals, so anyone can recompute it (the README shows how). */
export interface WinProof {
  algorithm: string;
  seed: string;
  seed_commit: string;
  /** must_drop: the terms the drop point comes from, and the drop point, millis */
  seed_amount?: number;
  must_drop_by?: number;
  drop_point?: number;
  /** progressive: the winning bet, the chance per unit bet, and the bet's roll, 16 hex digits (r / 2^64 < hit_rate × bet / 1000 won) */
  bet_amount?: number;
  hit_rate?: string;
  roll?: string;
  /** the pool when it was won, millis, exact */
  pool: string;
  /** the pool just before the winning contribution and what it added, millis, exact: pool_before + contribution = pool (must_drop: pool_before is below the drop point, pool at or above it) */
  pool_before: string;
  contribution: string;
}

/** Nanos as exact millis: `<millis>.<9 digits>`. */
const exactMillis = (nanos: bigint): string => {
  const { millis, carry } = splitPool(nanos);
  return `${millis}.${carry.toString().padStart(9, '0')}`;
};

export interface CycleWin<S extends NewSeed = NewSeed> {
  cycle: number;
  sourceWagerId: string;
  amount: bigint;
  seedId: string;
  proof: WinProof;
  nextSeed: S;
}

export interface ContributionOutcome<S extends NewSeed = NewSeed> {
  contributionNanos: bigint;
  /** the cycle the contribution went to */
  cycle: number;
  /** the pool after it (after the reset, when it won), nanos */
  poolAfterNanos: bigint;
  win: CycleWin<S> | null;
}

/**
 * Contributions applied in order to a jackpot's current cycle. The winning contribution is added to
 * the pool before it is paid; a win pays the pool's whole millis and the next cycle starts at
 * seed_amount plus the fraction carried, with a new seed. Conservation holds exactly:
 * pool + wins = seeds + contributions.
 */
export function applyContributions<S extends NewSeed>(
  terms: JackpotTerms,
  start: CycleState,
  contributions: ReadonlyArray<{ sourceWagerId: string; betAmount: bigint }>,
  nextSeed: () => S,
): { outcomes: ContributionOutcome<S>[]; state: CycleState } {
  let state = { ...start };
  let drop = terms.type === 'must_drop' ? dropPoint(state.seed, terms.seedAmount, terms.mustDropBy!) : null;
  const outcomes: ContributionOutcome<S>[] = [];
  for (const c of contributions) {
    // a pool never passes MAX_POOL_NANOS: a contribution that would adds only up to it
    const room = MAX_POOL_NANOS > state.poolNanos ? MAX_POOL_NANOS - state.poolNanos : 0n;
    const full = contributionNanos(c.betAmount, terms.rateNanos);
    const added = full < room ? full : room;
    const pool = state.poolNanos + added;
    const r = terms.type === 'progressive' ? roll(state.seed, c.sourceWagerId) : null;
    const won = drop !== null ? pool >= drop * NANOS_PER_MILLI : rollWins(r!, terms.hitRateScaled!, c.betAmount);
    if (!won) {
      state = { ...state, poolNanos: pool };
      outcomes.push({ contributionNanos: added, cycle: state.cycle, poolAfterNanos: pool, win: null });
      continue;
    }
    const { millis, carry } = splitPool(pool);
    const next = nextSeed();
    const win: CycleWin<S> = {
      cycle: state.cycle,
      sourceWagerId: c.sourceWagerId,
      amount: millis,
      seedId: state.seedId,
      proof: {
        algorithm: JACKPOT_ALGORITHM,
        seed: state.seed,
        seed_commit: state.commit,
        ...(drop !== null && { seed_amount: Number(terms.seedAmount), must_drop_by: Number(terms.mustDropBy), drop_point: Number(drop) }),
        ...(r !== null && { bet_amount: Number(c.betAmount), hit_rate: formatScaled(terms.hitRateScaled!, HIT_RATE_DECIMALS), roll: r.toString(16).padStart(16, '0') }),
        pool: exactMillis(pool),
        pool_before: exactMillis(state.poolNanos),
        contribution: exactMillis(added),
      },
      nextSeed: next,
    };
    const wonCycle = state.cycle;
    state = { cycle: state.cycle + 1, poolNanos: terms.seedAmount * NANOS_PER_MILLI + carry, seedId: next.id, seed: next.seed, commit: next.commit };
    drop = terms.type === 'must_drop' ? dropPoint(state.seed, terms.seedAmount, terms.mustDropBy!) : null;
    outcomes.push({ contributionNanos: added, cycle: wonCycle, poolAfterNanos: state.poolNanos, win });
  }
  return { outcomes, state };
}
