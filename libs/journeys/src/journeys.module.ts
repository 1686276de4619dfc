import { Module } from '@nestjs/common';
import { BonusesModule } from '@app/bonuses';
import { PlayersModule } from '@app/players';
import { PlayerEventsRepository } from './player-events.repository.js';
import { PlayerEventsService } from './player-events.service.js';

@Module({ imports: [PlayersModule, BonusesModule], providers: [PlayerEventsRepository, PlayerEventsService], exports: [PlayerEventsService] })
export class JourneysModule {}
