import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { AppError } from '@app/common';
import { CreateJourneyDto } from '../dto/journey.dto.js';
import { CreateLootboxDto } from '../dto/lootbox.dto.js';
import { WagerDto } from '../dto/intake.dto.js';
import { RequestValidationPipe } from './validation.pipe.js';

const pipe = new RequestValidationPipe();
const reward = { type: 'winz', amount: 5000 };

async function refusal(metatype: new () => unknown, body: unknown): Promise<Array<{ field: string; issue: string }>> {
  try {
    await pipe.transform(body, { type: 'body', metatype });
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return ((e as AppError).details ?? []) as Array<{ field: string; issue: string }>;
  }
  throw new Error('the body was accepted');
}

describe('RequestValidationPipe: items of nested DTO arrays', () => {
  it.each([
    ['an empty array as a step', [{ trigger: 'login' }, []], 'steps[1]'],
    ['an empty array as the only step', [[]], 'steps[0]'],
    ['a nested array of steps', [[{ trigger: 'login' }]], 'steps[0]'],
    ['a number as a step', [{ trigger: 'login' }, 7], 'steps[1]'],
    ['null as a step', [null], 'steps[0]'],
    ['a string as a step', ['login'], 'steps[0]'],
  ])('names the item for %s', async (_, steps, field) => {
    expect(await refusal(CreateJourneyDto, { name: 'x', steps, reward })).toEqual([{ field, issue: 'must be a JSON object' }]);
  });

  it('names each bad prize once, beside the problems of the good-looking ones', async () => {
    const details = await refusal(CreateLootboxDto, {
      name: 'x',
      currency: 'WINZ',
      prize_table: [[], { weight: 0, reward: { type: 'winz', amount: 1 } }, [{ weight: 1, reward: { type: 'nothing' } }]],
    });
    expect(details).toEqual([
      { field: 'prize_table[0]', issue: 'must be a JSON object' },
      { field: 'prize_table[1].weight', issue: expect.stringContaining('integer') },
      { field: 'prize_table[2]', issue: 'must be a JSON object' },
    ]);
  });

  it('says once that a non-array is not an array', async () => {
    expect(await refusal(CreateJourneyDto, { name: 'x', steps: { trigger: 'login' }, reward })).toEqual([
      { field: 'steps', issue: expect.stringContaining('array') },
    ]);
  });

  it('still builds instances of the step class from valid items', async () => {
    const dto = (await pipe.transform({ name: 'x', steps: [{ trigger: 'login', count: 2 }], reward }, { type: 'body', metatype: CreateJourneyDto })) as CreateJourneyDto;
    expect(dto.toInput().steps).toEqual([{ trigger: 'login', count: 2, minAmount: null }]);
  });
});

describe('RequestValidationPipe: route parameters', () => {
  it.each(['plr_01m815s5g0tv8swys7gz4j0g32', 'user-8812', 'é'.repeat(128), ''])('passes %j through unchanged', async (id) => {
    expect(await pipe.transform(id, { type: 'param', data: 'id' })).toBe(id);
  });

  it.each([
    ['id', 'ab\u0000cd', 'object not found'],
    ['player', '\u0000', 'player not found'],
    ['bonus_id', 'bns_\u0000', 'bonus not found'],
    ['delivery_id', 'dlv_\ud800', 'delivery not found'],
  ])('refuses :%s %j as an unknown id (404 not_found)', async (data, id, message) => {
    await expect(pipe.transform(id, { type: 'param', data })).rejects.toMatchObject({ status: 404, code: 'not_found', message });
  });

  it('lets a bad body win over a NUL id: the 404 is raised only after the other pipes have settled', async () => {
    const params = pipe.transform('ab\u0000cd', { type: 'param', data: 'id' });
    const body = pipe.transform({ name: 'x', steps: 'login', reward }, { type: 'body', metatype: CreateJourneyDto });
    await expect(Promise.all([params, body])).rejects.toMatchObject({ status: 400, code: 'validation_failed' });
    await expect(params).rejects.toMatchObject({ status: 404 });
  });
});

describe('RequestValidationPipe: rules between fields', () => {
  const wager = { source_wager_id: 'w-1', bet_amount: 1000, win_amount: 0, currency: 'USD', game_code: 'g', game_category: 'slots' };

  it('names a missing player reference beside a bad field, in one 400', async () => {
    expect(await refusal(WagerDto, { ...wager, bet_amount: 1.5 })).toEqual([
      { field: 'bet_amount', issue: expect.any(String) },
      { field: 'player_id', issue: 'one of player_id, external_ref is required' },
      { field: 'external_ref', issue: 'one of player_id, external_ref is required' },
    ]);
  });

  it('names a field once, by its own rule, when it also breaks a rule between fields', async () => {
    const details = await refusal(WagerDto, { ...wager, player_id: 7, external_ref: 'p' });
    expect(details.filter((d) => d.field === 'player_id')).toHaveLength(1);
    expect(details).toContainEqual({ field: 'external_ref', issue: 'give only one of player_id, external_ref' });
  });

  it('leaves a valid body to the controller, which applies the same rules', async () => {
    await expect(pipe.transform({ ...wager, player_id: 'p' }, { type: 'body', metatype: WagerDto })).resolves.toBeInstanceOf(WagerDto);
  });
});
