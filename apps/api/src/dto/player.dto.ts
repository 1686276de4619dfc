import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean } from 'class-validator';
import type { CreatePlayerInput, PlayerPatch } from '@app/players';
import {
  IsAttributes,
  IsCountryCode,
  IsCurrencyCode,
  IsExternalRef,
  IsIntIn,
  IsOptionalNonNull,
  IsRfc3339,
  IsText,
  parseRfc3339,
} from './validators.js';
import { ValidateIf } from 'class-validator';

const MAX_VIP_LEVEL = 1000;

export class CreatePlayerDto {
  @ApiProperty({ description: "The operator's own player id (not starting with plr_); the idempotency key of this call.", example: 'user-8812', maxLength: 128 })
  @IsExternalRef()
  external_ref!: string;

  @ApiPropertyOptional({ example: 'DE', description: 'ISO 3166-1 alpha-2' })
  @IsOptionalNonNull()
  @IsCountryCode()
  country?: string;

  @ApiPropertyOptional({ example: 'EUR', description: 'ISO 4217' })
  @IsOptionalNonNull()
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_VIP_LEVEL, default: 0 })
  @IsOptionalNonNull()
  @IsIntIn(0, MAX_VIP_LEVEL)
  vip_level?: number;

  @ApiPropertyOptional({ format: 'date-time', description: 'defaults to the time of the call' })
  @IsOptionalNonNull()
  @IsRfc3339()
  registered_at?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 50, example: ['vip', 'sports'] })
  @IsOptionalNonNull()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsText(1, 64, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'free-form JSON object, at most 16 KiB' })
  @IsOptionalNonNull()
  @IsAttributes()
  attributes?: Record<string, unknown>;

  toInput(): CreatePlayerInput {
    return {
      externalRef: this.external_ref,
      ...(this.country !== undefined && { country: this.country }),
      ...(this.currency !== undefined && { currency: this.currency }),
      ...(this.vip_level !== undefined && { vipLevel: this.vip_level }),
      ...(this.registered_at !== undefined && { registeredAt: parseRfc3339(this.registered_at)! }),
      ...(this.tags !== undefined && { tags: this.tags }),
      ...(this.attributes !== undefined && { attributes: this.attributes }),
    };
  }
}

export class UpdatePlayerDto {
  @ApiPropertyOptional({ minimum: 0, maximum: MAX_VIP_LEVEL })
  @IsOptionalNonNull()
  @IsIntIn(0, MAX_VIP_LEVEL)
  vip_level?: number;

  @ApiPropertyOptional({ example: 'DE', nullable: true, description: 'null clears it' })
  @ValidateIf((o: UpdatePlayerDto) => o.country !== undefined && o.country !== null)
  @IsCountryCode()
  country?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: 50, description: 'replaces the whole list' })
  @IsOptionalNonNull()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsText(1, 64, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'replaces the whole object' })
  @IsOptionalNonNull()
  @IsAttributes()
  attributes?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptionalNonNull()
  @IsBoolean()
  self_excluded?: boolean;

  @ApiPropertyOptional({ format: 'date-time', nullable: true, description: 'excluded until then; null clears it' })
  @ValidateIf((o: UpdatePlayerDto) => o.excluded_until !== undefined && o.excluded_until !== null)
  @IsRfc3339()
  excluded_until?: string | null;

  toPatch(): PlayerPatch {
    return {
      ...(this.vip_level !== undefined && { vipLevel: this.vip_level }),
      ...(this.country !== undefined && { country: this.country }),
      ...(this.tags !== undefined && { tags: this.tags }),
      ...(this.attributes !== undefined && { attributes: this.attributes }),
      ...(this.self_excluded !== undefined && { selfExcluded: this.self_excluded }),
      ...(this.excluded_until !== undefined && {
        excludedUntil: this.excluded_until === null ? null : parseRfc3339(this.excluded_until)!,
      }),
    };
  }
}

export class PlayerStatsDto {
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) registered_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) first_deposit_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_deposit_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_wager_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_login_at!: string | null;
  @ApiProperty() deposit_count!: number;
  @ApiProperty({ description: 'millis' }) total_deposited!: number;
  @ApiProperty({ description: 'millis' }) total_wagered!: number;
}

export class PlayerDto {
  @ApiProperty({ example: 'plr_01jd5x3k8q7m2n4p6r8s0t2v4w' }) id!: string;
  @ApiProperty() external_ref!: string;
  @ApiProperty({ nullable: true, type: String }) country!: string | null;
  @ApiProperty({ nullable: true, type: String }) currency!: string | null;
  @ApiProperty() vip_level!: number;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true }) attributes!: Record<string, unknown>;
  @ApiProperty() self_excluded!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) excluded_until!: string | null;
  @ApiProperty({ type: PlayerStatsDto }) stats!: PlayerStatsDto;
  @ApiProperty({ description: 'WINZ millis' }) winz_balance!: number;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}
