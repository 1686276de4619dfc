import { Injectable } from '@nestjs/common';
import type { TenantId } from '@app/common';
import { OutboxService } from '@app/outbox';
import type { Player } from '@app/players';
import { contribution, DEPOSIT_KINDS, depositBonus, toDecimal4, wageringRequired } from './bonus-math.js';
import { type BonusGrant, type LiveGrant, toGrantView } from './bonus.types.js';
import { BonusesRepository, type GrantChange } from './bonuses.repository.js';

export interface WagerFacts {
  betAmount: bigint;
  winAmount: bigint;
  currency: string;
  gameCategory: string;
  settledAt: Date;
}

export interface DepositFacts {
  amount: bigint;
  currency: string;
  occurredAt: Date;
}

/** A wager's effect on one bonus, as POST /v1/wagers answers it. */
export interface WageringResult {
  bonus_id: string;
  /** bet × weight, millis, exact to 4 decimals; 0 above max_bet */
  wagering_contribution: number;
  wagering_progress: number;
  wagering_required: number;
  status: string;
  max_bet_violation: boolean;
}

/**
 * The wagering engine: what a settled wager and a deposit do to a player's live bonuses. Runs inside
 * the caller's transaction, with the player's live grants locked (oldest first), so concurrent
 * wagers of one player add up exactly.
 */
@Injectable()
export class BonusEngine {
  constructor(
    private readonly repo: BonusesRepository,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * A batch of settled wagers, in order, with every grant involved locked once and written once.
   * Active bonuses in the wager's currency gain bet × the category's weight (nothing above max_bet,
   * which counts a violation), if the wager settled while the bonus was active; a bonus whose
   * requirement is met completes. Open cashback windows add the wager's net loss.
   */
  async onWagers(tenantId: TenantId, wagers: ReadonlyArray<{ player: Player; facts: WagerFacts }>, now = new Date()): Promise<WageringResult[][]> {
    const grants = wagers.length === 0 ? new Map<string, LiveGrant[]>() : await this.repo.lockLiveGrantsOf(tenantId, [...new Set(wagers.map((w) => w.player.id))]);
    if (grants.size === 0) return wagers.map(() => []);
    const changed = new Map<string, LiveGrant>();
    const completed: LiveGrant[] = [];
    const results = wagers.map(({ player, facts: w }) => {
      const out: WageringResult[] = [];
      for (const g of grants.get(player.id) ?? []) {
        if (g.currency !== w.currency) continue;
        if (g.status === 'offered' && g.kind === 'cashback') {
          if (w.settledAt >= g.createdAt && g.windowEndsAt && w.settledAt < g.windowEndsAt) {
            g.cashbackNetLoss += w.betAmount - w.winAmount;
            changed.set(g.id, g);
          }
          continue;
        }
        if (g.status !== 'active' || !this.countsFor(g, w.settledAt, now)) continue;
        const c = contribution(w.betAmount, w.gameCategory, g.template.gameWeights, g.template.maxBet);
        g.wageringProgress += c.scaled;
        g.maxBetViolations += c.violation ? 1 : 0;
        if (g.wageringProgress >= g.wageringRequired! * 10_000n) {
          g.status = 'completed';
          g.completedAt = now;
          g.endedAt = now;
          completed.push(g);
        }
        changed.set(g.id, g);
        out.push({
          bonus_id: g.id,
          wagering_contribution: Number(toDecimal4(c.scaled)),
          wagering_progress: Number(toDecimal4(g.wageringProgress)),
          wagering_required: Number(g.wageringRequired),
          status: g.status,
          max_bet_violation: c.violation,
        });
      }
      return out;
    });
    await this.repo.saveWagering(tenantId, [...changed.values()]);
    for (const g of completed) await this.outbox.emit(tenantId, 'bonus.completed', { ...toGrantView(g) }, now);
    return results;
  }

  /**
   * A deposit activates the player's oldest offered deposit bonus that it qualifies for: same
   * currency, at least min_deposit, made after the offer and before its deadline. One deposit, one
   * bonus. The amount is min(deposit × match% / 100, max_amount); wagering starts at the deposit.
   */
  async onDeposit(tenantId: TenantId, player: Player, d: DepositFacts, now = new Date()): Promise<BonusGrant | null> {
    const offer = (await this.repo.lockLiveGrants(tenantId, player.id)).find(
      (g) =>
        g.status === 'offered' &&
        DEPOSIT_KINDS.includes(g.kind) &&
        g.currency === d.currency &&
        d.occurredAt >= g.createdAt &&
        (g.expiresAt === null || (d.occurredAt < g.expiresAt && now < g.expiresAt)) &&
        (g.template.minDeposit === null || d.amount >= g.template.minDeposit),
    );
    if (!offer) return null;
    return this.activate(tenantId, offer, depositBonus(d.amount, offer.template.matchPercent!, offer.template.maxAmount), d.amount, d.occurredAt, now);
  }

  /** Fixes a bonus's amount and starts its wagering (bonus.activated); one with nothing to wager completes. */
  async activate(tenantId: TenantId, g: LiveGrant, amount: bigint, deposit: bigint | null, activatedAt: Date, now: Date): Promise<BonusGrant> {
    const required = wageringRequired(g.template.wageringMultiplier, g.template.wageringBase, amount, deposit ?? 0n);
    const active = (await this.repo.changeGrant(tenantId, g.id, ['offered'], {
      status: 'active',
      amount,
      depositAmount: deposit,
      wageringRequired: required,
      activatedAt,
    }))!;
    await this.outbox.emit(tenantId, 'bonus.activated', { ...toGrantView(active) }, now);
    if (required > 0n) return active;
    const done = (await this.repo.changeGrant(tenantId, g.id, ['active'], { status: 'completed', completedAt: now, endedAt: now }))!;
    await this.outbox.emit(tenantId, 'bonus.completed', { ...toGrantView(done) }, now);
    return done;
  }

  /** A wager counts if it settled after activation and before the deadline, and the deadline has not passed. */
  private countsFor(g: LiveGrant, settledAt: Date, now: Date): boolean {
    if (!g.activatedAt || settledAt < g.activatedAt) return false;
    return g.expiresAt === null || (settledAt < g.expiresAt && now < g.expiresAt);
  }
}
