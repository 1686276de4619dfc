import { Injectable } from '@nestjs/common';
import { DbService } from '@app/db';
import { OutboxService } from '@app/outbox';
import { cashbackBonus } from './bonus-math.js';
import { toGrantView } from './bonus.types.js';
import { BonusEngine } from './bonus-engine.service.js';
import { BonusesRepository } from './bonuses.repository.js';

const BATCH = 200;

/**
 * The worker's bonus deadlines, each exactly once (a state change guarded by the state it leaves, on
 * rows locked with SKIP LOCKED, so several workers share the work):
 * - a cashback window that closed is settled: the bonus becomes active for
 *   min(net loss × cashback% / 100, max_amount), or expires when the player did not lose;
 * - an offered or active bonus whose expires_at passed expires (bonus.expired).
 */
@Injectable()
export class BonusTimers {
  constructor(
    private readonly db: DbService,
    private readonly repo: BonusesRepository,
    private readonly engine: BonusEngine,
    private readonly outbox: OutboxService,
  ) {}

  /** One round; true while there may be more due. */
  async tick(): Promise<boolean> {
    const settled = await this.settleCashbackWindows();
    const expired = await this.expireDue();
    return settled === BATCH || expired === BATCH;
  }

  async settleCashbackWindows(): Promise<number> {
    return this.db.transaction(async () => {
      const due = await this.repo.lockCashbackDue(BATCH);
      for (const { id, tenantId } of due) {
        const g = (await this.repo.findLive(tenantId, id))!;
        const now = new Date();
        const amount = cashbackBonus(g.cashbackNetLoss, g.template.cashbackPercent!, g.template.maxAmount);
        if (amount > 0n) {
          await this.engine.activate(tenantId, g, amount, null, g.windowEndsAt!, now);
        } else {
          const expired = await this.repo.changeGrant(tenantId, id, ['offered'], { status: 'expired', amount: 0n, endedAt: now });
          await this.outbox.emit(tenantId, 'bonus.expired', { ...toGrantView(expired!) }, now);
        }
      }
      return due.length;
    });
  }

  async expireDue(): Promise<number> {
    return this.db.transaction(async () => {
      const due = await this.repo.lockExpired(BATCH);
      for (const { id, tenantId } of due) {
        const now = new Date();
        const expired = await this.repo.changeGrant(tenantId, id, ['offered', 'active'], { status: 'expired', endedAt: now });
        if (expired) await this.outbox.emit(tenantId, 'bonus.expired', { ...toGrantView(expired) }, now);
      }
      return due.length;
    });
  }
}
