import { Injectable } from '@nestjs/common';
import { AppError, type TenantId } from '@app/common';
import { BonusesService } from '@app/bonuses';
import type { Reward } from '@app/rewards';
import { LootboxesService } from './lootboxes.service.js';

/**
 * Whether a configured reward (a journey's, a tournament prize's) names objects of this tenant: a
 * bonus template or a lootbox that does not exist here would fail only when granted, much later. An
 * archived bonus template takes no new rewards either (rewards configured before it was archived keep
 * their promise and are still granted).
 */
@Injectable()
export class RewardReferences {
  constructor(
    private readonly bonuses: BonusesService,
    private readonly lootboxes: LootboxesService,
  ) {}

  /** What the reward names that this tenant does not have (or has archived), or null. */
  async unknown(tenantId: TenantId, reward: Reward): Promise<'bonus template' | 'archived bonus template' | 'lootbox' | null> {
    if (reward.type === 'bonus') {
      const template = await this.bonuses.findTemplate(tenantId, reward.bonus_template_id);
      if (!template) return 'bonus template';
      if (template.archivedAt) return 'archived bonus template';
    }
    if (reward.type === 'lootbox' && !(await this.lootboxes.exists(tenantId, reward.lootbox_id))) return 'lootbox';
    return null;
  }

  /**
   * 422 invalid_reward unless the reward names only this tenant's objects. `field` is where the reward
   * sits in the request (reward, prizes[2].reward), `label` how the message calls it.
   */
  async requireKnown(tenantId: TenantId, reward: Reward, field = 'reward', label = 'the reward'): Promise<void> {
    const missing = await this.unknown(tenantId, reward);
    if (missing === 'archived bonus template') {
      throw AppError.rule('invalid_reward', `${label} names an archived bonus template`, [{ field, issue: 'names an archived bonus template' }]);
    }
    if (missing) throw AppError.rule('invalid_reward', `${label} names an unknown ${missing}`, [{ field, issue: 'names an unknown id' }]);
  }
}
