/**
 * The exact arithmetic of bonuses. Amounts are integer millis (bigint). Percentages and multipliers
 * carry at most 2 decimals and game weights at most 4, so everything is integer arithmetic on scaled
 * values: no float ever touches money or turnover.
 */

export const KINDS = ['reload', 'deposit_match', 'no_deposit', 'free_bet', 'cashback'] as const;
export type BonusKind = (typeof KINDS)[number];
export const DEPOSIT_KINDS: readonly BonusKind[] = ['reload', 'deposit_match'];

export const WAGERING_BASES = ['bonus', 'deposit_plus_bonus'] as const;
export type WageringBase = (typeof WAGERING_BASES)[number];

/** Game categories a template may weigh. A wager may carry any category; unknown ones weigh 0. */
export const GAME_CATEGORIES = [
  'slots', 'live_casino', 'table', 'roulette', 'blackjack', 'baccarat', 'poker', 'video_poker', 'crash',
  'bingo', 'keno', 'lottery', 'scratch', 'virtual_sports', 'sports', 'other',
] as const;

/** When a template sets no weights: slots count fully, everything else not at all (API.md §8). */
export const DEFAULT_GAME_WEIGHTS: Readonly<Record<string, number>> = { slots: 1 };

/** A decimal with at most `places` decimals as an integer scaled by 10^places ("12.5", 2 → 1250n). */
export function scaled(value: number | string, places: number): bigint {
  const text = typeof value === 'number' ? value.toFixed(places) : value;
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m || (m[2] ?? '').replace(/0+$/, '').length > places) throw new RangeError(`${value} has more than ${places} decimals`);
  return BigInt(m[1]) * 10n ** BigInt(places) + BigInt((m[2] ?? '').padEnd(places, '0').slice(0, places) || '0');
}

/** Does `value` (a JSON number) have at most `places` decimals? (0.1 + 0.2 style floats fail.) */
export function hasAtMostDecimals(value: number, places: number): boolean {
  if (!Number.isFinite(value)) return false;
  const text = String(value);
  if (/e/i.test(text)) return Number.isInteger(value) && Math.abs(value) < 1e21;
  return (text.split('.')[1] ?? '').length <= places;
}

/** The largest amount the API can show exactly (2^53 − 1 millis); computed amounts stop there. */
export const MAX_AMOUNT = BigInt(Number.MAX_SAFE_INTEGER);
const clamp = (v: bigint, cap: bigint | null): bigint => {
  const capped = cap !== null && v > cap ? cap : v;
  return capped > MAX_AMOUNT ? MAX_AMOUNT : capped;
};

/** The bonus for a deposit: min(deposit × match% / 100, max_amount), rounded down to the milli. */
export function depositBonus(deposit: bigint, matchPercent: string, maxAmount: bigint | null): bigint {
  return clamp((deposit * scaled(matchPercent, 2)) / 10_000n, maxAmount);
}

/** Cashback: min(net loss × cashback% / 100, max_amount); nothing when the player did not lose. */
export function cashbackBonus(netLoss: bigint, cashbackPercent: string, maxAmount: bigint | null): bigint {
  if (netLoss <= 0n) return 0n;
  return clamp((netLoss * scaled(cashbackPercent, 2)) / 10_000n, maxAmount);
}

/** Required turnover: multiplier × base (the bonus, or deposit + bonus), rounded up to the milli. */
export function wageringRequired(multiplier: string, base: WageringBase, bonus: bigint, deposit: bigint): bigint {
  const baseAmount = base === 'deposit_plus_bonus' ? bonus + deposit : bonus;
  return clamp((baseAmount * scaled(multiplier, 2) + 99n) / 100n, null);
}

export interface Contribution {
  /** bet × weight, in ten-thousandths of a milli (exact) */
  scaled: bigint;
  /** the bet was above max_bet: it adds nothing and counts a violation */
  violation: boolean;
}

/** What one wager adds to a bonus's wagering: bet × weight of its category, or nothing above max_bet. */
export function contribution(bet: bigint, category: string, weights: Readonly<Record<string, number>>, maxBet: bigint | null): Contribution {
  if (maxBet !== null && bet > maxBet) return { scaled: 0n, violation: true };
  // own keys only: a category named like an Object.prototype member ("constructor") weighs 0
  const weight = Object.hasOwn(weights, category) ? weights[category] : 0;
  return { scaled: bet * scaled(weight, 4), violation: false };
}

/** Ten-thousandths of a milli as a decimal string with 4 places ("12345.6789"), for numeric columns. */
export function toDecimal4(v: bigint): string {
  const sign = v < 0n ? '-' : '';
  const a = v < 0n ? -v : v;
  return `${sign}${a / 10_000n}.${(a % 10_000n).toString().padStart(4, '0')}`;
}

/** A numeric(…,4) value back to ten-thousandths of a milli. */
export function fromDecimal4(v: string): bigint {
  return scaled(v.replace(/^-/, ''), 4) * (v.startsWith('-') ? -1n : 1n);
}
