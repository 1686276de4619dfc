import { Module } from '@nestjs/common';
import { LootboxModule } from '@app/lootbox';
import { OutboxModule } from '@app/outbox';
import { PlayersModule } from '@app/players';
import { RewardsModule } from '@app/rewards';
import { SegmentsModule } from '@app/segments';
import { CampaignExecutor } from './campaign-executor.service.js';
import { CampaignQueue } from './campaign-queue.service.js';
import { CampaignSchedules } from './campaign-schedules.service.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { CampaignsService } from './campaigns.service.js';

@Module({
  imports: [PlayersModule, RewardsModule, LootboxModule, OutboxModule, SegmentsModule],
  providers: [CampaignsRepository, CampaignQueue, CampaignsService, CampaignExecutor, CampaignSchedules],
  exports: [CampaignsService, CampaignExecutor, CampaignSchedules],
})
export class CampaignsModule {}
