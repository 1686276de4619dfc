import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { AppError } from '@app/common';
import { CreateJourneyDto } from '../dto/journey.dto.js';
import { CreateLootboxDto } from '../dto/lootbox.dto.js';
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
