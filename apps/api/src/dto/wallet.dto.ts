import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { WalletOperationInput } from '@app/wallet';
import { IsMoney, IsOptionalNonNull, IsText } from './validators.js';

export class WalletOperationDto {
  @ApiProperty({ description: 'WINZ millis, ≥ 1', example: 5000 })
  @IsMoney({ min: 1 })
  amount!: number;

  @ApiProperty({ description: 'idempotency key (tenant-wide)', maxLength: 128 })
  @IsText(1, 128)
  idempotency_key!: string;

  @ApiPropertyOptional({ maxLength: 64, description: 'shown on the entry; defaults to credit or debit' })
  @IsOptionalNonNull()
  @IsText(1, 64)
  reason?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'your reference (an order id, …)' })
  @IsOptionalNonNull()
  @IsText(1, 200)
  reference?: string;

  toInput(): WalletOperationInput {
    return {
      amount: BigInt(this.amount),
      idempotencyKey: this.idempotency_key,
      ...(this.reason !== undefined && { reason: this.reason }),
      ...(this.reference !== undefined && { reference: this.reference }),
    };
  }
}

export class LedgerEntryDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'signed WINZ millis' }) amount!: number;
  @ApiProperty({ description: 'WINZ millis' }) balance_after!: number;
  @ApiProperty() reason!: string;
  @ApiProperty({ nullable: true, type: String }) reference!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class WalletDto {
  @ApiProperty({ example: 'WINZ' }) currency!: 'WINZ';
  @ApiProperty({ description: 'WINZ millis; always the sum of the entries' }) balance!: number;
  @ApiProperty({ type: [LedgerEntryDto], description: 'newest first' }) entries!: LedgerEntryDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

export class WalletOperationResultDto {
  @ApiProperty() transaction_id!: string;
  @ApiProperty() player_id!: string;
  @ApiProperty({ type: LedgerEntryDto }) entry!: LedgerEntryDto;
  @ApiProperty({ description: 'WINZ millis after the operation' }) balance!: number;
}
