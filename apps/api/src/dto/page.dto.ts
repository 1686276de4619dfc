import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, type PageRequest } from '@app/common';
import { Coerce } from './known-properties.js';
import { IsIntIn, IsText } from './validators.js';

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })
  @IsOptional()
  // Only plain digits become a number: 0x10, 1e2, +5 or " 5" stay strings and are refused.
  @Coerce((value) => (typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value))
  @IsIntIn(1, MAX_PAGE_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page' })
  @IsOptional()
  @IsText(1, 64)
  cursor?: string;

  toPageRequest(): PageRequest {
    return { limit: this.limit ?? DEFAULT_PAGE_LIMIT, ...(this.cursor !== undefined && { cursor: this.cursor }) };
  }
}
