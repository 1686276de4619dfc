import { getMetadataStorage, IsObject, ValidateNested } from 'class-validator';
import type { ErrorDetail } from '@app/common';

/**
 * How request bodies and queries become DTO instances. Only declared properties are copied, exactly
 * as sent (free-form objects keep every key, `toString` and `constructor` included); declared nested
 * DTOs become instances of their class; `@Coerce` converts a value first (query strings). Nothing
 * else is converted: a numeric string stays a string, and fails a number's validation.
 */

const NESTED = Symbol('wowsino:nested-dto');
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
