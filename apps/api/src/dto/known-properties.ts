import { getMetadataStorage, IsObject, ValidateNested } from 'class-validator';
import type { ErrorDetail } from '@app/common';

/**
 * How request bodies and queries become DTO instances. Only declared properties are copied, exactly
 * as sent (free-form objects keep every key, `toString` and `constructor` included); declared nested
 * DTOs become instances of their class; `@Coerce` converts a value first (query strings). Nothing
 * else is converted: a numeric string stays a string, and fails a number's validation.
 */

const NESTED = Symbol('wowsino:nested-dto');
const MONEY = Symbol('wowsino:money');
const MONEY_WITHIN = Symbol('wowsino:money-within');
const COERCE = Symbol('wowsino:coerce');
const EACH = Symbol('wowsino:nested-each');
type Ctor = abstract new (...args: never[]) => unknown;

function defineInMap<V>(symbol: symbol, target: object, key: string | symbol, value: V): void {
  const own: Map<string, V> = Reflect.getOwnMetadata(symbol, target) ?? new Map();
  own.set(key as string, value);
  Reflect.defineMetadata(symbol, own, target);
}

const merged = new Map<symbol, WeakMap<Ctor, Map<string, unknown>>>();

/**
 * The merged map of `symbol` along a class's prototype chain (a subclass's own entries win). Decorators
 * run when a class is defined, before any request: the map is built once per class and reused.
 */
function mapOf<V>(symbol: symbol, cls: Ctor): Map<string, V> {
  let perClass = merged.get(symbol);
  if (!perClass) merged.set(symbol, (perClass = new WeakMap()));
  let map = perClass.get(cls);
  if (!map) {
    const chain: Map<string, unknown>[] = [];
    for (let proto = cls.prototype as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      const own = Reflect.getOwnMetadata(symbol, proto) as Map<string, unknown> | undefined;
      if (own) chain.unshift(own);
    }
    map = new Map(chain.flatMap((m) => [...m]));
    perClass.set(cls, map);
  }
  return map as Map<string, V>;
}

/** A nested DTO (or array of them): validated with its own class and walked by unknownFields(). */
export const NestedDto =
  (type: () => Ctor, options: { each?: boolean } = {}): PropertyDecorator =>
  (target: object, key: string | symbol) => {
    defineInMap(NESTED, target, key, type);
    defineInMap(EACH, target, key, options.each === true);
    ValidateNested({ each: options.each })(target, key as string);
    if (!options.each) IsObject()(target, key as string);
  };

/** Converts a value before validation (e.g. a query string's digits to a number). */
export const Coerce =
  (fn: (value: unknown) => unknown): PropertyDecorator =>
  (target: object, key: string | symbol) =>
    defineInMap(COERCE, target, key, fn);

/** A query string of 1 to `max` plain digits becomes a number; 0x10, 1e2, +5 or " 5" stay strings and are refused. */
export function digits(max: number): (value: unknown) => unknown {
  const plain = new RegExp(`^\\d{1,${max}}$`);
  return (value) => (typeof value === 'string' && plain.test(value) ? Number(value) : value);
}

const declared = new Map<Ctor, Set<string>>();

function declaredProperties(cls: Ctor): Set<string> {
  let props = declared.get(cls);
  if (!props) {
    props = new Set(getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false).map((m) => m.propertyName));
    declared.set(cls, props);
  }
  return props;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every key that is not a declared property, at every depth of declared nested DTOs. */
export function unknownFields(value: unknown, cls: Ctor, path = ''): ErrorDetail[] {
  if (!isPlainObject(value)) return [];
  const props = declaredProperties(cls);
  const nested = mapOf<() => Ctor>(NESTED, cls);
  const out: ErrorDetail[] = [];
  for (const [key, v] of Object.entries(value)) {
    const field = path ? `${path}.${key}` : key;
    if (!props.has(key)) {
      out.push({ field, issue: 'is not allowed' });
      continue;
    }
    const type = nested.get(key);
    if (!type) continue;
    if (Array.isArray(v)) v.forEach((item, i) => out.push(...unknownFields(item, type(), `${field}[${i}]`)));
    else out.push(...unknownFields(v, type(), field));
  }
  return out;
}

/** A DTO instance from JSON: declared properties only, values as sent (after @Coerce). */
export function toInstance<T>(cls: Ctor, plain: Record<string, unknown>): T {
  const instance = Object.create(cls.prototype) as Record<string, unknown>;
  const props = declaredProperties(cls);
  const nested = mapOf<() => Ctor>(NESTED, cls);
  const each = mapOf<boolean>(EACH, cls);
  const coerce = mapOf<(v: unknown) => unknown>(COERCE, cls);
  for (const [key, raw] of Object.entries(plain)) {
    if (!props.has(key)) continue;
    let value = coerce.get(key)?.(raw) ?? raw;
    const type = nested.get(key);
    if (type) {
      // Anything but an object where a nested DTO belongs becomes null, so that class-validator names
      // the very item (`steps[1]`) instead of descending into an array it was not meant to walk.
      const build = (v: unknown) => (isPlainObject(v) ? toInstance(type(), v) : null);
      value = Array.isArray(value) && each.get(key) ? value.map(build) : build(value);
    }
    Object.defineProperty(instance, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return instance as T;
}

/** Marks a money property (IsMoney) with its minimum: for the float-literal check below. */
export function markMoney(target: object, key: string | symbol, min: number): void {
  defineInMap(MONEY, target, key, min);
}

/** Marks a property whose free-form value (a reward) has money fields, with their minimums. */
export function markMoneyWithin(target: object, key: string | symbol, fields: Readonly<Record<string, number>>): void {
  defineInMap(MONEY_WITHIN, target, key, fields);
}

/**
 * The refusals of money fields a body wrote as floats with an integer value (`1000.0`, `1e3`: the body
 * parser found them, at `paths`): money is an integer number of millis, and floats are refused (API.md
 * §1), however a JSON parser reads them. Fields of declared nested DTOs are followed; a reward's amount
 * is named as its other faults are, on the reward.
 */
export function floatLiteralMoney(cls: Ctor, paths: ReadonlyArray<ReadonlyArray<string | number>>): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const path of paths) {
    let type: Ctor | undefined = cls;
    let field = '';
    for (let i = 0; i < path.length && type; i++) {
      const seg = path[i];
      if (typeof seg === 'number') {
        field += `[${seg}]`;
        continue;
      }
      field = field ? `${field}.${seg}` : seg;
      if (i === path.length - 1) {
        const min = mapOf<number>(MONEY, type).get(seg);
        if (min !== undefined) out.push({ field, issue: `must be an integer number of millis >= ${min}` });
        break;
      }
      const within = mapOf<Readonly<Record<string, number>>>(MONEY_WITHIN, type).get(seg);
      if (within) {
        let j = i + 1;
        while (typeof path[j] === 'number') field += `[${path[j++]}]`;
        const sub = path[j];
        if (j === path.length - 1 && typeof sub === 'string' && Object.hasOwn(within, sub)) {
          out.push({ field, issue: `${sub} must be an integer number of millis >= ${within[sub]}` });
        }
        break;
      }
      type = mapOf<() => Ctor>(NESTED, type).get(seg)?.();
    }
  }
  return out;
}
