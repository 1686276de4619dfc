import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn } from 'class-validator';
import { type CreateLootboxInput, type OpenInput, type Prize, type PrizeReward, REWARD_OPEN_KEY_PREFIX, type Tier, TIERS } from '@app/lootbox';
import { NamesAPlayer } from './player-ref.dto.js';
import { NestedDto } from './known-properties.js';
import { IsReward, RewardDto } from './reward.dto.js';
import { CrossFieldCheck, IsCurrencyCode, IsIntIn, IsMoney, IsOptionalNonNull, IsText, rule } from './validators.js';
import { AppError, type ErrorDetail } from '@app/common';

export class PrizeDto {
  @ApiProperty({ minimum: 1, maximum: 1_000_000_000, description: 'relative chance (a positive integer)' })
  @IsIntIn(1, 1_000_000_000)
  weight!: number;

  @ApiProperty({
    type: RewardDto,
    description:
      'winz, bonus, external, lootbox (another box of the same currency, opened at once for the player: it counts its own ev), ' +
      'or { "type": "nothing" }',
  })
  @IsReward(['winz', 'bonus', 'external', 'lootbox', 'nothing'])
  reward!: PrizeReward;
}

/** A box has a prize_table, or a tier and an ev_target to build one from. */
function prizeSourceProblems(dto: CreateLootboxDto): ErrorDetail[] {
  if (dto.prize_table !== undefined || (dto.tier !== undefined && dto.ev_target !== undefined)) return [];
  return [
    { field: 'prize_table', issue: 'is required, unless tier and ev_target are given' },
    ...(dto.tier === undefined ? [{ field: 'tier', issue: 'is required without a prize_table' }] : []),
    ...(dto.ev_target === undefined ? [{ field: 'ev_target', issue: 'is required without a prize_table' }] : []),
  ];
}

@CrossFieldCheck(prizeSourceProblems)
export class CreateLootboxDto {
  @ApiProperty({ example: 'Daily VIP box', maxLength: 200 }) @IsText(1, 200) name!: string;

  @ApiPropertyOptional({ enum: TIERS, description: 'with ev_target and no prize_table: that tier\'s default table, scaled to the target' })
  @IsOptionalNonNull()
  @IsIn(TIERS)
  tier?: Tier;

  @ApiProperty({ example: 'USD', description: 'ISO 4217, or WINZ: the currency of the EV (prizes in another currency are refused)' })
  @IsCurrencyCode({ allowWinz: true })
  currency!: string;

  @ApiPropertyOptional({
    description:
      'expected value of one open, millis. With a tier and no table, the tier\'s table is scaled to it, each prize rounded to the milli; ' +
      'a target that rounding would miss by more than 1% (only tiny ones, under 16 millis) is 400 validation_failed, as is one a prize would round to 0 for',
  })
  @IsOptionalNonNull()
  @IsMoney({ min: 1 })
  ev_target?: number;

  @ApiPropertyOptional({ type: [PrizeDto], description: '1 to 100 prizes; with ev_target, its EV must be within 1% of it (else 422 ev_mismatch)' })
  @IsOptionalNonNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @NestedDto(() => PrizeDto, { each: true })
  prize_table?: PrizeDto[];

  toInput(): CreateLootboxInput {
    const problems = prizeSourceProblems(this);
    if (problems.length > 0) throw AppError.validation(problems);
    return {
      name: this.name,
      currency: this.currency,
      ...(this.tier !== undefined && { tier: this.tier }),
      ...(this.ev_target !== undefined && { evTarget: BigInt(this.ev_target) }),
      ...(this.prize_table !== undefined && { prizeTable: this.prize_table.map((p): Prize => ({ weight: p.weight, reward: p.reward })) }),
    };
  }
}

export class OpenLootboxDto extends NamesAPlayer {
  @ApiProperty({
    example: 'daily-lb-2025-05-19-plr_01jd5x3k8q7m2n4p6r8s0t2v4w',
    maxLength: 128,
    description: `the same key always opens the same prize; may not start with ${REWARD_OPEN_KEY_PREFIX} (the keys of the opens lootbox rewards make: 400 validation_failed)`,
  })
  @IsText(1, 128)
  @rule('isOwnOpenKey', `must not start with ${REWARD_OPEN_KEY_PREFIX} (reserved for the opens of lootbox rewards)`, (v) => typeof v !== 'string' || !v.startsWith(REWARD_OPEN_KEY_PREFIX))
  idempotency_key!: string;

  toInput(): OpenInput {
    return { player: this.playerRef(), idempotencyKey: this.idempotency_key };
  }
}

class PrizeViewDto {
  @ApiProperty() weight!: number;
  @ApiProperty() probability!: number;
  @ApiProperty({ type: RewardDto }) reward!: RewardDto;
}

export class LootboxDto {
  @ApiProperty({ example: 'lbx_01jd5x3k8q7m2n4p6r8s0t2v4w' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: TIERS, nullable: true, type: String }) tier!: string | null;
  @ApiProperty() currency!: string;
  @ApiProperty({ nullable: true, type: Number }) ev_target!: number | null;
  @ApiProperty({ description: 'the exact EV of one open, millis, to 4 decimals' }) ev!: number;
  @ApiProperty({ type: [PrizeViewDto] }) prize_table!: PrizeViewDto[];
  @ApiProperty() total_weight!: number;
  @ApiProperty({ nullable: true, type: String, description: 'the current server seed' }) seed_id!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'lowercase hex SHA-256 of the current seed (its 64 hex characters)' }) seed_commit!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class LootboxPageDto {
  @ApiProperty({ type: [LootboxDto] }) data!: LootboxDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

class ProofDto {
  @ApiProperty({ example: 'hmac-sha256-48bit-rejection-v1' }) algorithm!: string;
  @ApiProperty() seed_id!: string;
  @ApiProperty() seed_commit!: string;
  @ApiProperty({ description: '"<lootbox id>:<idempotency key>"' }) message!: string;
  @ApiProperty({ description: 'HMAC-SHA256(seed, message), hex' }) hmac!: string;
  @ApiProperty() block!: number;
  @ApiProperty() ticket!: number;
  @ApiProperty() total_weight!: number;
  @ApiProperty({ type: [Number] }) weights!: number[];
  @ApiProperty() prize_index!: number;
}

export class OpenDto {
  @ApiProperty({ example: 'opn_01jd5x3k8q7m2n4p6r8s0t2v4w' }) open_id!: string;
  @ApiProperty() lootbox_id!: string;
  @ApiProperty() player_id!: string;
  @ApiProperty() idempotency_key!: string;
  @ApiProperty({ type: RewardDto }) reward!: RewardDto;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: 'what granting the prize did; null for nothing' }) result!: unknown;
  @ApiProperty({ type: ProofDto }) proof!: ProofDto;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class OpenPageDto {
  @ApiProperty({ type: [OpenDto] }) data!: OpenDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

class SeedDto {
  @ApiProperty() seed_id!: string;
  @ApiProperty() commit!: string;
  @ApiProperty({ nullable: true, type: String, description: 'revealed when the seed is rotated' }) seed!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revealed_at!: string | null;
}

export class SeedPageDto {
  @ApiProperty({ type: [SeedDto] }) data!: SeedDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

class CurrentSeedDto {
  @ApiProperty() seed_id!: string;
  @ApiProperty() commit!: string;
}

export class RotationDto {
  @ApiProperty({ type: SeedDto }) revealed!: SeedDto;
  @ApiProperty({ type: CurrentSeedDto }) current!: CurrentSeedDto;
}
