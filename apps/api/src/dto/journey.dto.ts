import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean } from 'class-validator';
import type { CreateJourneyInput } from '@app/journeys';
import type { Reward } from '@app/rewards';
import { NestedDto } from './known-properties.js';
import { IsReward, RewardDto } from './reward.dto.js';
import type { ErrorDetail } from '@app/common';
import { CrossFieldCheck, type FieldOk, IsIntIn, IsMoney, IsOptionalNonNull, IsRfc3339, IsText, parseRfc3339, rule } from './validators.js';

const TRIGGER = /^[a-z][a-z0-9_.:-]{0,63}$/;

export class JourneyStepDto {
  @ApiProperty({ example: 'first_deposit', description: 'registration, first_deposit, deposit, login, wager, or any custom name' })
  @rule('isTrigger', 'must be a trigger name (lowercase a-z, 0-9, _ . : -; up to 64)', (v) => typeof v === 'string' && TRIGGER.test(v))
  trigger!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 10_000, default: 1, description: 'how many times the trigger must fire' })
  @IsOptionalNonNull()
  @IsIntIn(1, 10_000)
  count?: number;

  @ApiPropertyOptional({ description: 'each firing must carry at least this amount (millis): a deposit amount, a wager bet' })
  @IsOptionalNonNull()
  @IsMoney()
  min_amount?: number;
}

/** A journey's window, when both ends are given, ends after it starts (JourneysService enforces it too). */
function journeyWindowProblems(dto: CreateJourneyDto, ok: FieldOk): ErrorDetail[] {
  const starts = ok('starts_at') ? parseRfc3339(dto.starts_at) : null;
  const ends = ok('ends_at') ? parseRfc3339(dto.ends_at) : null;
  return starts && ends && starts >= ends ? [{ field: 'ends_at', issue: 'must be after starts_at' }] : [];
}

@CrossFieldCheck(journeyWindowProblems)
export class CreateJourneyDto {
  @ApiProperty({ example: 'Welcome', maxLength: 200 }) @IsText(1, 200) name!: string;

  @ApiProperty({ type: [JourneyStepDto], description: 'completed in order, 1 to 20 steps' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @NestedDto(() => JourneyStepDto, { each: true })
  steps!: JourneyStepDto[];

  @ApiProperty({ type: RewardDto, description: 'granted once per player and cycle: winz, bonus, external or lootbox (opened at once)' })
  @IsReward(['winz', 'bonus', 'external', 'lootbox'])
  reward!: Reward;

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptionalNonNull() @IsRfc3339() starts_at?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptionalNonNull() @IsRfc3339() ends_at?: string;

  @ApiPropertyOptional({ default: false, description: 'start over after completion (each cycle rewarded once)' })
  @IsOptionalNonNull()
  @IsBoolean()
  repeatable?: boolean;

  toInput(): CreateJourneyInput {
    return {
      name: this.name,
      steps: this.steps.map((s) => ({ trigger: s.trigger, count: s.count ?? 1, minAmount: s.min_amount === undefined ? null : BigInt(s.min_amount) })),
      reward: this.reward,
      ...(this.starts_at !== undefined && { startsAt: parseRfc3339(this.starts_at)! }),
      ...(this.ends_at !== undefined && { endsAt: parseRfc3339(this.ends_at)! }),
      ...(this.repeatable !== undefined && { repeatable: this.repeatable }),
    };
  }
}

class JourneyStepViewDto {
  @ApiProperty() trigger!: string;
  @ApiProperty() count!: number;
  @ApiProperty({ nullable: true, type: Number }) min_amount!: number | null;
}

export class JourneyDto {
  @ApiProperty({ example: 'jny_01jd5x3k8q7m2n4p6r8s0t2v4w' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [JourneyStepViewDto] }) steps!: JourneyStepViewDto[];
  @ApiProperty({ type: RewardDto }) reward!: RewardDto;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) starts_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) ends_at!: string | null;
  @ApiProperty() repeatable!: boolean;
  @ApiProperty() active!: boolean;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) deactivated_at!: string | null;
}

export class JourneyPageDto {
  @ApiProperty({ type: [JourneyDto] }) data!: JourneyDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

class PlayerJourneyDto {
  @ApiProperty() journey_id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'the current (or last) run, from 1' }) cycle!: number;
  @ApiProperty({ description: 'the step being worked on (steps_total once completed)' }) step_index!: number;
  @ApiProperty({ description: 'firings counted towards that step' }) step_count!: number;
  @ApiProperty() steps_total!: number;
  @ApiProperty() completed!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) completed_at!: string | null;
  @ApiProperty() cycles_completed!: number;
}

export class PlayerJourneysDto {
  @ApiProperty({ type: [PlayerJourneyDto] }) data!: PlayerJourneyDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}
