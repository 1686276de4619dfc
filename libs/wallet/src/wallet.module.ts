import { Module } from '@nestjs/common';
import { OutboxModule } from '@app/outbox';
import { PlayersModule } from '@app/players';
import { LedgerRepository } from './ledger.repository.js';
import { WalletService } from './wallet.service.js';

@Module({ imports: [PlayersModule, OutboxModule], providers: [LedgerRepository, WalletService], exports: [WalletService] })
export class WalletModule {}
