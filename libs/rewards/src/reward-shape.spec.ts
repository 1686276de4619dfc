import { describe, expect, it } from '@jest/globals';
import { rewardProblems } from './reward-shape.js';

describe('rewardProblems', () => {
  it.each([
    { type: 'winz', amount: 5000 },
    { type: 'bonus', bonus_template_id: 'btp_x' },
    { type: 'external', amount: 100000, currency: 'USD', description: 'iPhone' },
    { type: 'lootbox', lootbox_id: 'lbx_x' },
  ])('accepts %j', (r) => {
    expect(rewardProblems(r)).toEqual([]);
  });

  it.each([
    [null, 'must be an object with a type'],
    [[], 'must be an object with a type'],
    [{}, 'type must be one of winz, bonus, external, lootbox'],
    [{ type: 'cash' }, 'type must be one of winz, bonus, external, lootbox'],
    [{ type: 'winz' }, 'amount must be an integer number of millis >= 1'],
    [{ type: 'winz', amount: 1.5 }, 'amount must be an integer number of millis >= 1'],
    [{ type: 'winz', amount: '5' }, 'amount must be an integer number of millis >= 1'],
    [{ type: 'winz', amount: 0 }, 'amount must be an integer number of millis >= 1'],
    [{ type: 'winz', amount: 1, currency: 'USD' }, 'currency is not allowed for a winz reward'],
    [{ type: 'bonus' }, 'bonus_template_id must be a bonus template id'],
    [{ type: 'external', amount: 1, currency: 'usd', description: 'x' }, 'currency must be an ISO 4217 code (e.g. USD)'],
    [{ type: 'external', amount: 1, currency: 'USD' }, 'description must be text of 1 to 500 characters'],
  ])('refuses %j: %s', (r, problem) => {
    expect(rewardProblems(r)).toContain(problem);
  });

  it('refuses nothing unless allowed', () => {
    expect(rewardProblems({ type: 'nothing' })).toHaveLength(1);
    expect(rewardProblems({ type: 'nothing' }, ['winz', 'nothing'])).toEqual([]);
  });
});
