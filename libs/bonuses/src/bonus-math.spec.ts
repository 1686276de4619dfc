import { describe, expect, it } from '@jest/globals';
import { cashbackBonus, contribution, depositBonus, fromDecimal4, hasAtMostDecimals, scaled, toDecimal4, wageringRequired } from './bonus-math.js';

const UNIT = 1000n; // millis per currency unit

describe('the example of seeds/003 §5', () => {
  it('deposit 100, 200% match → bonus 200; 40× on deposit + bonus → 12,000 turnover', () => {
    const bonus = depositBonus(100n * UNIT, '200', null);
    expect(bonus).toBe(200n * UNIT);
    expect(wageringRequired('40', 'deposit_plus_bonus', bonus, 100n * UNIT)).toBe(12_000n * UNIT);
  });

  it('slots count 100%, roulette 10%, blackjack 5%; a bet over the max adds 0', () => {
    const weights = { slots: 1, roulette: 0.1, blackjack: 0.05 };
    const maxBet = 5n * UNIT;
    expect(contribution(5n * UNIT, 'slots', weights, maxBet)).toEqual({ scaled: 5n * UNIT * 10_000n, violation: false });
    expect(contribution(5n * UNIT, 'roulette', weights, maxBet).scaled).toBe(500n * 10_000n);
    expect(contribution(5n * UNIT, 'blackjack', weights, maxBet).scaled).toBe(250n * 10_000n);
    expect(contribution(5001n, 'slots', weights, maxBet)).toEqual({ scaled: 0n, violation: true });
    expect(contribution(5n * UNIT, 'crash', weights, maxBet).scaled).toBe(0n);
    // names of Object.prototype members are categories like any other: not weighted unless set
    for (const name of ['constructor', '__proto__', 'tostring', 'hasownproperty']) {
      expect(contribution(5n * UNIT, name, weights, maxBet)).toEqual({ scaled: 0n, violation: false });
    }
  });
});

describe('deposit bonuses', () => {
  it('caps at max_amount (Recipe 3: 50%, $200 cap)', () => {
    expect(depositBonus(100_000n, '50', 200_000n)).toBe(50_000n);
    expect(depositBonus(1_000_000n, '50', 200_000n)).toBe(200_000n);
  });

  it('rounds down to the milli, exactly, for fractional percentages', () => {
    expect(depositBonus(333n, '33.33', null)).toBe(110n); // 110.9889
    expect(depositBonus(9_007_199_254_740_991n, '1000', null)).toBe(9_007_199_254_740_991n); // clamped to 2^53 - 1
  });
});

describe('cashback', () => {
  it('is a percentage of the net loss, capped; nothing after a net win', () => {
    expect(cashbackBonus(80_000n, '10', null)).toBe(8_000n);
    expect(cashbackBonus(10_000_000n, '10', 50_000n)).toBe(50_000n);
    expect(cashbackBonus(-5_000n, '10', null)).toBe(0n);
    expect(cashbackBonus(0n, '10', null)).toBe(0n);
  });
});

describe('wagering', () => {
  it('rounds the requirement up to the milli', () => {
    expect(wageringRequired('1.5', 'bonus', 3n, 0n)).toBe(5n); // 4.5 → 5
    expect(wageringRequired('25', 'bonus', 50_000n, 100_000n)).toBe(1_250_000n);
    expect(wageringRequired('0', 'bonus', 50_000n, 0n)).toBe(0n);
  });

  it('adds up exactly, without float drift', () => {
    const weights = { roulette: 0.1 };
    let total = 0n;
    for (let i = 0; i < 1000; i++) total += contribution(15n, 'roulette', weights, null).scaled;
    expect(toDecimal4(total)).toBe('1500.0000');
    expect(toDecimal4(contribution(7n, 'roulette', { roulette: 0.0333 }, null).scaled)).toBe('0.2331');
  });
});

describe('decimals', () => {
  it('scales exact decimals and refuses too many places', () => {
    expect(scaled('12.5', 2)).toBe(1250n);
    expect(scaled(0.05, 4)).toBe(500n);
    expect(scaled(1, 4)).toBe(10_000n);
    expect(() => scaled('0.12345', 4)).toThrow();
    expect(fromDecimal4('1500.0000')).toBe(15_000_000n);
    expect(fromDecimal4('0.2331')).toBe(2331n);
  });

  it('tells numbers with too many decimals', () => {
    expect(hasAtMostDecimals(0.05, 4)).toBe(true);
    expect(hasAtMostDecimals(0.1 + 0.2, 4)).toBe(false);
    expect(hasAtMostDecimals(33.333, 2)).toBe(false);
    expect(hasAtMostDecimals(40, 2)).toBe(true);
    expect(hasAtMostDecimals(Number.NaN, 2)).toBe(false);
  });
});
