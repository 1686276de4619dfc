import type { Reward } from '@app/rewards';
import { expectedValue, withinOnePercent } from './fair.js';

export type PrizeReward = Reward | { type: 'nothing' };

export interface Prize {
  weight: number;
  reward: PrizeReward;
}

export const TIERS = ['bronze', 'silver', 'gold', 'platinum'] as const;
export type Tier = (typeof TIERS)[number];

/**
 * The default tables: (weight, prize in multiples of a unit). Higher tiers are rarer and bigger. A box
 * with `ev_target` and no table takes its tier's shape, with the unit chosen so the EV is the target:
 * each prize is rounded to the milli, which keeps the EV within a hair of it once the target is more
 * than a few millis (a target the rounding misses by more than 1% is refused, as a table would be).
 */
export const TIER_SHAPES: Record<Tier, ReadonlyArray<readonly [weight: number, multiple: number]>> = {
  bronze: [[60, 0], [30, 1], [9, 3], [1, 20]],
  silver: [[55, 0], [30, 1], [12, 4], [3, 25]],
  gold: [[50, 0], [30, 1], [15, 5], [4, 25], [1, 100]],
  platinum: [[45, 0], [30, 2], [17, 6], [6, 30], [2, 150]],
};

/**
 * The tier's table scaled to `evTarget` (millis): WINZ prizes in a WINZ box, cash prizes otherwise; or
 * why the target cannot be met (a prize would round to 0 or exceed 2^53 − 1 millis, or the prizes,
 * rounded to the milli, would put the EV more than 1% from the target: only tiny targets, under 16
 * millis). Exact scaling is not possible in general: silver's prize weights (30, 12, 3) only reach
 * totals divisible by 3.
 */
export function tierTable(tier: Tier, currency: string, evTarget: bigint): { table: Prize[] } | { problem: string } {
  const shape = TIER_SHAPES[tier];
  const totalWeight = BigInt(shape.reduce((a, [w]) => a + w, 0));
  const weightedMultiples = BigInt(shape.reduce((a, [w, m]) => a + w * m, 0));
  const prizes: Prize[] = [];
  const values: bigint[] = [];
  for (const [weight, multiple] of shape) {
    if (multiple === 0) {
      prizes.push({ weight, reward: { type: 'nothing' } });
      values.push(0n);
      continue;
    }
    // round(multiple × target × W / Σ w·m), in integers
    const num = BigInt(multiple) * evTarget * totalWeight;
    const amount = (num * 2n + weightedMultiples) / (2n * weightedMultiples);
    if (amount < 1n) return { problem: `is too small for the ${tier} table: a prize would round to 0 millis` };
    if (amount > BigInt(Number.MAX_SAFE_INTEGER)) return { problem: `is too large for the ${tier} table: a prize would exceed 2^53 − 1 millis` };
    const value = Number(amount);
    prizes.push({
      weight,
      reward:
        currency === 'WINZ'
          ? { type: 'winz', amount: value }
          : { type: 'external', amount: value, currency, description: `${formatUnits(value)} ${currency} cash prize` },
    });
    values.push(amount);
  }
  const ev = expectedValue(shape.map(([w]) => BigInt(w)), values);
  if (!withinOnePercent(ev, evTarget)) {
    return { problem: `is too small for the ${tier} table: its prizes, rounded to the milli, would make the EV ${ev.rounded}, more than 1% from ${evTarget}` };
  }
  return { table: prizes };
}

/** 2500 → "2.50", 1234567 → "1234.567". */
export function formatUnits(millis: number): string {
  const units = Math.floor(millis / 1000);
  const rest = millis % 1000;
  return rest === 0 ? `${units}.00` : `${units}.${String(rest).padStart(3, '0').replace(/0$/, '')}`;
}

export interface BonusTerms {
  currency: string;
  kind: string;
  fixedAmount: bigint | null;
}

/** A lootbox a prize opens: its currency and its published EV (millis, exactly 4 decimals: "2500.0500"). */
export interface LootboxTerms {
  currency: string;
  ev: string;
}

/** A nested lootbox counts at its published EV, which has 4 decimals of a milli: values are in 1/10,000 milli. */
export const EV_SCALE = 10_000n;

/** "2500.0500" → 25000500n (ten-thousandths of a milli). */
export function scaledEv(ev: string): bigint {
  const [units, fraction = ''] = ev.split('.');
  return BigInt(units) * EV_SCALE + BigInt(fraction.padEnd(4, '0').slice(0, 4));
}

/**
 * What a prize is worth toward the box's EV, in the box's currency, or why it cannot be in the box.
 * Prizes in another currency are refused (no exchange rates are assumed): WINZ only in a WINZ box,
 * cash and bonuses only in their own currency. A bonus counts its fixed amount (no_deposit, free_bet);
 * an offer whose amount depends on a later deposit or loss (reload, deposit_match, cashback) counts 0.
 * A lootbox (opened at once for the player) counts its own published EV and must be in the box's
 * currency; its value is in ten-thousandths of a milli (`scale`: EV_SCALE), every other value in millis.
 * A box can only name boxes that already exist and a prize table never changes, so boxes cannot nest
 * in a cycle.
 */
export function prizeValue(
  reward: PrizeReward,
  boxCurrency: string,
  bonus: BonusTerms | undefined,
  lootbox?: LootboxTerms,
): { value: bigint; scale?: bigint } | { problem: string } {
  switch (reward.type) {
    case 'nothing':
      return { value: 0n };
    case 'winz':
      return boxCurrency === 'WINZ' ? { value: BigInt(reward.amount) } : { problem: `a WINZ prize cannot be in a ${boxCurrency} box` };
    case 'external':
      return reward.currency === boxCurrency ? { value: BigInt(reward.amount) } : { problem: `a ${reward.currency} prize cannot be in a ${boxCurrency} box` };
    case 'bonus':
      if (!bonus) return { problem: `bonus template ${reward.bonus_template_id} does not exist` };
      if (bonus.currency !== boxCurrency) return { problem: `a ${bonus.currency} bonus cannot be in a ${boxCurrency} box` };
      return { value: bonus.fixedAmount ?? 0n };
    case 'lootbox':
      if (!lootbox) return { problem: `lootbox ${reward.lootbox_id} does not exist` };
      if (lootbox.currency !== boxCurrency) return { problem: `a ${lootbox.currency} lootbox cannot be in a ${boxCurrency} box` };
      return { value: scaledEv(lootbox.ev), scale: EV_SCALE };
  }
}
