import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { PREVIEW_SAMPLE_DEFAULT, PREVIEW_SAMPLE_MAX, RULE_LIMITS } from '@app/segments';
import { Coerce, digits } from './known-properties.js';
import { PlayerDto } from './player.dto.js';
import { IsIntIn, IsOptionalNonNull, IsText, rule } from './validators.js';

const RULE_DOC =
  'The rule language of API.md section 10, e.g. `min_vip_level=2 AND last_deposit_at < now() - 7d`. Keywords are ' +
  'case-insensitive; text in single or double quotes (a quote inside is doubled); a comparison with an empty field is ' +
  'false; NOT negates a whole condition (so NOT (x < 5) matches a player with no x). An empty rule (or null) matches ' +
  `every player. At most ${RULE_LIMITS.maxLength} characters. A rule that does not parse is a 400 whose details give ` +
  'the position (0-based) and what was expected.';

/** A rule: text up to the language's limit; null stands for the empty rule (every player). The parser checks the rest. */
const IsRuleText = (): PropertyDecorator =>
  rule('isRule', `must be a string of at most ${RULE_LIMITS.maxLength} characters (or null)`, (v) => v === null || (typeof v === 'string' && v.length <= RULE_LIMITS.maxLength));

export class CreateSegmentDto {
  @ApiProperty({ example: 'Lapsed VIPs', maxLength: 200 }) @IsText(1, 200) name!: string;

  @ApiProperty({ example: 'min_vip_level=2 AND last_deposit_at < now() - 7d', nullable: true, type: String, description: RULE_DOC })
  @IsRuleText()
  rule!: string | null;

  toInput(): { name: string; rule: string } {
    return { name: this.name, rule: this.rule ?? '' };
  }
}

export class UpdateSegmentDto {
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptionalNonNull() @IsText(1, 200) name?: string;

  @ApiPropertyOptional({ nullable: true, type: String, description: RULE_DOC })
  @IsOptional()
  @IsRuleText()
  rule?: string | null;

  toPatch(): { name?: string; rule?: string } {
    return { ...(this.name !== undefined && { name: this.name }), ...(this.rule !== undefined && { rule: this.rule ?? '' }) };
  }
}

export class SegmentDto {
  @ApiProperty({ example: 'seg_01jd5x3k8q7m2n4p6r8s0t2v4w' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'as written' }) rule!: string;
  @ApiProperty({ description: 'normalized: keywords upper case, shorthands expanded' }) canonical_rule!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class SegmentPageDto {
  @ApiProperty({ type: [SegmentDto] }) data!: SegmentDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

export class PreviewQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: PREVIEW_SAMPLE_MAX, default: PREVIEW_SAMPLE_DEFAULT, description: 'sample size' })
  @IsOptional()
  @Coerce(digits(6))
  @IsIntIn(1, PREVIEW_SAMPLE_MAX)
  limit?: number;
}

export class SegmentPreviewDto {
  @ApiProperty({ description: 'players matching now' }) count!: number;
  @ApiProperty({ type: [PlayerDto], description: 'the first matching players by id' }) sample!: PlayerDto[];
}
