import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, type PageRequest } from '@app/common';
import { Coerce, digits } from './known-properties.js';
import { IsIntIn, IsText } from './validators.js';

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })
  @IsOptional()
  @Coerce(digits(6))
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
