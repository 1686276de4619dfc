import { Module } from '@nestjs/common';
import { OutboxModule } from '@app/outbox';
import { PlayersRepository } from './players.repository.js';
import { PlayersService } from './players.service.js';

@Module({ imports: [OutboxModule], providers: [PlayersRepository, PlayersService], exports: [PlayersService] })
export class PlayersModule {}
