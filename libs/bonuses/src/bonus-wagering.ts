import { contribution, toDecimal4 } from './bonus-math.js';
import type { LiveGrant } from './bonus.types.js';

export interface WagerFacts {
  betAmount: bigint;
  winAmount: bigint;
  currency: string;
  gameCategory: string;
  settledAt: Date;
}

/** A wager's effect on one bonus, as POST /v1/wagers answers it. */
export interface WageringResult {
  bonus_id: string;
  /** bet × weight, millis, exact to 4 decimals; 0 above max_bet */
  wagering_contribution: number;
  wagering_progress: number;
  wagering_required: number;
  status: string;
  max_bet_violation: boolean;
}

/** A wager counts for a bonus if it settled after activation and before the deadline, and the deadline has not passed. */
export function countsFor(g: LiveGrant, settledAt: Date, now: Date): boolean {
  if (!g.activatedAt || settledAt < g.activatedAt) return false;
  return g.expiresAt === null || (settledAt < g.expiresAt && now < g.expiresAt);
}

/**
 * What a batch of settled wagers does to the players' live bonuses (locked by the caller), in order:
 * active bonuses in the wager's currency gain bet × the category's weight (nothing above max_bet,
 * which counts a violation) if the wager settled while the bonus was active, and a bonus whose
 * requirement is met completes; open cashback windows add the wager's net loss. Changes the grants
 * in place; returns each wager's answer, the grants to write, and those that completed.
 */
export function applyWagers(
  grants: ReadonlyMap<string, readonly LiveGrant[]>,
  wagers: ReadonlyArray<{ playerId: string; facts: WagerFacts }>,
  now: Date,
): { results: WageringResult[][]; changed: LiveGrant[]; completed: LiveGrant[] } {
  const changed = new Map<string, LiveGrant>();
  const completed: LiveGrant[] = [];
  const results = wagers.map(({ playerId, facts: w }) => {
    const out: WageringResult[] = [];
    for (const g of grants.get(playerId) ?? []) {
      if (g.currency !== w.currency) continue;
      if (g.status === 'offered' && g.kind === 'cashback') {
        if (w.settledAt >= g.createdAt && g.windowEndsAt && w.settledAt < g.windowEndsAt) {
          g.cashbackNetLoss += w.betAmount - w.winAmount;
          changed.set(g.id, g);
        }
        continue;
      }
      if (g.status !== 'active' || !countsFor(g, w.settledAt, now)) continue;
      const c = contribution(w.betAmount, w.gameCategory, g.template.gameWeights, g.template.maxBet);
      g.wageringProgress += c.scaled;
      g.maxBetViolations += c.violation ? 1 : 0;
      if (g.wageringProgress >= g.wageringRequired! * 10_000n) {
        g.status = 'completed';
        g.completedAt = now;
        g.endedAt = now;
        completed.push(g);
      }
      changed.set(g.id, g);
      out.push({
        bonus_id: g.id,
        wagering_contribution: Number(toDecimal4(c.scaled)),
        wagering_progress: Number(toDecimal4(g.wageringProgress)),
        wagering_required: Number(g.wageringRequired),
        status: g.status,
        max_bet_violation: c.violation,
      });
    }
    return out;
  });
  return { results, changed: [...changed.values()], completed };
}
