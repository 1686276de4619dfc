import { MAX_MONEY } from '@app/common';
import type { Reward } from './reward.types.js';

const isMoney = (v: unknown, min: number): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= MAX_MONEY;
const isText = (v: unknown, max: number): boolean =>
  // eslint-disable-next-line no-control-regex
  typeof v === 'string' && v.length >= 1 && v.length <= max && !/[\u0000-\u001f\u007f-\u009f]/.test(v);

const FIELDS: Record<string, string[]> = {
  winz: ['type', 'amount'],
  bonus: ['type', 'bonus_template_id'],
  external: ['type', 'amount', 'currency', 'description'],
  lootbox: ['type', 'lootbox_id'],
  nothing: ['type'],
};

/**
 * What is wrong with a reward given as JSON (API.md §6): `{type: "winz", amount}`,
 * `{type: "bonus", bonus_template_id}`, `{type: "external", amount, currency, description}`,
 * `{type: "lootbox", lootbox_id}` (and `{type: "nothing"}` where `allowNothing`). Empty when it is fine.
 */
export function rewardProblems(value: unknown, types: readonly string[] = ['winz', 'bonus', 'external', 'lootbox']): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return ['must be an object with a type'];
  const r = value as Record<string, unknown>;
  if (typeof r.type !== 'string' || !types.includes(r.type)) return [`type must be one of ${types.join(', ')}`];
  const problems: string[] = [];
  for (const key of Object.keys(r)) if (!FIELDS[r.type].includes(key)) problems.push(`${key} is not allowed for a ${r.type} reward`);
  if ((r.type === 'winz' || r.type === 'external') && !isMoney(r.amount, 1)) problems.push('amount must be an integer number of millis >= 1');
  if (r.type === 'bonus' && !isText(r.bonus_template_id, 64)) problems.push('bonus_template_id must be a bonus template id');
  if (r.type === 'lootbox' && !isText(r.lootbox_id, 64)) problems.push('lootbox_id must be a lootbox id');
  if (r.type === 'external') {
    if (typeof r.currency !== 'string' || !/^[A-Z]{3}$/.test(r.currency)) problems.push('currency must be an ISO 4217 code (e.g. USD)');
    if (!isText(r.description, 500)) problems.push('description must be text of 1 to 500 characters');
  }
  return problems;
}

export function isReward(value: unknown): value is Reward {
  return rewardProblems(value).length === 0;
}
