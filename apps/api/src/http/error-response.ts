import { HttpException } from '@nestjs/common';
import { AppError, type ErrorDetail } from '@app/common';

export interface ErrorBody {
  error: { code: string; message: string; details?: readonly ErrorDetail[] };
  request_id: string;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  503: 'service_unavailable',
};

/** Turns anything thrown into API.md §1's error body. Unknown errors become a 500 that tells nothing. */
export function toErrorResponse(err: unknown, requestId: string): { status: number; body: ErrorBody; internal: boolean } {
  if (err instanceof AppError) {
    return { status: err.status, body: body(err.code, err.message, requestId, err.details), internal: false };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    if (status === 404) return { status, body: body('not_found', 'no such route', requestId), internal: false };
    if (status < 500 && CODE_BY_STATUS[status]) {
      return { status, body: body(CODE_BY_STATUS[status], err.message, requestId), internal: false };
    }
  }
  // Fastify's own errors (body too large, bad Content-Length, …) carry a 4xx statusCode.
  const statusCode = (err as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const code = CODE_BY_STATUS[statusCode] ?? 'validation_failed';
    const message = statusCode === 413 ? 'the request body is too large' : (err as Error).message;
    return { status: statusCode, body: body(code, message, requestId), internal: false };
  }
  return {
    status: 500,
    body: body('internal_error', `internal error; it is safe to retry (request ${requestId})`, requestId),
    internal: true,
  };
}

function body(code: string, message: string, requestId: string, details?: readonly ErrorDetail[]): ErrorBody {
  return { error: { code, message, ...(details && details.length > 0 ? { details } : {}) }, request_id: requestId };
}
