import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray } from 'class-validator';
import type { PlayerEventInput } from '@app/journeys';
import type { WagerInput } from '@app/wagers';
import { ContributionResultDto } from './jackpot.dto.js';
import { NamesAPlayer } from './player-ref.dto.js';
import { ScoreResultDto } from './tournament.dto.js';
import { ExactlyOneOf, exactlyOneOf, IsAttributes, IsCurrencyCode, IsGameCategory, IsMoney, IsOptionalNonNull, IsRef, IsRfc3339, IsText, parseRfc3339, rule } from './validators.js';

const TRIGGER = /^[a-z][a-z0-9_.:-]{0,63}$/;

export class WagerDto extends NamesAPlayer {
  @ApiProperty({ description: 'your id of the settled wager: the idempotency key (tenant-wide)', maxLength: 128 })
  @IsText(1, 128)
  source_wager_id!: string;

  @ApiProperty({ description: 'millis' }) @IsMoney() bet_amount!: number;
  @ApiProperty({ description: 'millis' }) @IsMoney() win_amount!: number;
  @ApiProperty({ example: 'USD' }) @IsCurrencyCode() currency!: string;
  @ApiProperty({ example: 'book-of-dead', maxLength: 64 }) @IsText(1, 64) game_code!: string;

  @ApiProperty({ example: 'slots', description: 'slots, live_casino, table, roulette, blackjack, crash, other, … (lowercase, a-z 0-9 _)' })
  @IsGameCategory()
  game_category!: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'when the wager settled (default: when the API received it); stats use it' })
  @IsOptionalNonNull()
  @IsRfc3339()
  settled_at?: string;

  @ApiPropertyOptional({ type: [String], description: 'tournaments to score, besides those with auto_enroll' })
  @IsOptionalNonNull()
  @IsArray()
  @ArrayMaxSize(20)
  @IsText(1, 64, { each: true })
  tournament_ids?: string[];

  @ApiPropertyOptional({ type: [String], description: 'jackpots to contribute to, besides those with auto_enroll' })
  @IsOptionalNonNull()
  @IsArray()
  @ArrayMaxSize(20)
  @IsText(1, 64, { each: true })
  jackpot_ids?: string[];

  toInput(): WagerInput {
    return {
      sourceWagerId: this.source_wager_id,
      player: this.playerRef(),
      betAmount: BigInt(this.bet_amount),
      winAmount: BigInt(this.win_amount),
      currency: this.currency,
      gameCode: this.game_code,
      gameCategory: this.game_category,
      ...(this.settled_at !== undefined ? { settledAt: parseRfc3339(this.settled_at)! } : { receivedAt: new Date() }),
      ...(this.tournament_ids !== undefined && { tournamentIds: this.tournament_ids }),
      ...(this.jackpot_ids !== undefined && { jackpotIds: this.jackpot_ids }),
    };
  }
}

@ExactlyOneOf('event_id', 'source_wager_id')
export class PlayerEventDto extends NamesAPlayer {
  @ApiProperty({ example: 'first_deposit', description: 'registration, first_deposit, deposit, login, wager, or any custom name (a-z 0-9 _ . : -)' })
  @rule('isTrigger', 'must be a trigger name (lowercase a-z, 0-9, _ . : -; up to 64)', (v) => typeof v === 'string' && TRIGGER.test(v))
  trigger!: string;

  @ApiPropertyOptional({ description: 'the idempotency key (tenant-wide); or source_wager_id for a wager', maxLength: 128 })
  @IsOptionalNonNull()
  @IsText(1, 128)
  event_id?: string;

  @ApiPropertyOptional({ maxLength: 128 }) @IsOptionalNonNull() @IsText(1, 128) source_wager_id?: string;

  @ApiPropertyOptional({ description: 'millis: a deposit\'s amount, checked against min_amount and used to activate a deposit bonus. A deposit without one still counts (deposit_count, dates) but adds nothing to total_deposited and activates no bonus' })
  @IsOptionalNonNull()
  @IsMoney()
  amount?: number;

  @ApiPropertyOptional({ description: 'the deposit\'s currency; default: the player\'s' }) @IsOptionalNonNull() @IsCurrencyCode() currency?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'when it happened (default: now); stats use it' })
  @IsOptionalNonNull()
  @IsRfc3339()
  occurred_at?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptionalNonNull() @IsAttributes() properties?: Record<string, unknown>;

  toInput(): PlayerEventInput {
    const player = this.playerRef();
    exactlyOneOf(this, ['event_id', 'source_wager_id']);
    return {
      player,
      trigger: this.trigger,
      ...(this.event_id !== undefined && { eventId: this.event_id }),
      ...(this.source_wager_id !== undefined && { sourceWagerId: this.source_wager_id }),
      ...(this.amount !== undefined && { amount: BigInt(this.amount) }),
      ...(this.currency !== undefined && { currency: this.currency }),
      ...(this.occurred_at !== undefined && { occurredAt: parseRfc3339(this.occurred_at)! }),
      ...(this.properties !== undefined && { properties: this.properties }),
    };
  }
}

export class WageringResultDto {
  @ApiProperty() bonus_id!: string;
  @ApiProperty({ description: 'bet × weight, millis, exact to 4 decimals; 0 above max_bet' }) wagering_contribution!: number;
  @ApiProperty() wagering_progress!: number;
  @ApiProperty() wagering_required!: number;
  @ApiProperty() status!: string;
  @ApiProperty() max_bet_violation!: boolean;
}

export class WagerResultDto {
  @ApiProperty({ example: 'wgr_01jd5x3k8q7m2n4p6r8s0t2v4w' }) wager_id!: string;
  @ApiProperty() source_wager_id!: string;
  @ApiProperty({ type: [ScoreResultDto], description: 'the named tournaments (in the order named), then the auto_enroll ones that took the wager' })
  tournaments!: ScoreResultDto[];
  @ApiProperty({ type: [ContributionResultDto], description: 'the named jackpots, then the auto_enroll ones of the currency' })
  jackpots!: ContributionResultDto[];
  @ApiProperty({ type: [WageringResultDto] }) bonuses!: WageringResultDto[];
}

export class JourneyProgressDto {
  @ApiProperty() journey_id!: string;
  @ApiProperty() step_index!: number;
  @ApiProperty() step_completed!: boolean;
  @ApiProperty() journey_completed!: boolean;
}

export class PlayerEventResultDto {
  @ApiProperty() event_id!: string;
  @ApiProperty({ type: [JourneyProgressDto] }) progressed!: JourneyProgressDto[];
}
