import { moneyToNumber, totalToNumber } from '@app/common';
import { type BonusKind, toDecimal4, type WageringBase } from './bonus-math.js';

export type GrantStatus = 'offered' | 'active' | 'completed' | 'expired' | 'forfeited' | 'cancelled';
export const GRANT_STATUSES: readonly GrantStatus[] = ['offered', 'active', 'completed', 'expired', 'forfeited', 'cancelled'];

export interface BonusTemplate {
  id: string;
  name: string;
  kind: BonusKind;
  currency: string;
  /** decimals as exact strings ("50", "33.33") */
  matchPercent: string | null;
  maxAmount: bigint | null;
  fixedAmount: bigint | null;
  cashbackPercent: string | null;
  cashbackWindowHours: number | null;
  wageringMultiplier: string;
  wageringBase: WageringBase;
  gameWeights: Record<string, number>;
  maxBet: bigint | null;
  minDeposit: bigint | null;
  expiresInHours: number | null;
  createdAt: Date;
  archivedAt: Date | null;
}

export interface BonusGrant {
  id: string;
  playerId: string;
  externalRef: string;
  templateId: string;
  kind: BonusKind;
  currency: string;
  status: GrantStatus;
  amount: bigint | null;
  depositAmount: bigint | null;
  wageringRequired: bigint | null;
  /** exact: ten-thousandths of a milli */
  wageringProgress: bigint;
  maxBetViolations: number;
  cashbackNetLoss: bigint;
  windowEndsAt: Date | null;
  expiresAt: Date | null;
  activatedAt: Date | null;
  completedAt: Date | null;
  endedAt: Date | null;
  createdAt: Date;
}

/** A live grant with the template terms the wagering engine needs. */
export interface LiveGrant extends BonusGrant {
  template: BonusTemplate;
}

export interface TemplateView {
  id: string;
  name: string;
  kind: BonusKind;
  currency: string;
  match_percent: number | null;
  max_amount: number | null;
  fixed_amount: number | null;
  cashback_percent: number | null;
  cashback_window_hours: number | null;
  wagering_multiplier: number;
  wagering_base: WageringBase;
  game_weights: Record<string, number>;
  max_bet: number | null;
  min_deposit: number | null;
  expires_in_hours: number | null;
  created_at: string;
  archived_at: string | null;
}

export interface GrantView {
  id: string;
  player_id: string;
  external_ref: string;
  bonus_template_id: string;
  kind: BonusKind;
  currency: string;
  status: GrantStatus;
  amount: number | null;
  deposit_amount: number | null;
  wagering_required: number | null;
  /** weighted turnover so far, millis, exact to 4 decimals (bet × weight) */
  wagering_progress: number;
  max_bet_violations: number;
  cashback_net_loss: number | null;
  window_ends_at: string | null;
  expires_at: string | null;
  activated_at: string | null;
  completed_at: string | null;
  ended_at: string | null;
  created_at: string;
}

const num = (v: bigint | null): number | null => (v === null ? null : moneyToNumber(v));
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export const toTemplateView = (t: BonusTemplate): TemplateView => ({
  id: t.id,
  name: t.name,
  kind: t.kind,
  currency: t.currency,
  match_percent: t.matchPercent === null ? null : Number(t.matchPercent),
  max_amount: num(t.maxAmount),
  fixed_amount: num(t.fixedAmount),
  cashback_percent: t.cashbackPercent === null ? null : Number(t.cashbackPercent),
  cashback_window_hours: t.cashbackWindowHours,
  wagering_multiplier: Number(t.wageringMultiplier),
  wagering_base: t.wageringBase,
  game_weights: t.gameWeights,
  max_bet: num(t.maxBet),
  min_deposit: num(t.minDeposit),
  expires_in_hours: t.expiresInHours,
  created_at: t.createdAt.toISOString(),
  archived_at: iso(t.archivedAt),
});

export const toGrantView = (g: BonusGrant): GrantView => ({
  id: g.id,
  player_id: g.playerId,
  external_ref: g.externalRef,
  bonus_template_id: g.templateId,
  kind: g.kind,
  currency: g.currency,
  status: g.status,
  amount: num(g.amount),
  deposit_amount: num(g.depositAmount),
  wagering_required: num(g.wageringRequired),
  wagering_progress: Math.min(Number(toDecimal4(g.wageringProgress)), Number.MAX_SAFE_INTEGER),
  max_bet_violations: g.maxBetViolations,
  cashback_net_loss: g.kind === 'cashback' ? totalToNumber(g.cashbackNetLoss) : null,
  window_ends_at: iso(g.windowEndsAt),
  expires_at: iso(g.expiresAt),
  activated_at: iso(g.activatedAt),
  completed_at: iso(g.completedAt),
  ended_at: iso(g.endedAt),
  created_at: g.createdAt.toISOString(),
});
