import { Injectable } from '@nestjs/common';
import type { TenantId } from '@app/common';
import { BonusesService } from '@app/bonuses';
import type { Reward } from '@app/rewards';
import { LootboxesService } from './lootboxes.service.js';

/**
 * Whether a configured reward (a journey's, a tournament prize's) names objects of this tenant: a
 * bonus template or a lootbox that does not exist here would fail only when granted, much later.
 */
@Injectable()
export class RewardReferences {
  constructor(
    private readonly bonuses: BonusesService,
    private readonly lootboxes: LootboxesService,
  ) {}

  /** What the reward names that this tenant does not have, or null. */
  async unknown(tenantId: TenantId, reward: Reward): Promise<'bonus template' | 'lootbox' | null> {
    if (reward.type === 'bonus' && !(await this.bonuses.findTemplate(tenantId, reward.bonus_template_id))) return 'bonus template';
    if (reward.type === 'lootbox' && !(await this.lootboxes.exists(tenantId, reward.lootbox_id))) return 'lootbox';
    return null;
  }
}
