import { describe, expect, it } from '@jest/globals';
import { expectedValue, withinOnePercent } from './fair.js';
import { EV_SCALE, formatUnits, type Prize, prizeValue, scaledEv, TIERS, tierTable } from './prize-table.js';

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

  it('lands every target within 1%, or refuses it: tiny targets the rounding to the milli would miss', () => {
    for (const tier of TIERS) {
      for (let target = 1n; target <= 5_000n; target++) {
        const scaled = tierTable(tier, 'WINZ', target);
        if ('problem' in scaled) {
          expect({ tier, target, problem: scaled.problem }).toEqual({ tier, target, problem: expect.stringMatching(new RegExp(`^is too small for the ${tier} table`)) });
          expect(target).toBeLessThan(16n);
        } else {
          expect({ tier, target, within: withinOnePercent(expectedValue(weights(scaled.table), values(scaled.table)), target) }).toEqual({ tier, target, within: true });
        }
      }
    }
  });

  it('says by how much a refused target would be missed', () => {
    // bronze 15: prizes 19, 58 and 390 millis, EV (30·19 + 9·58 + 390) / 100 = 14.82, 1.2% below
    expect(tierTable('bronze', 'USD', 15n)).toEqual({ problem: 'is too small for the bronze table: its prizes, rounded to the milli, would make the EV 14.82, more than 1% from 15' });
    expect(tierTable('bronze', 'USD', 1n)).toEqual({ problem: expect.stringContaining('would make the EV 0.92, more than 1% from 1') });
    expect('problem' in tierTable('gold', 'USD', 10n)).toBe(true);
    // the smallest targets above every refused one, and one exactly 1% off (accepted, as a table would be)
    for (const [tier, target] of [['bronze', 16n], ['silver', 14n], ['gold', 11n], ['platinum', 15n]] as const) {
      expect('table' in tierTable(tier, 'USD', target)).toBe(true);
    }
    expect(expectedValue(weights(tableOf(tierTable('gold', 'USD', 11n))), values(tableOf(tierTable('gold', 'USD', 11n)))).rounded).toBe(11.11);
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

  it('values a nested box at its published EV, in ten-thousandths of a milli', () => {
    const box = { type: 'lootbox', lootbox_id: 'lbx_x' } as const;
    expect(prizeValue(box, 'USD', undefined, { currency: 'USD', ev: '2500.0500' })).toEqual({ value: 25_000_500n, scale: EV_SCALE });
    expect(prizeValue(box, 'WINZ', undefined, { currency: 'WINZ', ev: '0.3333' })).toEqual({ value: 3_333n, scale: EV_SCALE });
    expect(scaledEv('9007199254740991.0000')).toBe(9_007_199_254_740_991n * EV_SCALE);
    expect(scaledEv('12')).toBe(120_000n);
    // a box of a 1/3 chance at a 0.3333-milli box and 2/3 nothing: EV 0.1111
    expect(expectedValue([1n, 2n], [3_333n, 0n], EV_SCALE).text).toBe('0.1111');
    // the same EV whether values are millis (scale 1) or ten-thousandths (scale EV_SCALE)
    const scaled = expectedValue([60n, 30n, 10n], [0n, 1_000n * EV_SCALE, 5_000n * EV_SCALE], EV_SCALE);
    const millis = expectedValue([60n, 30n, 10n], [0n, 1_000n, 5_000n]);
    expect({ text: scaled.text, rounded: scaled.rounded }).toEqual({ text: millis.text, rounded: millis.rounded });
    expect(scaled.numerator * millis.denominator).toBe(millis.numerator * scaled.denominator);
  });

  it('refuses mixed currencies and unknown objects', () => {
    for (const [reward, box, bonus, lootbox] of [
      [{ type: 'winz', amount: 7 }, 'USD', undefined, undefined],
      [{ type: 'external', amount: 9, currency: 'EUR', description: 'x' }, 'USD', undefined, undefined],
      [{ type: 'bonus', bonus_template_id: 'b' }, 'EUR', nd, undefined],
      [{ type: 'bonus', bonus_template_id: 'b' }, 'USD', undefined, undefined],
      [{ type: 'lootbox', lootbox_id: 'lbx_x' }, 'USD', undefined, undefined],
      [{ type: 'lootbox', lootbox_id: 'lbx_x' }, 'USD', undefined, { currency: 'WINZ', ev: '10.0000' }],
    ] as const) {
      expect(prizeValue(reward as never, box, bonus as never, lootbox)).toEqual({ problem: expect.any(String) });
    }
  });
});
