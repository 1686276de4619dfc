import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { validate, type ValidationError } from 'class-validator';
import { AppError, type ErrorDetail, isStorableText, unstorableTextPath } from '@app/common';
import { floatLiteralMoney, toInstance, unknownFields } from '../dto/known-properties.js';
import { declaredCrossFieldProblems, declaredOneOfProblems } from '../dto/validators.js';
import { floatLiterals, RejectedBody } from './body-parsers.js';

/**
 * The strict validation of every body and query DTO: unknown fields are refused, nothing is coerced
 * unless a field says so (a numeric string is not a number), and one 400 names every offending field.
 *
 * It also guards every route parameter (`:id`, `:player`, …): one PostgreSQL cannot even compare (a NUL,
 * a lone surrogate) names nothing, so it is a 404 like any unknown id, never a database error.
 */
@Injectable()
export class RequestValidationPipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'param') return checkParam(value, metadata.data);
    if (metadata.type === 'body' && value instanceof RejectedBody) throw value.error;
    const dto = isDtoClass(metadata.metatype) ? metadata.metatype : undefined;
    if (!dto || (metadata.type !== 'body' && metadata.type !== 'query')) return value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      if (metadata.type === 'query') value = {};
      else throw AppError.validation([{ field: '(body)', issue: 'must be a JSON object' }]);
    }

    const unstorable = unstorableTextPath(value);
    const floats = metadata.type === 'body' ? floatLiterals.get(value as object) : undefined;
    const own: ErrorDetail[] = [
      ...(unstorable ? [{ field: unstorable, issue: 'contains a NUL character or invalid UTF-16' }] : []),
      ...unknownFields(value, dto),
      ...(floats ? floatLiteralMoney(dto, floats) : []),
    ];
    const instance = toInstance<object>(dto, value as Record<string, unknown>);
    const theirs = formatValidationErrors(await validate(instance, { forbidUnknownValues: true, validationError: { target: false, value: false } }));
    if (own.length === 0 && theirs.length === 0) return instance;
    // One 400 that names every offending field once: an unstorable string inside a field that its own
    // validator already refused (a NUL in a tag) is reported by that validator alone.
    const within = (path: string, field: string) => path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`);
    const mine = own.filter((d) => !theirs.some((t) => t.field === d.field || (d.field === unstorable && within(d.field, t.field))));
    const named = [...mine, ...theirs];
    // exactly-one-of groups and rules over several fields are checked by toInput() (or the service) once
    // the fields are valid; named here too, each field once
    const oneOf = declaredOneOfProblems(instance).filter((c) => !named.some((d) => d.field === c.field));
    const refused = [...named, ...oneOf].map((d) => d.field);
    const cross = declaredCrossFieldProblems(instance, refused).filter((c) => !refused.includes(c.field));
    throw AppError.validation([...named, ...oneOf, ...cross]);
  }
}

/** The object a route parameter names, for the 404's message (`:id` is any resource's). */
const PARAM_NOUNS: Record<string, string> = { player: 'player', bonus_id: 'bonus', delivery_id: 'delivery' };

/**
 * A route parameter that names nothing answers 404 as an unknown id would: after authentication (guards
 * run before pipes) and after the body and query are checked (an unknown id with a bad body is a 400).
 * Nest starts every argument's pipes at once and answers the first refusal; the body and query refusals
 * settle within microtasks, so this one waits a macrotask turn before it is raised.
 */
async function checkParam(value: unknown, name: string | undefined): Promise<unknown> {
  const values = typeof value === 'string' ? [value] : value !== null && typeof value === 'object' ? Object.values(value) : [];
  if (values.every((v) => typeof v !== 'string' || isStorableText(v))) return value;
  await new Promise<void>((resolve) => setImmediate(resolve));
  throw AppError.notFound((name && PARAM_NOUNS[name]) ?? 'object');
}

const PRIMITIVES = new Set<unknown>([String, Number, Boolean, Object, Array]);

function isDtoClass(metatype: unknown): metatype is abstract new (...args: never[]) => unknown {
  return typeof metatype === 'function' && !PRIMITIVES.has(metatype);
}

export function formatValidationErrors(errors: readonly ValidationError[], parent = ''): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const e of errors) {
    const field = !parent ? e.property : /^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`;
    const constraints = Object.entries(e.constraints ?? {});
    // A value of the wrong shape is told so once: not an array (not also its size), not an object
    // where a nested DTO belongs (by the field's own rule, if it has one).
    const shown = e.constraints?.isArray
      ? constraints.filter(([c]) => c === 'isArray')
      : constraints.length > 1
        ? constraints.filter(([c]) => c !== 'nestedValidation')
        : constraints;
    for (const [constraint, message] of shown) {
      out.push({ field, issue: issueText(constraint, message, e.property) });
    }
    if (e.children && e.children.length > 0) out.push(...formatValidationErrors(e.children, field));
  }
  return out;
}

function issueText(constraint: string, message: string, property: string): string {
  if (constraint === 'whitelistValidation') return 'is not allowed';
  if (constraint === 'nestedValidation') return 'must be a JSON object';
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}
