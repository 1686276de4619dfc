import { Module } from '@nestjs/common';
import { BonusesModule } from '@app/bonuses';
import { OutboxModule } from '@app/outbox';
import { PlayersModule } from '@app/players';
import { WalletModule } from '@app/wallet';
import { RewardsRepository } from './rewards.repository.js';
import { RewardsService } from './rewards.service.js';

@Module({
  imports: [PlayersModule, WalletModule, BonusesModule, OutboxModule],
  providers: [RewardsRepository, RewardsService],
  exports: [RewardsService],
})
export class RewardsModule {}
