import { moneyToNumber, type TenantId, totalToNumber } from '@app/common';

export interface Player {
  id: string;
  tenantId: TenantId;
  externalRef: string;
  country: string | null;
  currency: string | null;
  vipLevel: number;
  tags: string[];
  attributes: Record<string, unknown>;
  selfExcluded: boolean;
  excludedUntil: Date | null;
  registeredAt: Date | null;
  firstDepositAt: Date | null;
  lastDepositAt: Date | null;
  lastWagerAt: Date | null;
  lastLoginAt: Date | null;
  depositCount: number;
  totalDeposited: bigint;
  totalWagered: bigint;
  winzBalance: bigint;
  createdAt: Date;
}

/** The player as the API shows it (API.md §4); also the `player.created` event's data. */
export interface PlayerView {
  id: string;
  external_ref: string;
  country: string | null;
  currency: string | null;
  vip_level: number;
  tags: string[];
  attributes: Record<string, unknown>;
  self_excluded: boolean;
  excluded_until: string | null;
  stats: {
    registered_at: string | null;
    first_deposit_at: string | null;
    last_deposit_at: string | null;
    last_wager_at: string | null;
    last_login_at: string | null;
    deposit_count: number;
    total_deposited: number;
    total_wagered: number;
  };
  winz_balance: number;
  created_at: string;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toPlayerView(p: Player): PlayerView {
  return {
    id: p.id,
    external_ref: p.externalRef,
    country: p.country,
    currency: p.currency,
    vip_level: p.vipLevel,
    tags: p.tags,
    attributes: p.attributes,
    self_excluded: p.selfExcluded,
    excluded_until: iso(p.excludedUntil),
    stats: {
      registered_at: iso(p.registeredAt),
      first_deposit_at: iso(p.firstDepositAt),
      last_deposit_at: iso(p.lastDepositAt),
      last_wager_at: iso(p.lastWagerAt),
      last_login_at: iso(p.lastLoginAt),
      deposit_count: p.depositCount,
      total_deposited: totalToNumber(p.totalDeposited),
      total_wagered: totalToNumber(p.totalWagered),
    },
    winz_balance: moneyToNumber(p.winzBalance),
    created_at: p.createdAt.toISOString(),
  };
}

/** Self-excluded, or excluded until a moment still in the future (API.md §4). */
export function isExcluded(p: Pick<Player, 'selfExcluded' | 'excludedUntil'>, now = new Date()): boolean {
  return p.selfExcluded || (p.excludedUntil !== null && p.excludedUntil.getTime() > now.getTime());
}

export interface WalletView {
  currency: 'WINZ';
  balance: number;
  entries: Array<{ id: string; amount: number; balance_after: number; reason: string; reference: string | null; created_at: string }>;
  next_cursor: string | null;
}
