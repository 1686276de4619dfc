import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn } from 'class-validator';
import { AppError, type ErrorDetail } from '@app/common';
import { type CreateJackpotInput, HIT_RATE_DECIMALS, type JackpotType, parseScaled, RATE_DECIMALS } from '@app/jackpots';
import type { ContributeInput } from '@app/wagers';
import { NamesAPlayer } from './player-ref.dto.js';
import { CrossFieldCheck, type FieldOk, IsCurrencyCode, IsDecimal, IsMoney, IsOptionalNonNull, IsText, plainDecimal } from './validators.js';

const TYPES = ['must_drop', 'progressive'] as const;

/**
 * What a jackpot's type asks of the other fields (JackpotsService checks the last one too): must_drop
 * takes must_drop_by, above seed_amount, and no hit_rate; progressive the reverse.
 */
function jackpotTypeProblems(dto: CreateJackpotDto, ok: FieldOk): ErrorDetail[] {
  if (!ok('type') || !(TYPES as readonly string[]).includes(dto.type)) return [];
  const needs = dto.type === 'must_drop' ? 'must_drop_by' : 'hit_rate';
  const forbids = dto.type === 'must_drop' ? 'hit_rate' : 'must_drop_by';
  const low = dto.type === 'must_drop' && ok('must_drop_by') && ok('seed_amount') && dto.must_drop_by !== undefined && dto.must_drop_by <= dto.seed_amount;
  return [
    ...(dto[needs] === undefined ? [{ field: needs, issue: `is required for a ${dto.type} jackpot` }] : []),
    ...(dto[forbids] !== undefined ? [{ field: forbids, issue: `is not allowed for a ${dto.type} jackpot` }] : []),
    ...(low ? [{ field: 'must_drop_by', issue: 'must be greater than seed_amount' }] : []),
  ];
}

@CrossFieldCheck(jackpotTypeProblems)
export class CreateJackpotDto {
  @ApiProperty({ example: 'Daily drop', maxLength: 200 }) @IsText(1, 200) name!: string;
  @ApiProperty({ example: 'EUR', description: 'ISO 4217: only bets in this currency contribute' }) @IsCurrencyCode() currency!: string;

  @ApiProperty({ enum: TYPES, description: 'must_drop: drops for certain by must_drop_by; progressive: each bet may win, with probability hit_rate × bet / 1000' })
  @IsIn(TYPES)
  type!: JackpotType;

  @ApiProperty({ description: 'millis: the pool at the start of every cycle' }) @IsMoney() seed_amount!: number;

  @ApiProperty({ example: 0.01, description: `the fraction of each bet added to the pool: above 0, at most 1, at most ${RATE_DECIMALS} decimals` })
  @IsDecimal(0, 1, RATE_DECIMALS, { exclusiveMin: true })
  contribution_rate!: number;

  @ApiPropertyOptional({ description: 'must_drop (required): millis, above seed_amount; the pool drops no later than when it reaches this' })
  @IsOptionalNonNull()
  @IsMoney({ min: 1 })
  must_drop_by?: number;

  @ApiPropertyOptional({ example: 0.000001, description: `progressive (required): the chance of winning per unit of currency bet, above 0, at most 1, at most ${HIT_RATE_DECIMALS} decimals` })
  @IsOptionalNonNull()
  @IsDecimal(0, 1, HIT_RATE_DECIMALS, { exclusiveMin: true })
  hit_rate?: number;

  @ApiPropertyOptional({ description: 'millis: smaller bets neither contribute nor win' }) @IsOptionalNonNull() @IsMoney() min_bet?: number;

  @ApiPropertyOptional({ default: false, description: 'every wager in the currency contributes, without naming the jackpot' })
  @IsOptionalNonNull()
  @IsBoolean()
  auto_enroll?: boolean;

  toInput(): CreateJackpotInput {
    const problems = jackpotTypeProblems(this, () => true);
    if (problems.length > 0) throw AppError.validation(problems);
    return {
      name: this.name,
      currency: this.currency,
      type: this.type,
      seedAmount: BigInt(this.seed_amount),
      rateNanos: parseScaled(plainDecimal(this.contribution_rate), RATE_DECIMALS),
      ...(this.must_drop_by !== undefined && { mustDropBy: BigInt(this.must_drop_by) }),
      ...(this.hit_rate !== undefined && { hitRateScaled: parseScaled(plainDecimal(this.hit_rate), HIT_RATE_DECIMALS) }),
      ...(this.min_bet !== undefined && { minBet: BigInt(this.min_bet) }),
      ...(this.auto_enroll !== undefined && { autoEnroll: this.auto_enroll }),
    };
  }
}

export class ContributeDto extends NamesAPlayer {
  @ApiProperty({ description: 'your id of the wager: the idempotency key (per jackpot), shared with POST /v1/wagers', maxLength: 128 })
  @IsText(1, 128)
  source_wager_id!: string;

