import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { registerDecorator, type ValidationArguments } from 'class-validator';
import { RESERVED_GRANT_KEY, type Reward, type RewardGrantView, rewardProblems } from '@app/rewards';
import { markMoneyWithin } from './known-properties.js';
import { IsText, rule } from './validators.js';

/** A reward of API.md §6, checked as a whole; `details` says what is wrong with it. */
export const IsReward =
  (types?: readonly string[]): PropertyDecorator =>
  (target: object, propertyName: string | symbol) => {
    // a winz or external reward's amount is money: written as a float (1000.0), it is refused too
    markMoneyWithin(target, propertyName, { amount: 1 });
    registerDecorator({
      name: 'isReward',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (v: unknown) => rewardProblems(v, types).length === 0,
        defaultMessage: (args?: ValidationArguments) => `$property: ${rewardProblems(args?.value, types).join('; ')}`,
      },
    });
  };

export class RewardDto {
  @ApiProperty({ enum: ['winz', 'bonus', 'external', 'lootbox'] }) type!: string;
  @ApiPropertyOptional({ description: 'winz and external: integer millis ≥ 1' }) amount?: number;
  @ApiPropertyOptional({ description: 'bonus' }) bonus_template_id?: string;
  @ApiPropertyOptional({ description: 'lootbox' }) lootbox_id?: string;
  @ApiPropertyOptional({ description: 'external: ISO 4217' }) currency?: string;
  @ApiPropertyOptional({ description: 'external' }) description?: string;
}

export class GrantRewardDto {
  @ApiProperty({
    type: RewardDto,
    description: '{type: "winz", amount} | {type: "bonus", bonus_template_id} | {type: "external", amount, currency, description} | {type: "lootbox", lootbox_id} (opened at once)',
  })
  @IsReward(['winz', 'bonus', 'external', 'lootbox'])
  reward!: Reward;

  @ApiProperty({
    description: 'idempotency key of this grant (tenant-wide); may not start with tournament:, journey:, campaign:, lootbox: or jackpot: (the service\'s own grants)',
    maxLength: 128,
  })
  @IsText(1, 128)
  @rule('isOwnGrantKey', 'must not start with a reserved prefix (tournament:, journey:, campaign:, lootbox:, jackpot:)', (v) => typeof v !== 'string' || !RESERVED_GRANT_KEY.test(v))
  grant_key!: string;
}

export class RewardGrantDto {
  @ApiProperty() grant_id!: string;
  @ApiProperty() grant_key!: string;
  @ApiProperty() player_id!: string;
  @ApiProperty({ type: RewardDto }) reward!: RewardDto;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'what granting did: the ledger transaction, the bonus id, …' })
  result!: RewardGrantView['result'];
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}
