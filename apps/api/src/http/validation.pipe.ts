import { type ArgumentMetadata, Injectable, type PipeTransform, ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppError, type ErrorDetail, unstorableTextPath } from '@app/common';
import { unknownFields } from '../dto/known-properties.js';
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
    const dto = isDtoClass(metadata.metatype) ? metadata.metatype : undefined;
    if (metadata.type === 'body') {
      if (value instanceof RejectedBody) throw value.error;
      if (dto && (value === null || typeof value !== 'object' || Array.isArray(value))) {
        throw AppError.validation([{ field: '(body)', issue: 'must be a JSON object' }]);
      }
    }
    if (!dto || (metadata.type !== 'body' && metadata.type !== 'query')) return this.inner.transform(value, metadata);

    const unstorable = unstorableTextPath(value);
    const own: ErrorDetail[] = [
      ...(unstorable ? [{ field: unstorable, issue: 'contains a NUL character or invalid UTF-16' }] : []),
      ...unknownFields(value, dto),
    ];
    try {
      const result = await this.inner.transform(value, metadata);
      if (own.length > 0) throw AppError.validation(own);
      return result;
    } catch (err) {
      if (!(err instanceof AppError) || own.length === 0) throw err;
      // One 400 that names every offending field once: an unstorable string inside a field that its own
      // validator already refused (a NUL in a tag) is reported by that validator alone.
      const theirs = err.details ?? [];
      const within = (path: string, field: string) => path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`);
      const mine = own.filter((d) => !theirs.some((t) => t.field === d.field || (d.field === unstorable && within(d.field, t.field))));
      throw AppError.validation([...mine, ...theirs]);
    }
  }
}

const PRIMITIVES = new Set<unknown>([String, Number, Boolean, Object, Array]);

function isDtoClass(metatype: unknown): metatype is abstract new (...args: never[]) => unknown {
  return typeof metatype === 'function' && !PRIMITIVES.has(metatype);
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
