import { Module } from '@nestjs/common';
import { JackpotEngine } from './jackpot-engine.service.js';
import { JackpotsRepository } from './jackpots.repository.js';
import { JackpotsService } from './jackpots.service.js';

@Module({
  providers: [JackpotsRepository, JackpotsService, JackpotEngine],
  exports: [JackpotsService, JackpotEngine],
})
export class JackpotsModule {}
