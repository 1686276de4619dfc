import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject } from 'class-validator';
import { GAME_CATEGORIES, GRANT_STATUSES, type GrantInput, type GrantStatus, KINDS, type BonusKind, type TemplateInput, WAGERING_BASES, type WageringBase } from '@app/bonuses';
import { PageQueryDto } from './page.dto.js';
import { IsCurrencyCode, IsDecimal, IsIntIn, IsMoney, IsOptionalNonNull, IsRfc3339, IsText, parseRfc3339 } from './validators.js';

const big = (v: number | undefined): bigint | undefined => (v === undefined ? undefined : BigInt(v));

export class CreateBonusTemplateDto {
  @ApiProperty({ example: 'Reload Friday', maxLength: 200 }) @IsText(1, 200) name!: string;

  @ApiProperty({
    enum: KINDS,
    description:
      'reload / deposit_match: match_percent of the qualifying deposit, capped by max_amount. ' +
      'no_deposit / free_bet: fixed_amount, active at once. cashback: cashback_percent of the net loss ' +
      '(bets − wins, in the template currency) over cashback_window_hours from the grant, capped by max_amount, ' +
      'credited as the bonus amount when the window closes (nothing lost: the grant expires).',
  })
  @IsIn(KINDS)
  kind!: BonusKind;

  @ApiProperty({ example: 'USD' }) @IsCurrencyCode() currency!: string;

  @ApiPropertyOptional({ description: 'reload, deposit_match: percent of the deposit (0 < x ≤ 1000, 2 decimals)', example: 50 })
  @IsOptionalNonNull()
  @IsDecimal(0, 1000, 2, { exclusiveMin: true })
  match_percent?: number;

  @ApiPropertyOptional({ description: 'cap on the bonus amount, millis' }) @IsOptionalNonNull() @IsMoney({ min: 1 }) max_amount?: number;
  @ApiPropertyOptional({ description: 'no_deposit, free_bet: the bonus amount, millis' }) @IsOptionalNonNull() @IsMoney({ min: 1 }) fixed_amount?: number;

  @ApiPropertyOptional({ description: 'cashback: percent of the net loss (0 < x ≤ 100, 2 decimals)', example: 10 })
  @IsOptionalNonNull()
  @IsDecimal(0, 100, 2, { exclusiveMin: true })
  cashback_percent?: number;

  @ApiPropertyOptional({ description: 'cashback: the window, from the grant (default 168 = a week)', minimum: 1, maximum: 8760 })
  @IsOptionalNonNull()
  @IsIntIn(1, 8760)
  cashback_window_hours?: number;

  @ApiProperty({ description: 'required turnover = multiplier × base (0 ≤ x ≤ 200, 2 decimals)', example: 25 })
  @IsDecimal(0, 200, 2)
  wagering_multiplier!: number;

  @ApiProperty({ enum: WAGERING_BASES }) @IsIn(WAGERING_BASES) wagering_base!: WageringBase;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { slots: 1, roulette: 0.1, blackjack: 0.05 },
    description: `weight per game category, 0–1 with at most 4 decimals; categories: ${GAME_CATEGORIES.join(', ')}. Default { "slots": 1 }; unlisted categories weigh 0.`,
  })
  @IsOptionalNonNull()
  @IsObject()
  game_weights?: Record<string, number>;

  @ApiPropertyOptional({ description: 'a bet above this adds nothing to wagering and counts a max_bet_violation, millis' })
  @IsOptionalNonNull()
  @IsMoney({ min: 1 })
  max_bet?: number;

  @ApiPropertyOptional({ description: 'reload, deposit_match: smallest qualifying deposit, millis' }) @IsOptionalNonNull() @IsMoney() min_deposit?: number;

  @ApiPropertyOptional({ description: 'a grant ends this long after it is made (for cashback: after its window)', minimum: 1, maximum: 8760 })
  @IsOptionalNonNull()
  @IsIntIn(1, 8760)
  expires_in_hours?: number;

  toInput(): TemplateInput {
    const input: TemplateInput = { name: this.name, kind: this.kind, currency: this.currency, wageringMultiplier: this.wagering_multiplier, wageringBase: this.wagering_base };
    if (this.match_percent !== undefined) input.matchPercent = this.match_percent;
    if (this.max_amount !== undefined) input.maxAmount = big(this.max_amount);
    if (this.fixed_amount !== undefined) input.fixedAmount = big(this.fixed_amount);
    if (this.cashback_percent !== undefined) input.cashbackPercent = this.cashback_percent;
    if (this.cashback_window_hours !== undefined) input.cashbackWindowHours = this.cashback_window_hours;
    if (this.game_weights !== undefined) input.gameWeights = this.game_weights;
    if (this.max_bet !== undefined) input.maxBet = big(this.max_bet);
    if (this.min_deposit !== undefined) input.minDeposit = big(this.min_deposit);
    if (this.expires_in_hours !== undefined) input.expiresInHours = this.expires_in_hours;
    return input;
  }
}

