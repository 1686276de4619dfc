import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { type AppConfig, ConfigModule } from '@app/common';
import { DbModule } from '@app/db';
import { BonusesModule } from '@app/bonuses';
import { JackpotsModule } from '@app/jackpots';
import { JourneysModule } from '@app/journeys';
import { LootboxModule } from '@app/lootbox';
import { PlayersModule } from '@app/players';
import { QueueModule } from '@app/queue';
import { RedisModule } from '@app/redis';
import { RewardsModule } from '@app/rewards';
import { TenantsModule } from '@app/tenants';
import { TournamentsModule } from '@app/tournaments';
import { CampaignsModule } from '@app/campaigns';
import { SegmentsModule } from '@app/segments';
import { WagersModule } from '@app/wagers';
import { WalletModule } from '@app/wallet';
import { WebhooksModule } from '@app/webhooks';
import { AuthGuard } from './auth/auth.guard.js';
import { HealthController } from './controllers/health.controller.js';
import { PlatformController } from './controllers/platform.controller.js';
import { BonusTemplatesController } from './controllers/bonus-templates.controller.js';
import { IntakeController } from './controllers/intake.controller.js';
import { JackpotsController } from './controllers/jackpots.controller.js';
import { JourneysController } from './controllers/journeys.controller.js';
import { LootboxController } from './controllers/lootbox.controller.js';
import { PlayerActivityController } from './controllers/player-activity.controller.js';
import { PlayerBonusesController } from './controllers/player-bonuses.controller.js';
import { PlayerRewardsController } from './controllers/player-rewards.controller.js';
import { PlayersController } from './controllers/players.controller.js';
import { TournamentsController } from './controllers/tournaments.controller.js';
import { CampaignsController } from './controllers/campaigns.controller.js';
import { SegmentsController } from './controllers/segments.controller.js';
import { WalletController } from './controllers/wallet.controller.js';
import { WebhooksController } from './controllers/webhooks.controller.js';
import { ReadinessService } from './health/readiness.service.js';
import { AllExceptionsFilter } from './http/exception.filter.js';
import { RequestValidationPipe } from './http/validation.pipe.js';

/** The HTTP app: the domain modules plus controllers, auth, validation and the error shape. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        DbModule,
        RedisModule,
        QueueModule.forRoot(config),
        TenantsModule,
        PlayersModule,
        WebhooksModule,
        WalletModule,
        BonusesModule,
        RewardsModule,
        WagersModule,
        JourneysModule,
        LootboxModule,
        TournamentsModule,
        SegmentsModule,
        CampaignsModule,
        JackpotsModule,
      ],
      controllers: [
        HealthController,
        PlatformController,
        PlayersController,
        WalletController,
        PlayerBonusesController,
        PlayerRewardsController,
        BonusTemplatesController,
        IntakeController,
        JourneysController,
        LootboxController,
        TournamentsController,
        SegmentsController,
        CampaignsController,
        JackpotsController,
        PlayerActivityController,
        WebhooksController,
      ],
      providers: [
        ReadinessService,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_PIPE, useClass: RequestValidationPipe },
      ],
    };
  }
}
