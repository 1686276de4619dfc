import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, registerDecorator, type ValidationArguments } from 'class-validator';
import { type CreateCampaignInput, cronProblem } from '@app/campaigns';
import type { Reward } from '@app/rewards';
import { IsReward, RewardDto } from './reward.dto.js';
import { IsOptionalNonNull, isText, IsText, rule } from './validators.js';

const SCHEDULE_DOC =
  'A cron expression evaluated in UTC: 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first); ' +
  'no H (random) values. ' +
  'Each firing is an execution whose execution_id is `scheduled:<slot time, RFC 3339>`: a slot that fires twice runs once.';

const EXECUTION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const SCHEDULE_MAX = 120;

/** A cron schedule (API.md section 10); what IsText refuses (not text, too long, control characters) is left to it. */
const IsSchedule = (): PropertyDecorator => (target: object, propertyName: string | symbol) =>
  registerDecorator({
    name: 'isSchedule',
    target: target.constructor,
    propertyName: propertyName as string,
    validator: {
      validate: (v: unknown) => !isText(v, 1, SCHEDULE_MAX) || cronProblem(v) === null,
      defaultMessage: (args?: ValidationArguments) => `$property ${cronProblem(String(args?.value)) ?? 'must be a cron expression'}`,
    },
  });

export class CreateCampaignDto {
  @ApiProperty({ example: 'Weekly reload', maxLength: 200 }) @IsText(1, 200) name!: string;
  @ApiProperty({ example: 'seg_01jd5x3k8q7m2n4p6r8s0t2v4w' }) @IsText(1, 64) segment_id!: string;

  @ApiProperty({ type: RewardDto, description: 'granted once per member and execution: winz, bonus, external or lootbox' })
  @IsReward(['winz', 'bonus', 'external', 'lootbox'])
  reward!: Reward;

  @ApiPropertyOptional({ example: '0 9 * * 1', description: SCHEDULE_DOC }) @IsOptionalNonNull() @IsText(1, SCHEDULE_MAX) @IsSchedule() schedule?: string;

  toInput(): CreateCampaignInput {
    return { name: this.name, segmentId: this.segment_id, reward: this.reward, ...(this.schedule !== undefined && { schedule: this.schedule }) };
  }
}

export class UpdateCampaignDto {
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptionalNonNull() @IsText(1, 200) name?: string;
  @ApiPropertyOptional() @IsOptionalNonNull() @IsText(1, 64) segment_id?: string;
  @ApiPropertyOptional({ type: RewardDto }) @IsOptionalNonNull() @IsReward(['winz', 'bonus', 'external', 'lootbox']) reward?: Reward;

  @ApiPropertyOptional({ nullable: true, type: String, description: `${SCHEDULE_DOC} null removes the schedule.` })
  @IsOptional()
  @IsText(1, SCHEDULE_MAX)
  @IsSchedule()
  schedule?: string | null;

  @ApiPropertyOptional({ description: 'an inactive campaign takes no new executions and its schedule stops' })
  @IsOptionalNonNull()
  @IsBoolean()
  active?: boolean;

  toPatch(): { name?: string; segmentId?: string; reward?: Reward; schedule?: string | null; active?: boolean } {
    return {
      ...(this.name !== undefined && { name: this.name }),
      ...(this.segment_id !== undefined && { segmentId: this.segment_id }),
      ...(this.reward !== undefined && { reward: this.reward }),
      ...(this.schedule !== undefined && { schedule: this.schedule }),
      ...(this.active !== undefined && { active: this.active }),
    };
  }
}

export class CampaignDto {
  @ApiProperty({ example: 'cmp_01jd5x3k8q7m2n4p6r8s0t2v4w' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() segment_id!: string;
  @ApiProperty({ type: RewardDto }) reward!: RewardDto;
  @ApiProperty({ nullable: true, type: String }) schedule!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class CampaignPageDto {
  @ApiProperty({ type: [CampaignDto] }) data!: CampaignDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

export class ExecuteCampaignDto {
  @ApiProperty({
    example: 'reload-2026-w47',
    description: 'your id for this run (1-128 of A-Z a-z 0-9 . _ : -; `scheduled:` is reserved for the schedule): the same id again never runs twice',
  })
  @rule('isExecutionId', 'must be 1-128 characters of A-Z a-z 0-9 . _ : - starting with a letter or digit, not starting with scheduled:', (v) => typeof v === 'string' && EXECUTION_ID.test(v) && !v.startsWith('scheduled:'))
  execution_id!: string;
}

export class ExecutionDto {
  @ApiProperty() execution_id!: string;
  @ApiProperty() campaign_id!: string;
  @ApiProperty({ enum: ['queued', 'running', 'completed', 'failed'] }) status!: string;
  @ApiProperty({ description: 'members in the snapshot' }) matched!: number;
  @ApiProperty() granted!: number;
  @ApiProperty({ description: 'excluded players (self-excluded or in a cool-off) at their grant' }) skipped!: number;
  @ApiProperty({ description: 'members whose grant a rule refused; the reason is logged' }) failed!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) scheduled_for!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'the now() of the rule' }) snapshot_at!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) started_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) completed_at!: string | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
}

export class ExecutionPageDto {
  @ApiProperty({ type: [ExecutionDto] }) data!: ExecutionDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}
