import { describe, expect, it } from '@jest/globals';
import { expectedValue, withinOnePercent } from './fair.js';
import { formatUnits, type Prize, prizeValue, TIERS, tierTable } from './prize-table.js';

const values = (prizes: Prize[]) => prizes.map((p) => BigInt(p.reward.type === 'nothing' ? 0 : (p.reward as { amount: number }).amount));
const weights = (prizes: Prize[]) => prizes.map((p) => BigInt(p.weight));
const tableOf = (scaled: ReturnType<typeof tierTable>): Prize[] => {
  if ('problem' in scaled) throw new Error(scaled.problem);
  return scaled.table;
};

describe('tier tables', () => {
  it.each(TIERS.flatMap((tier) => [1_000n, 2_500n, 77_777n, 5_000_000n].map((target) => [tier, target] as const)))(
    '%s scaled to %s millis lands within 1%% of the target',
    (tier, target) => {
      const table = tableOf(tierTable(tier, 'USD', target));
      expect(withinOnePercent(expectedValue(weights(table), values(table)), target)).toBe(true);
      expect(table.every((p) => p.weight > 0 && Number.isInteger(p.weight))).toBe(true);
    },
  );

  it('Recipe 4: gold, $2.50 EV: cash prizes in USD, EV within a hair of 2500', () => {
    const table = tableOf(tierTable('gold', 'USD', 2_500n));
    expect(table[1].reward).toEqual({ type: 'external', amount: 820, currency: 'USD', description: '0.82 USD cash prize' });
    expect(expectedValue(weights(table), values(table)).rounded).toBeCloseTo(2500.05, 2);
  });

  it('gives WINZ prizes in a WINZ box, and says why a target cannot be met', () => {
    expect(tableOf(tierTable('bronze', 'WINZ', 10_000n))[1].reward.type).toBe('winz');
    expect(tierTable('platinum', 'USD', 1n)).toEqual({ problem: 'is too small for the platinum table: a prize would round to 0 millis' });
    expect(tierTable('platinum', 'USD', BigInt(Number.MAX_SAFE_INTEGER))).toEqual({
      problem: 'is too large for the platinum table: a prize would exceed 2^53 − 1 millis',
    });
  });

  it('formats cash amounts', () => {
    expect([820, 2500, 1234567, 1000].map(formatUnits)).toEqual(['0.82', '2.50', '1234.567', '1.00']);
  });
});

describe('prize values', () => {
  const nd = { currency: 'USD', kind: 'no_deposit', fixedAmount: 5_000n };
  it('values prizes in the box currency', () => {
    expect(prizeValue({ type: 'nothing' }, 'USD', undefined)).toEqual({ value: 0n });
    expect(prizeValue({ type: 'winz', amount: 7 }, 'WINZ', undefined)).toEqual({ value: 7n });
    expect(prizeValue({ type: 'external', amount: 9, currency: 'USD', description: 'x' }, 'USD', undefined)).toEqual({ value: 9n });
    expect(prizeValue({ type: 'bonus', bonus_template_id: 'b' }, 'USD', nd)).toEqual({ value: 5_000n });
    expect(prizeValue({ type: 'bonus', bonus_template_id: 'b' }, 'USD', { currency: 'USD', kind: 'reload', fixedAmount: null })).toEqual({ value: 0n });
  });

  it('refuses mixed currencies and nested boxes', () => {
    for (const [reward, box, bonus] of [
      [{ type: 'winz', amount: 7 }, 'USD', undefined],
      [{ type: 'external', amount: 9, currency: 'EUR', description: 'x' }, 'USD', undefined],
      [{ type: 'bonus', bonus_template_id: 'b' }, 'EUR', nd],
      [{ type: 'bonus', bonus_template_id: 'b' }, 'USD', undefined],
      [{ type: 'lootbox', lootbox_id: 'lbx_x' }, 'USD', undefined],
    ] as const) {
      expect(prizeValue(reward as never, box, bonus as never)).toEqual({ problem: expect.any(String) });
    }
  });
});