export class BonusTemplateDto {
  @ApiProperty({ example: 'btp_01jd5x3k8q7m2n4p6r8s0t2v4w' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: KINDS }) kind!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ nullable: true, type: Number }) match_percent!: number | null;
  @ApiProperty({ nullable: true, type: Number }) max_amount!: number | null;
  @ApiProperty({ nullable: true, type: Number }) fixed_amount!: number | null;
  @ApiProperty({ nullable: true, type: Number }) cashback_percent!: number | null;
  @ApiProperty({ nullable: true, type: Number }) cashback_window_hours!: number | null;
  @ApiProperty() wagering_multiplier!: number;
  @ApiProperty({ enum: WAGERING_BASES }) wagering_base!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) game_weights!: Record<string, number>;
  @ApiProperty({ nullable: true, type: Number }) max_bet!: number | null;
  @ApiProperty({ nullable: true, type: Number }) min_deposit!: number | null;
  @ApiProperty({ nullable: true, type: Number }) expires_in_hours!: number | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) archived_at!: string | null;
}

export class BonusTemplatePageDto {
  @ApiProperty({ type: [BonusTemplateDto] }) data!: BonusTemplateDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

export class GrantBonusDto {
  @ApiProperty({ example: 'btp_01jd5x3k8q7m2n4p6r8s0t2v4w' }) @IsText(1, 64) bonus_template_id!: string;
  @ApiProperty({ description: 'idempotency key (tenant-wide)', maxLength: 128 }) @IsText(1, 128) idempotency_key!: string;

  @ApiPropertyOptional({ format: 'date-time', description: "this grant's deadline, instead of the template's expires_in_hours" })
  @IsOptionalNonNull()
  @IsRfc3339()
  expires_at?: string;

  toInput(): GrantInput {
    return {
      templateId: this.bonus_template_id,
      idempotencyKey: this.idempotency_key,
      ...(this.expires_at !== undefined && { expiresAt: parseRfc3339(this.expires_at)! }),
    };
  }
}

export class BonusGrantDto {
  @ApiProperty({ example: 'bns_01jd5x3k8q7m2n4p6r8s0t2v4w' }) id!: string;
  @ApiProperty() player_id!: string;
  @ApiProperty() external_ref!: string;
  @ApiProperty() bonus_template_id!: string;
  @ApiProperty({ enum: KINDS }) kind!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ enum: GRANT_STATUSES, description: 'offered → active → completed | expired | forfeited | cancelled' }) status!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'millis; null until fixed (by the deposit, or the cashback window)' }) amount!: number | null;
  @ApiProperty({ nullable: true, type: Number }) deposit_amount!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'millis of weighted turnover to complete' }) wagering_required!: number | null;
  @ApiProperty({ description: 'weighted turnover so far (bet × weight), millis, exact to 4 decimals' }) wagering_progress!: number;
  @ApiProperty() max_bet_violations!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'cashback: bets − wins in the window so far' }) cashback_net_loss!: number | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) window_ends_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expires_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) activated_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) completed_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) ended_at!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class BonusGrantPageDto {
  @ApiProperty({ type: [BonusGrantDto] }) data!: BonusGrantDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

export class BonusesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: GRANT_STATUSES }) @IsOptionalNonNull() @IsIn(GRANT_STATUSES) status?: GrantStatus;
}
