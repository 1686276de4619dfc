import { type DynamicModule, Module } from '@nestjs/common';
import { type AppConfig, ConfigModule } from '@app/common';
import { BonusesModule } from '@app/bonuses';
import { CampaignsModule } from '@app/campaigns';
import { DbModule } from '@app/db';
import { QueueModule } from '@app/queue';
import { RedisModule } from '@app/redis';
import { TournamentsModule } from '@app/tournaments';
import { WebhooksModule } from '@app/webhooks';
import { BackgroundLoops } from './background-loops.js';
import { CampaignExecutionProcessor } from './processors/campaign-execution.processor.js';
import { WebhookDeliveryProcessor } from './processors/webhook-delivery.processor.js';

/** The worker: the same config and domain modules as the API, plus the queue processors and loops. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), DbModule, RedisModule, QueueModule.forRoot(config), WebhooksModule, BonusesModule, TournamentsModule, CampaignsModule],
      providers: [WebhookDeliveryProcessor, CampaignExecutionProcessor, BackgroundLoops],
    };
  }
}