  @ApiProperty({ description: 'millis' }) @IsMoney() bet_amount!: number;
  @ApiProperty({ example: 'EUR', description: "must be the jackpot's (else 422 currency_mismatch)" }) @IsCurrencyCode() currency!: string;

  toInput(): ContributeInput {
    return { sourceWagerId: this.source_wager_id, player: this.playerRef(), betAmount: BigInt(this.bet_amount), currency: this.currency };
  }
}

// ---- answers ----------------------------------------------------------------------------------------

class TotalsDto {
  @ApiProperty({ description: 'seed amounts of every cycle, millis (decimal string)' }) seeded!: string;
  @ApiProperty({ description: 'every contribution, millis, exact (decimal string)' }) contributed!: string;
  @ApiProperty({ description: 'every win, millis (decimal string)' }) won!: string;
}

export class JackpotDto {
  @ApiProperty({ example: 'jkp_01jd5x3k8q7m2n4p6r8s0t2v4w' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ enum: TYPES }) type!: string;
  @ApiProperty() seed_amount!: number;
  @ApiProperty() contribution_rate!: number;
  @ApiProperty({ nullable: true, type: Number }) must_drop_by!: number | null;
  @ApiProperty({ nullable: true, type: Number }) hit_rate!: number | null;
  @ApiProperty({ nullable: true, type: Number }) min_bet!: number | null;
  @ApiProperty() auto_enroll!: boolean;
  @ApiProperty({ description: "the pool's whole millis: what a win would pay now" }) pool_amount!: number;
  @ApiProperty({ description: 'the pool exactly, fractions of a milli included (decimal string)' }) pool_exact!: string;
  @ApiProperty() cycle!: number;
  @ApiProperty({ description: "lowercase hex SHA-256 of the current cycle's secret seed" }) seed_commit!: string;
  @ApiProperty({ type: TotalsDto, description: 'pool_exact + won = seeded + contributed, exactly' }) totals!: TotalsDto;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class JackpotPageDto {
  @ApiProperty({ type: [JackpotDto] }) data!: JackpotDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

class WinRefDto {
  @ApiProperty() win_id!: string;
  @ApiProperty({ description: 'millis' }) amount!: number;
}

export class ContributionResultDto {
  @ApiProperty() jackpot_id!: string;
  @ApiProperty({
    description:
      'the whole millis this contribution added to the pool: fractions of a milli are carried in the pool (pool_exact) and count ' +
      'when they complete a milli, so pool_amount = seed_amount + the contributions of the cycle, exactly',
  })
  contribution!: number;
  @ApiProperty({ description: "the pool's whole millis after this contribution (after the reset, when it won)" }) pool_amount!: number;
  @ApiProperty() won!: boolean;
  @ApiPropertyOptional({ type: WinRefDto }) win?: WinRefDto;
  @ApiPropertyOptional({ description: 'why nothing was contributed: below_min_bet, player_excluded; in a wager\'s answer also currency_mismatch' }) reason?: string;
}

class ProofDto {
  @ApiProperty({ example: 'hmac-sha256-64bit-v1' }) algorithm!: string;
  @ApiProperty({ description: "the cycle's seed, revealed" }) seed!: string;
  @ApiProperty({ description: 'sha256(seed), published when the cycle began' }) seed_commit!: string;
  @ApiPropertyOptional({ description: 'must_drop: the drop point, millis' }) drop_point?: number;
  @ApiPropertyOptional({ description: 'progressive: the roll of the winning contribution, 16 hex digits' }) roll?: string;
  @ApiProperty({ description: 'the pool when won, millis, exact (decimal string)' }) pool!: string;
  @ApiProperty({ description: 'the pool just before the winning contribution, millis, exact (decimal string); must_drop: below drop_point' }) pool_before!: string;
  @ApiProperty({ description: 'what the winning contribution added, millis, exact (decimal string): pool_before + contribution = pool' }) contribution!: string;
}

export class JackpotWinDto {
  @ApiProperty() win_id!: string;
  @ApiProperty() jackpot_id!: string;
  @ApiProperty() cycle!: number;
  @ApiProperty() player_id!: string;
  @ApiProperty() external_ref!: string;
  @ApiProperty() source_wager_id!: string;
  @ApiProperty({ description: 'millis: the whole millis of the pool (the fraction is carried into the next cycle)' }) amount!: number;
  @ApiProperty() currency!: string;
  @ApiProperty({ description: "the cycle's seed, revealed: sha256 of these 64 hex characters is seed_commit (also in proof)" }) seed!: string;
  @ApiProperty({ description: 'the commit published for the cycle before any contribution (also in proof)' }) seed_commit!: string;
  @ApiProperty({ type: ProofDto }) proof!: ProofDto;
  @ApiProperty({ nullable: true, type: String }) next_seed_commit!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class JackpotWinPageDto {
  @ApiProperty({ type: [JackpotWinDto] }) data!: JackpotWinDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}
