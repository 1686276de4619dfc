/**
 * The one error type the domain throws. The HTTP layer turns it into the error body of API.md §1:
 * `{ error: { code, message, details? }, request_id }`.
 */
export interface ErrorDetail {
  readonly field: string;
  readonly issue: string;
  readonly [extra: string]: unknown;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: readonly ErrorDetail[],
  ) {
    super(message);
    this.name = 'AppError';
  }

  static validation(details: readonly ErrorDetail[], message?: string): AppError {
    const first = details[0];
    return new AppError(400, 'validation_failed', message ?? (first ? `${first.field} ${first.issue}` : 'the request is invalid'), details);
  }

  static notFound(what = 'object'): AppError {
    return new AppError(404, 'not_found', `${what} not found`);
  }

  static unauthorized(message = 'a valid API key is required'): AppError {
    return new AppError(401, 'unauthorized', message);
  }

  static forbidden(message = 'this API key may not do that'): AppError {
    return new AppError(403, 'forbidden', message);
  }

  /** A request with the same idempotency key is still in flight, or the object's state forbids the action. */
  static conflict(message: string, code = 'conflict'): AppError {
    return new AppError(409, code, message);
  }

  static idempotencyKeyReused(key: string): AppError {
    return new AppError(422, 'idempotency_key_reused', `${key} was already used with a different payload`);
  }

  /** A business rule refused the request (`currency_mismatch`, `player_excluded`, …). */
  static rule(code: string, message: string, details?: readonly ErrorDetail[]): AppError {
    return new AppError(422, code, message, details);
  }
}
