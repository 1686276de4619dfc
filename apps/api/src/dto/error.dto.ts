import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorDetailDto {
  @ApiProperty({ example: 'bet_amount' }) field!: string;
  @ApiProperty({ example: 'must be an integer number of millis >= 0' }) issue!: string;
}

export class ErrorDto {
  @ApiProperty({
    example: 'validation_failed',
    description:
      'validation_failed (400), unauthorized (401), forbidden (403), not_found (404), conflict (409), ' +
      'payload_too_large (413), unsupported_media_type (415), idempotency_key_reused (422) or a precise ' +
      'business code (422), rate_limited (429), internal_error (500), service_unavailable (503)',
  })
  code!: string;
  @ApiProperty({ example: 'bet_amount must be an integer number of millis >= 0' }) message!: string;
  @ApiPropertyOptional({ type: [ErrorDetailDto] }) details?: ErrorDetailDto[];
}

/** API.md §1: every error has this body. */
export class ErrorResponseDto {
  @ApiProperty({ type: ErrorDto }) error!: ErrorDto;
  @ApiProperty({ example: 'req_01jd5x3k8q7m2n4p6r8s0t2v4w' }) request_id!: string;
}
