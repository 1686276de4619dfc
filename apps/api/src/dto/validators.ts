import { registerDecorator, ValidateIf, type ValidationOptions } from 'class-validator';
import { AppError, type ErrorDetail, isStorableText, MAX_MONEY } from '@app/common';
import { markMoney } from './known-properties.js';

/** A one-off validation rule with its message (`$property` is the field's name). */
export function rule(name: string, message: string, test: (v: unknown) => boolean, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: options?.each ? `$property items ${message.replace(/^must be an? /, 'must each be a ')}` : `$property ${message}`, ...options },
      validator: { validate: (v: unknown) => test(v) },
    });
}

/** Integer millis, 0 ≤ v ≤ 2^53 − 1. Floats, numeric strings and huge numbers are refused (API.md §1). */
export const IsMoney =
  (options?: ValidationOptions & { min?: number }): PropertyDecorator =>
  (target: object, key: string | symbol) => {
    // written as a float (1000.0, 1e3), an integer value is still refused: markMoney tells the pipe
    markMoney(target, key, options?.min ?? 0);
    rule(
      'isMoney',
      `must be an integer number of millis >= ${options?.min ?? 0}`,
      (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= (options?.min ?? 0) && v <= MAX_MONEY,
      options,
    )(target, key);
  };

/** A JSON integer in [min, max]. */
export const IsIntIn = (min: number, max: number, options?: ValidationOptions): PropertyDecorator =>
  rule('isIntIn', `must be an integer between ${min} and ${max}`, (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max, options);

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

export function parseRfc3339(v: unknown): Date | null {
  if (typeof v !== 'string') return null;
  const m = RFC3339.exec(v);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  // Date() would roll 2026-02-30 over to March 2nd: check the day against the month.
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || s > 59) return null;
  const date = new Date(v);
  // The year as written is checked above; its offset can still carry it past 9999 (or before 1970) in
  // UTC, which PostgreSQL would store but no response could print.
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1970 || date.getUTCFullYear() > 9999) return null;
  return date;
}

/** An RFC 3339 timestamp with a time zone, e.g. 2026-05-19T12:00:00Z. */
export const IsRfc3339 = (options?: ValidationOptions): PropertyDecorator =>
  rule('isRfc3339', 'must be an RFC 3339 timestamp with a time zone (e.g. 2026-05-19T12:00:00Z)', (v) => parseRfc3339(v) !== null, options);

export const IsCurrencyCode = (options?: ValidationOptions & { allowWinz?: boolean }): PropertyDecorator =>
  rule(
    'isCurrencyCode',
    options?.allowWinz ? 'must be an ISO 4217 code (e.g. USD) or WINZ' : 'must be an ISO 4217 code (e.g. USD)',
    (v) => typeof v === 'string' && (/^[A-Z]{3}$/.test(v) || (options?.allowWinz === true && v === 'WINZ')),
    options,
  );

export const IsCountryCode = (options?: ValidationOptions): PropertyDecorator =>
  rule('isCountryCode', 'must be an ISO 3166-1 alpha-2 code (e.g. DE)', (v) => typeof v === 'string' && /^[A-Z]{2}$/.test(v), options);

/** Printable text of `min` to `max` characters: no C0 or C1 control characters, DEL, or lone surrogates (which PostgreSQL cannot store). */
export const isText = (v: unknown, min: number, max: number): v is string =>
  // eslint-disable-next-line no-control-regex
  typeof v === 'string' && v.length >= min && v.length <= max && !/[\u0000-\u001f\u007f-\u009f]/.test(v) && isStorableText(v);

/** Printable text of bounded length: no control characters. */
export const IsText = (min: number, max: number, options?: ValidationOptions): PropertyDecorator =>
  rule('isText', `must be a string of ${min} to ${max} characters without control characters`, (v) => isText(v, min, max), options);

const GAME_CATEGORY = /^[a-z][a-z0-9_]{0,31}$/;

/** A game category: slots, live_casino, table, roulette, blackjack, crash, other, or the operator's own. */
export const IsGameCategory = (options?: ValidationOptions): PropertyDecorator =>
  rule('isGameCategory', 'must be a lowercase category name (a-z, 0-9, _; up to 32)', (v) => typeof v === 'string' && GAME_CATEGORY.test(v), options);

/** The longest player reference (external_ref) the API accepts; every other id it hands out is shorter. */
export const MAX_REF_LENGTH = 128;

/**
 * An operator's external_ref: a reference that does not start with `plr_`, so it can never be taken
 * for a WOWsino player id (a `player_id` or a path segment starting with `plr_` is always an id).
 */
export const IsExternalRef = (options?: ValidationOptions): PropertyDecorator => (target: object, key: string | symbol) => {
  IsText(1, MAX_REF_LENGTH, options)(target, key);
  rule('isExternalRef', 'must not start with plr_ (the prefix of WOWsino player ids)', (v) => typeof v !== 'string' || !v.startsWith('plr_'), options)(target, key);
};

/** A player reference: `plr_…` or the operator's external_ref. */
export const IsRef = (options?: ValidationOptions): PropertyDecorator => IsText(1, MAX_REF_LENGTH, options);

const MAX_ATTRIBUTES_BYTES = 16 * 1024;

