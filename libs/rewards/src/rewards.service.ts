import { Injectable } from '@nestjs/common';
import { AppError, canonicalJson, inJsonbOrder, newId, Replayable, type TenantId } from '@app/common';
import { DbService } from '@app/db';
import { type BonusTemplate, BonusesService } from '@app/bonuses';
import { OutboxService } from '@app/outbox';
import { isExcluded, type Player, PlayersService } from '@app/players';
import { WalletService } from '@app/wallet';
import type { GrantOutcome, Reward, RewardGrantView, RewardResult } from './reward.types.js';
import { RewardsRepository } from './rewards.repository.js';

/** Grants a lootbox reward (opens the box for the player); provided by the lootbox module. */
export interface LootboxOpener {
  openForReward(tenantId: TenantId, player: Player, lootboxId: string, grantKey: string, at: Date): Promise<{ open_id: string; reward: unknown }>;
}
export const LOOTBOX_OPENER = Symbol('LOOTBOX_OPENER');

/** What a caller granting one reward to many players can share between the grants (a campaign's chunk). */
export interface RewardMemo {
  templates: Map<string, BonusTemplate>;
}

/**
 * The one way rewards are granted (tournament prizes, journey completions, lootbox prizes, campaign
 * grants, operators' direct grants): exactly once per grant key, inside the caller's transaction,
 * emitting the reward's own event (winz.credited, bonus.granted, lootbox.opened, reward.granted).
 */
@Injectable()
export class RewardsService {
  private lootboxes: LootboxOpener | undefined;

  constructor(
    private readonly db: DbService,
    private readonly repo: RewardsRepository,
    private readonly players: PlayersService,
    private readonly wallet: WalletService,
    private readonly bonuses: BonusesService,
    private readonly outbox: OutboxService,
  ) {}

  /** The lootbox module registers itself here (it depends on rewards, not the other way round). */
  registerLootboxOpener(opener: LootboxOpener): void {
    this.lootboxes = opener;
  }

  /** Grants `reward` to `player` once per `grantKey`; a repeat returns the first grant and does nothing. */
  async grant(tenantId: TenantId, player: Player, reward: Reward, grantKey: string, at = new Date(), memo?: RewardMemo): Promise<GrantOutcome> {
    const id = newId('rwd', at.getTime());
    if (!(await this.repo.claim(tenantId, id, grantKey, player.id, reward, at))) {
      return { grant: (await this.repo.find(tenantId, grantKey))!, created: false };
    }
    const result = await this.apply(tenantId, player, reward, grantKey, at, memo);
    await this.repo.setResult(tenantId, id, result);
    // reward and result are read back from jsonb on a replay: the first answer has them in that key order
    const stored = { grant_id: id, grant_key: grantKey, player_id: player.id, reward: inJsonbOrder(reward), result: inJsonbOrder(result), created_at: at.toISOString() };
    return { grant: stored, created: true };
  }

  /**
   * POST /v1/players/:player/rewards: an operator's direct grant, idempotent on its grant_key (which
   * may not use a prefix the service reserves for its own grants). The same key for another player or
   * reward is idempotency_key_reused. An excluded player is refused (422 player_excluded), whatever the
   * reward, as the service's own grants skip them; a grant made before the exclusion still replays.
   * An archived bonus template takes no new direct grant (422 template_archived), as on
   * POST /v1/players/:player/bonuses.
   */
  async grantDirect(tenantId: TenantId, ref: string, reward: Reward, grantKey: string): Promise<Replayable<RewardGrantView>> {
    return this.db.transaction(async () => {
      const player = await this.players.require(tenantId, ref);
      const isNew = async () => !(await this.repo.find(tenantId, grantKey));
      if (isExcluded(player) && (await isNew())) {
        throw AppError.rule('player_excluded', 'the player is excluded from promotions');
      }
      if (reward.type === 'bonus' && (await this.bonuses.findTemplate(tenantId, reward.bonus_template_id))?.archivedAt && (await isNew())) {
        throw AppError.rule('template_archived', 'the bonus template is archived');
      }
      const { grant, created } = await this.grant(tenantId, player, reward, grantKey);
      if (created) return Replayable.first(grant);
      if (grant.player_id !== player.id || canonicalJson(grant.reward) !== canonicalJson(reward)) throw AppError.idempotencyKeyReused('grant_key');
      return Replayable.replay(grant);
    });
  }

  private async apply(tenantId: TenantId, player: Player, reward: Reward, grantKey: string, at: Date, memo?: RewardMemo): Promise<RewardResult> {
    switch (reward.type) {
      case 'winz': {
        const op = await this.wallet.creditReward(tenantId, player, BigInt(reward.amount), grantKey, at);
        return { type: 'winz', transaction_id: op.transaction_id, entry_id: op.entry.id, amount: op.entry.amount, balance_after: op.balance };
      }
      case 'bonus': {
        let template = memo?.templates.get(reward.bonus_template_id);
        if (memo && !template) {
          template = await this.bonuses.requireTemplate(tenantId, reward.bonus_template_id);
          memo.templates.set(template.id, template);
        }
        const grant = await this.bonuses.grantForReward(tenantId, player, reward.bonus_template_id, grantKey, at, template);
        return { type: 'bonus', bonus_id: grant.id, status: grant.status };
      }
      case 'external': {
        await this.outbox.emit(
          tenantId,
          'reward.granted',
          { player_id: player.id, external_ref: player.externalRef, grant_key: grantKey, reward: { ...reward } },
          at,
        );
        return { type: 'external', amount: reward.amount, currency: reward.currency, description: reward.description };
      }
      case 'lootbox': {
        if (!this.lootboxes) throw new Error('lootbox rewards need the lootbox module');
        const open = await this.lootboxes.openForReward(tenantId, player, reward.lootbox_id, grantKey, at);
        return { type: 'lootbox', open_id: open.open_id, reward: open.reward };
      }
    }
  }
}
