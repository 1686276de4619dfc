import { type ArgumentMetadata, Injectable, type PipeTransform, ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppError, type ErrorDetail } from '@app/common';
import { RejectedBody } from './body-parsers.js';

/**
 * The strict validation of every body, query and path DTO: unknown fields are refused, nothing is
 * coerced (a numeric string is not a number), and `details` names every offending field.
 */
@Injectable()
export class RequestValidationPipe implements PipeTransform {
  private readonly inner = new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors: ValidationError[]) => AppError.validation(formatValidationErrors(errors)),
  });

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') {
      if (value instanceof RejectedBody) throw value.error;
      const expectsObject = typeof metadata.metatype === 'function' && metadata.metatype !== Object;
      if (expectsObject && (value === null || typeof value !== 'object' || Array.isArray(value))) {
        throw AppError.validation([{ field: '(body)', issue: 'must be a JSON object' }]);
      }
    }
    return this.inner.transform(value, metadata);
  }
}

export function formatValidationErrors(errors: readonly ValidationError[], parent = ''): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const e of errors) {
    const field = !parent ? e.property : /^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`;
    for (const [constraint, message] of Object.entries(e.constraints ?? {})) {
      out.push({ field, issue: issueText(constraint, message, e.property) });
    }
    if (e.children && e.children.length > 0) out.push(...formatValidationErrors(e.children, field));
  }
  return out;
}

function issueText(constraint: string, message: string, property: string): string {
  if (constraint === 'whitelistValidation') return 'is not allowed';
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}
