/**
 * Pool arithmetic in nanos (10^-9 of a milli): contribution_rate has at most 9 decimals, so
 * bet × rate is exact in nanos and nothing is ever rounded away. A win pays the whole millis of the
 * pool; the fraction of a milli left over is carried into the next cycle's pool.
 */

export const NANOS_PER_MILLI = 10n ** 9n;

/** The most a pool holds: 2^53 − 1 millis, so every pool and win is an exact JSON number (API.md §1). */
export const MAX_POOL_NANOS = BigInt(Number.MAX_SAFE_INTEGER) * NANOS_PER_MILLI;
export const RATE_DECIMALS = 9;

/** "0.01" → 10_000_000 (the rate in nanos per milli). Throws on more than 9 decimals. */
export function parseScaled(decimal: string, decimals: number): bigint {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(decimal);
  if (!m) throw new RangeError(`not a plain decimal: ${decimal}`);
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > decimals) throw new RangeError(`more than ${decimals} decimals: ${decimal}`);
  return BigInt(m[1]) * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, '0') || '0');
}

/** 10_000_000 with 9 decimals → "0.01" (no trailing zeros). */
export function formatScaled(value: bigint, decimals: number): string {
  const scale = 10n ** BigInt(decimals);
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  const frac = (abs % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
  return `${sign}${abs / scale}${frac ? `.${frac}` : ''}`;
}

/** bet (millis) × rate (nanos per milli) = the contribution in nanos. */
export function contributionNanos(betAmount: bigint, rateNanos: bigint): bigint {
  return betAmount * rateNanos;
}

/** The whole millis of a pool (what a win pays) and the fraction carried over. */
export function splitPool(poolNanos: bigint): { millis: bigint; carry: bigint } {
  return { millis: poolNanos / NANOS_PER_MILLI, carry: poolNanos % NANOS_PER_MILLI };
}