function depth(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  const children = Array.isArray(v) ? v : Object.values(v);
  return 1 + (children.length ? Math.max(...children.map(depth)) : 0);
}

/** A JSON object of at most 16 KiB and 5 levels. */
export const IsAttributes = (options?: ValidationOptions): PropertyDecorator =>
  rule(
    'isAttributes',
    `must be a JSON object of at most ${MAX_ATTRIBUTES_BYTES} bytes and 5 levels`,
    (v) =>
      v !== null &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      Buffer.byteLength(JSON.stringify(v)) <= MAX_ATTRIBUTES_BYTES &&
      depth(v) <= 5,
    options,
  );

/** Optional, but when present must not be null (null is an ill-typed value, not "absent"). */
export const IsOptionalNonNull = (): PropertyDecorator => (target: object, key: string | symbol) =>
  ValidateIf((o: Record<string | symbol, unknown>) => o[key] !== undefined)(target, key as string);

/** A JSON number in [min, max] (or (min, max] with exclusiveMin) with at most `places` decimals. */
/**
 * A JSON number as the plain decimal it was written as (JavaScript's shortest round-trip form, without
 * an exponent): 1e-7 → "0.0000001", 0.015 → "0.015".
 */
export function plainDecimal(v: number): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(String(v));
  if (!m) return String(v);
  const [, sign, whole, frac = '', exp] = m;
  const digits = whole + frac;
  const point = whole.length + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

export const IsDecimal = (min: number, max: number, places: number, options?: ValidationOptions & { exclusiveMin?: boolean }): PropertyDecorator =>
  rule(
    'isDecimal',
    `must be a number ${options?.exclusiveMin ? 'above' : 'of at least'} ${min} and at most ${max}, with at most ${places} decimals`,
    (v) =>
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (options?.exclusiveMin ? v > min : v >= min) &&
      v <= max &&
      (plainDecimal(v).split('.')[1] ?? '').length <= places,
    options,
  );

/** Exactly one of these fields present: otherwise a 400 naming them. */
export function exactlyOneOf(dto: object, fields: readonly string[]): void {
  const problems = oneOfProblems(dto, fields);
  if (problems.length > 0) throw AppError.validation(problems);
}

function oneOfProblems(dto: object, fields: readonly string[]): ErrorDetail[] {
  const given = fields.filter((f) => (dto as Record<string, unknown>)[f] !== undefined);
  if (given.length === 1) return [];
  const issue = given.length === 0 ? `one of ${fields.join(', ')} is required` : `give only one of ${fields.join(', ')}`;
  return fields.map((field) => ({ field, issue }));
}

const ONE_OF_GROUPS = Symbol('exactlyOneOfGroups');

/**
 * Declares that a DTO takes exactly one of these fields. toInput() enforces it with exactlyOneOf; the
 * declaration lets the validation pipe name these fields too when other fields are also refused, so
 * one 400 names every offending field. Subclasses add to their parent's groups.
 */
export function ExactlyOneOf(...fields: string[]): ClassDecorator {
  return (target) => {
    const inherited: readonly (readonly string[])[] = Reflect.getMetadata(ONE_OF_GROUPS, target) ?? [];
    Reflect.defineMetadata(ONE_OF_GROUPS, [...inherited, fields], target);
  };
}

/** The declared exactly-one-of groups this instance breaks. */
export function declaredOneOfProblems(instance: object): ErrorDetail[] {
  const groups: readonly (readonly string[])[] = Reflect.getMetadata(ONE_OF_GROUPS, instance.constructor) ?? [];
  return groups.flatMap((fields) => oneOfProblems(instance, fields));
}

const CROSS_CHECKS = Symbol('crossFieldChecks');

/** Whether a field (and what it sits in, and what sits in it) passed its own checks. */
export type FieldOk = (field: string) => boolean;

/**
 * Declares a rule over several fields of a DTO (one needs another, one must be after another). toInput()
 * or the service still enforce it; the declaration lets the validation pipe name its fields in the same
 * 400 as every other fault (API.md §1: `details` names every offending field). The check reads only
 * fields that passed their own validation (`ok`), so it never reasons about an ill-typed value.
 * Subclasses add to their parent's checks.
 */
export function CrossFieldCheck<T extends object>(check: (dto: T, ok: FieldOk) => ErrorDetail[]): ClassDecorator {
  return (target) => {
    const inherited: ReadonlyArray<(dto: object, ok: FieldOk) => ErrorDetail[]> = Reflect.getMetadata(CROSS_CHECKS, target) ?? [];
    Reflect.defineMetadata(CROSS_CHECKS, [...inherited, check], target);
  };
}

/** The problems of the declared cross-field rules of this instance, given the fields already refused. */
export function declaredCrossFieldProblems(instance: object, refused: readonly string[]): ErrorDetail[] {
  const checks: ReadonlyArray<(dto: object, ok: FieldOk) => ErrorDetail[]> = Reflect.getMetadata(CROSS_CHECKS, instance.constructor) ?? [];
  const within = (path: string, field: string) => path.startsWith(`${field}.`) || path.startsWith(`${field}[`);
  const ok: FieldOk = (field) => !refused.some((r) => r === field || within(r, field) || within(field, r));
  return checks.flatMap((check) => check(instance, ok));
}
