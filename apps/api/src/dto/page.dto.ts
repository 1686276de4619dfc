import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { AppError, DEFAULT_PAGE_LIMIT, type IdPrefix, MAX_PAGE_LIMIT, type PageRequest } from '@app/common';
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

  @ApiPropertyOptional({ description: 'next_cursor of the previous page (the id of its last item); anything else, an id of another kind of object included, is a 400', pattern: CURSOR.source })
  @IsOptional()
  @rule('isCursor', 'must be the next_cursor of a page', (v) => typeof v === 'string' && CURSOR.test(v))
  cursor?: string;

  /** `prefix`: the kind of id the list's items have; a cursor of another kind was never a next_cursor of this list. */
  toPageRequest(prefix: IdPrefix): PageRequest {
    if (this.cursor !== undefined && !this.cursor.startsWith(`${prefix}_`)) {
      throw AppError.validation([{ field: 'cursor', issue: `must be the next_cursor of a page of this list (a ${prefix}_ id)` }]);
    }
    return { limit: this.limit ?? DEFAULT_PAGE_LIMIT, ...(this.cursor !== undefined && { cursor: this.cursor }) };
  }
}
