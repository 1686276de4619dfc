import { Module } from '@nestjs/common';
import { OutboxModule } from '@app/outbox';
import { JackpotEngine } from './jackpot-engine.service.js';
import { JackpotsRepository } from './jackpots.repository.js';
import { JackpotsService } from './jackpots.service.js';

@Module({
  imports: [OutboxModule],
  providers: [JackpotsRepository, JackpotsService, JackpotEngine],
  exports: [JackpotsService, JackpotEngine],
})
export class JackpotsModule {}
