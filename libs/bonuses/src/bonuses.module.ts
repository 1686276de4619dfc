import { Module } from '@nestjs/common';
import { OutboxModule } from '@app/outbox';
import { PlayersModule } from '@app/players';
import { BonusEngine } from './bonus-engine.service.js';
import { BonusTimers } from './bonus-timers.service.js';
import { BonusesRepository } from './bonuses.repository.js';
import { BonusesService } from './bonuses.service.js';

@Module({
  imports: [PlayersModule, OutboxModule],
  providers: [BonusesRepository, BonusesService, BonusEngine, BonusTimers],
  exports: [BonusesService, BonusEngine, BonusTimers],
})
export class BonusesModule {}
