import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../dto/error.dto.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'validation_failed: malformed JSON, missing, unknown or ill-typed fields; `details` names each field. Nothing is stored.',
  404: 'not_found: unknown id, or another tenant\'s',
  409: 'conflict: the same idempotency key is in flight, or the object\'s state forbids the action',
  413: 'payload_too_large: the body exceeds BODY_LIMIT_BYTES',
  415: 'unsupported_media_type: the body is not application/json',
  422: 'idempotency_key_reused (same key, different payload) or a business rule code',
  500: 'internal_error: no internals in the message; safe to retry',
  503: 'service_unavailable',
};

/** Documents the error answers a route can give, all with API.md §1's error body. */
export const ApiErrors = (...statuses: number[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ...[...statuses, 500].map((status) =>
      ApiResponse({ status, type: ErrorResponseDto, description: DESCRIPTIONS[status] ?? 'error' }),
    ),
  );

/** The errors of any route that takes a JSON body. */
export const ApiBodyErrors = (...more: number[]): MethodDecorator & ClassDecorator => ApiErrors(400, 413, 415, ...more);
