import { Injectable } from '@nestjs/common';
import type { TenantId } from '@app/common';
import { OutboxService } from '@app/outbox';
import type { Player } from '@app/players';
import { DEPOSIT_KINDS, depositBonus, wageringRequired } from './bonus-math.js';
import { type BonusGrant, type LiveGrant, toGrantView } from './bonus.types.js';
import { BonusesRepository } from './bonuses.repository.js';

export interface DepositFacts {
  amount: bigint;
  currency: string;
  occurredAt: Date;
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
   * A deposit activates the player's oldest offered deposit bonus that it qualifies for: same
   * currency, at least min_deposit, made after the offer and before its deadline. One deposit, one
   * bonus. The amount is min(deposit × match% / 100, max_amount), rounded down to the milli; a deposit
   * whose match is not a whole milli (a deposit of 0, or 1 milli at 33%) matches nothing, so it leaves
   * the offer open. Wagering starts at the deposit.
   */
  async onDeposit(tenantId: TenantId, player: Player, d: DepositFacts, now = new Date()): Promise<BonusGrant | null> {
    const bonusOf = (g: LiveGrant) => depositBonus(d.amount, g.template.matchPercent!, g.template.maxAmount);
    const offer = (await this.repo.lockLiveGrants(tenantId, player.id)).find(
      (g) =>
        g.status === 'offered' &&
        DEPOSIT_KINDS.includes(g.kind) &&
        g.currency === d.currency &&
        d.occurredAt >= g.createdAt &&
        (g.expiresAt === null || (d.occurredAt < g.expiresAt && now < g.expiresAt)) &&
        (g.template.minDeposit === null || d.amount >= g.template.minDeposit) &&
        bonusOf(g) > 0n,
    );
    if (!offer) return null;
    return this.activate(tenantId, offer, bonusOf(offer), d.amount, d.occurredAt, now);
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
}
