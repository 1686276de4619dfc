import { Module } from '@nestjs/common';
import { BonusesModule } from '@app/bonuses';
import { LootboxModule } from '@app/lootbox';
import { OutboxModule } from '@app/outbox';
import { PlayersModule } from '@app/players';
import { RewardsModule } from '@app/rewards';
import { JourneyEngine } from './journey-engine.service.js';
import { JourneysRepository } from './journeys.repository.js';
import { JourneysService } from './journeys.service.js';
import { PlayerEventsRepository } from './player-events.repository.js';
import { PlayerEventsService } from './player-events.service.js';

@Module({
  imports: [PlayersModule, BonusesModule, RewardsModule, LootboxModule, OutboxModule],
  providers: [PlayerEventsRepository, PlayerEventsService, JourneysRepository, JourneysService, JourneyEngine],
  exports: [PlayerEventsService, JourneysService, JourneyEngine],
})
export class JourneysModule {}
