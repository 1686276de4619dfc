import type { Reward } from '@app/rewards';

export interface Prize {
  rank_from: number;
  rank_to: number;
  reward: Reward;
}

/** Prize ranks stop here: a prize table is an operator's promise, not a lottery over every player. */
export const MAX_PRIZE_RANK = 10_000;

/** Problems with a prize table as a whole (each range's own fields are checked by the DTO): overlaps. */
export function prizeTableProblems(prizes: readonly Prize[]): Array<{ field: string; issue: string }> {
  const problems: Array<{ field: string; issue: string }> = [];
  prizes.forEach((p, i) => {
    if (p.rank_to < p.rank_from) problems.push({ field: `prizes[${i}].rank_to`, issue: 'must be at least rank_from' });
    for (let j = 0; j < i; j++) {
      const q = prizes[j];
      if (p.rank_from <= q.rank_to && q.rank_from <= p.rank_to) {
        problems.push({ field: `prizes[${i}]`, issue: `ranks ${p.rank_from}–${p.rank_to} overlap prizes[${j}] (ranks ${q.rank_from}–${q.rank_to})` });
        break;
      }
    }
  });
  return problems;
}

/** The reward for a rank, or null. */
export function prizeFor(prizes: readonly Prize[], rank: number): Reward | null {
  return prizes.find((p) => rank >= p.rank_from && rank <= p.rank_to)?.reward ?? null;
}

/** The lowest rank that wins anything (0 without prizes). */
export function lastPrizeRank(prizes: readonly Prize[]): number {
  return prizes.reduce((max, p) => Math.max(max, p.rank_to), 0);
}
