import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, type PageRequest } from '@app/common';
import { Coerce, digits } from './known-properties.js';
import { IsIntIn, rule } from './validators.js';

/** A next_cursor: the id of the last item of a page, `<prefix>_` and 26 base32 characters. */
const CURSOR = /^[a-z]{3}_[0-9abcdefghjkmnpqrstvwxyz]{26}$/;

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })
  @IsOptional()
  @Coerce(digits(6))
  @IsIntIn(1, MAX_PAGE_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page (the id of its last item); anything else is a 400', pattern: CURSOR.source })
  @IsOptional()
  @rule('isCursor', 'must be the next_cursor of a page', (v) => typeof v === 'string' && CURSOR.test(v))
  cursor?: string;

  toPageRequest(): PageRequest {
    return { limit: this.limit ?? DEFAULT_PAGE_LIMIT, ...(this.cursor !== undefined && { cursor: this.cursor }) };
  }
}
