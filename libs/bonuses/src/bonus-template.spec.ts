import { describe, expect, it } from '@jest/globals';
import { type TemplateInput, templateProblems } from './bonus-template.js';

const base = { name: 'T', currency: 'USD', wageringMultiplier: 25, wageringBase: 'bonus' } as const;
const fields = (t: TemplateInput) => templateProblems(t).map((p) => p.field);

describe('templateProblems', () => {
  it('accepts each kind with its own fields', () => {
    expect(fields({ ...base, kind: 'reload', matchPercent: 50, maxAmount: 200_000n, minDeposit: 20_000n })).toEqual([]);
    expect(fields({ ...base, kind: 'deposit_match', matchPercent: 200, wageringBase: 'deposit_plus_bonus', gameWeights: { slots: 1, roulette: 0.1, blackjack: 0.05 } })).toEqual([]);
    expect(fields({ ...base, kind: 'no_deposit', fixedAmount: 10_000n })).toEqual([]);
    expect(fields({ ...base, kind: 'free_bet', fixedAmount: 5_000n, maxBet: 1_000n })).toEqual([]);
    expect(fields({ ...base, kind: 'cashback', cashbackPercent: 10, cashbackWindowHours: 24, maxAmount: 50_000n })).toEqual([]);
  });

  it('names the fields a kind needs', () => {
    expect(fields({ ...base, kind: 'reload' })).toEqual(['match_percent']);
    expect(fields({ ...base, kind: 'no_deposit' })).toEqual(['fixed_amount']);
    expect(fields({ ...base, kind: 'cashback' })).toEqual(['cashback_percent']);
  });

  it('names the fields a kind refuses', () => {
    expect(fields({ ...base, kind: 'reload', matchPercent: 50, fixedAmount: 1n })).toEqual(['fixed_amount']);
    expect(fields({ ...base, kind: 'free_bet', fixedAmount: 1n, matchPercent: 5, minDeposit: 1n })).toEqual(['match_percent', 'min_deposit']);
    expect(fields({ ...base, kind: 'cashback', cashbackPercent: 5, fixedAmount: 1n })).toEqual(['fixed_amount']);
  });

  it('refuses deposit_plus_bonus without a deposit', () => {
    expect(fields({ ...base, kind: 'no_deposit', fixedAmount: 1n, wageringBase: 'deposit_plus_bonus' })).toEqual(['wagering_base']);
    expect(fields({ ...base, kind: 'cashback', cashbackPercent: 5, wageringBase: 'deposit_plus_bonus' })).toEqual(['wagering_base']);
  });

  it('refuses unknown categories and weights outside 0–1 or with more than 4 decimals', () => {
    const t = { ...base, kind: 'reload' as const, matchPercent: 50 };
    expect(fields({ ...t, gameWeights: { slot: 1 } })).toEqual(['game_weights.slot']);
    expect(fields({ ...t, gameWeights: { slots: 1.5 } })).toEqual(['game_weights.slots']);
    expect(fields({ ...t, gameWeights: { slots: -0.1 } })).toEqual(['game_weights.slots']);
    expect(fields({ ...t, gameWeights: { roulette: 0.12345 } })).toEqual(['game_weights.roulette']);
    expect(fields({ ...t, gameWeights: { roulette: '0.1' as unknown as number } })).toEqual(['game_weights.roulette']);
    expect(fields({ ...t, gameWeights: { slots: 0, roulette: 1, blackjack: 0.0001 } })).toEqual([]);
  });
});
