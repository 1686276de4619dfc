import { Module } from '@nestjs/common';
import { BonusesModule } from '@app/bonuses';
import { JackpotsModule } from '@app/jackpots';
import { JourneysModule } from '@app/journeys';
import { PlayersModule } from '@app/players';
import { TournamentsModule } from '@app/tournaments';
import { IngestBatch } from './ingest-batch.service.js';
import { IngestBatcher } from './ingest-batcher.js';
import { IngestThread } from './ingest-thread.js';
import { IngestService } from './ingest.service.js';
import { IngestRepository } from './ingest.repository.js';

@Module({
  imports: [PlayersModule, BonusesModule, JourneysModule, TournamentsModule, JackpotsModule],
  providers: [IngestRepository, IngestBatch, IngestBatcher, IngestThread, IngestService],
  exports: [IngestService],
})
export class WagersModule {}
