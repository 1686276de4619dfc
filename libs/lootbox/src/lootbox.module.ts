import { Module } from '@nestjs/common';
import { BonusesModule } from '@app/bonuses';
import { OutboxModule } from '@app/outbox';
import { PlayersModule } from '@app/players';
import { RewardsModule } from '@app/rewards';
import { LootboxesRepository } from './lootboxes.repository.js';
import { LootboxesService } from './lootboxes.service.js';
import { RewardReferences } from './reward-references.js';

@Module({
  imports: [PlayersModule, RewardsModule, BonusesModule, OutboxModule],
  providers: [LootboxesRepository, LootboxesService, RewardReferences],
  exports: [LootboxesService, RewardReferences],
})
export class LootboxModule {}
