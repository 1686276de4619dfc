/** Money is integer millis. Values travel as JS numbers up to 2^53 - 1 and are stored as bigint. */
export const MAX_MONEY = Number.MAX_SAFE_INTEGER;

export function moneyToNumber(v: bigint | number): number {
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (!Number.isSafeInteger(n)) throw new RangeError(`money value out of safe range: ${String(v)}`);
  return n;
}

/**
 * A running total (turnover, deposits, net loss) as a JSON number: it saturates at ±(2^53 − 1)
 * rather than failing, as a total that large has long stopped being exact in any client anyway.
 */
export function totalToNumber(v: bigint): number {
  const max = BigInt(MAX_MONEY);
  return Number(v > max ? max : v < -max ? -max : v);
}
