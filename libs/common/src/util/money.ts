/** Money is integer millis. Values travel as JS numbers up to 2^53 - 1 and are stored as bigint. */
export const MAX_MONEY = Number.MAX_SAFE_INTEGER;

export function moneyToNumber(v: bigint | number): number {
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (!Number.isSafeInteger(n)) throw new RangeError(`money value out of safe range: ${String(v)}`);
  return n;
}
