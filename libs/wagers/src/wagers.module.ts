import { Module } from '@nestjs/common';
import { BonusesModule } from '@app/bonuses';
import { JourneysModule } from '@app/journeys';
import { PlayersModule } from '@app/players';
import { WagersRepository } from './wagers.repository.js';
import { WagersService } from './wagers.service.js';

@Module({ imports: [PlayersModule, BonusesModule, JourneysModule], providers: [WagersRepository, WagersService], exports: [WagersService] })
export class WagersModule {}
