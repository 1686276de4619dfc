import { Module } from '@nestjs/common';
import { LootboxModule } from '@app/lootbox';
import { OutboxModule } from '@app/outbox';
import { PlayersModule } from '@app/players';
import { RewardsModule } from '@app/rewards';
import { LeaderboardCache } from './leaderboard.cache.js';
import { LeaderboardService } from './leaderboard.service.js';
import { TournamentFinalizer } from './tournament-finalizer.service.js';
import { TournamentScoring } from './tournament-scoring.service.js';
import { TournamentsRepository } from './tournaments.repository.js';
import { TournamentsService } from './tournaments.service.js';

@Module({
  imports: [PlayersModule, RewardsModule, LootboxModule, OutboxModule],
  providers: [TournamentsRepository, LeaderboardCache, LeaderboardService, TournamentsService, TournamentFinalizer, TournamentScoring],
  exports: [TournamentsService, TournamentFinalizer, TournamentScoring],
})
export class TournamentsModule {}
