import type { ErrorDetail } from '@app/common';
import { type BonusKind, DEPOSIT_KINDS, GAME_CATEGORIES, hasAtMostDecimals, type WageringBase } from './bonus-math.js';

export interface TemplateInput {
  name: string;
  kind: BonusKind;
  currency: string;
  matchPercent?: number;
  maxAmount?: bigint;
  fixedAmount?: bigint;
  cashbackPercent?: number;
  cashbackWindowHours?: number;
  wageringMultiplier: number;
  wageringBase: WageringBase;
  gameWeights?: Record<string, number>;
  maxBet?: bigint;
  minDeposit?: bigint;
  expiresInHours?: number;
}

/** A week: the default cashback window. */
export const DEFAULT_CASHBACK_WINDOW_HOURS = 168;

const FIELD: Record<string, string> = {
  matchPercent: 'match_percent',
  maxAmount: 'max_amount',
  fixedAmount: 'fixed_amount',
  cashbackPercent: 'cashback_percent',
  cashbackWindowHours: 'cashback_window_hours',
  minDeposit: 'min_deposit',
};

/** Which optional fields each kind needs, and which it refuses. */
const RULES: Record<BonusKind, { required: (keyof TemplateInput)[]; refused: (keyof TemplateInput)[] }> = {
  reload: { required: ['matchPercent'], refused: ['fixedAmount', 'cashbackPercent', 'cashbackWindowHours'] },
  deposit_match: { required: ['matchPercent'], refused: ['fixedAmount', 'cashbackPercent', 'cashbackWindowHours'] },
  no_deposit: { required: ['fixedAmount'], refused: ['matchPercent', 'maxAmount', 'minDeposit', 'cashbackPercent', 'cashbackWindowHours'] },
  free_bet: { required: ['fixedAmount'], refused: ['matchPercent', 'maxAmount', 'minDeposit', 'cashbackPercent', 'cashbackWindowHours'] },
  cashback: { required: ['cashbackPercent'], refused: ['matchPercent', 'fixedAmount', 'minDeposit'] },
};

/**
 * The rules a template must meet beyond its fields' own types and ranges: what each kind needs and
 * refuses, the wagering base it can use, and its game weights.
 */
export function templateProblems(t: TemplateInput): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const rules = RULES[t.kind];
  for (const key of rules.required) {
    if (t[key] === undefined) problems.push({ field: FIELD[key], issue: `is required for ${t.kind} bonuses` });
  }
  for (const key of rules.refused) {
    if (t[key] !== undefined) problems.push({ field: FIELD[key], issue: `does not apply to ${t.kind} bonuses` });
  }
  if (!DEPOSIT_KINDS.includes(t.kind) && t.wageringBase === 'deposit_plus_bonus') {
    problems.push({ field: 'wagering_base', issue: `must be bonus for ${t.kind} bonuses: there is no deposit` });
  }
  for (const [category, weight] of Object.entries(t.gameWeights ?? {})) {
    if (!(GAME_CATEGORIES as readonly string[]).includes(category)) {
      problems.push({ field: `game_weights.${category}`, issue: `is not a known game category (${GAME_CATEGORIES.join(', ')})` });
    } else if (typeof weight !== 'number' || weight < 0 || weight > 1 || !hasAtMostDecimals(weight, 4)) {
      problems.push({ field: `game_weights.${category}`, issue: 'must be a number between 0 and 1 with at most 4 decimals' });
    }
  }
  return problems;
}
