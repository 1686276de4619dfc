import { Type } from 'class-transformer';
import { getMetadataStorage, IsObject, ValidateNested } from 'class-validator';
import type { ErrorDetail } from '@app/common';

/**
 * The unknown-field check of API.md §1, done on the raw body. class-transformer silently drops keys
 * that name a function of the DTO or of Object.prototype (`constructor`, `toString`, a DTO's own
 * methods), so the ValidationPipe's whitelist never sees them; this walk does, at every depth.
 */

const NESTED = Symbol('wowsino:nested-dto');
type Ctor = abstract new (...args: never[]) => unknown;

/** A nested DTO (or array of them): validated, transformed, and walked by unknownFields(). */
export const NestedDto =
  (type: () => Ctor, options: { each?: boolean } = {}): PropertyDecorator =>
  (target: object, key: string | symbol) => {
    const nested: Map<string, () => Ctor> = Reflect.getMetadata(NESTED, target) ?? new Map();
    nested.set(key as string, type);
    Reflect.defineMetadata(NESTED, nested, target);
    ValidateNested({ each: options.each })(target, key as string);
    Type(type as () => new () => unknown)(target, key as string);
    if (!options.each) IsObject()(target, key as string);
  };

const declared = new Map<Ctor, Set<string>>();

function declaredProperties(cls: Ctor): Set<string> {
  let props = declared.get(cls);
  if (!props) {
    props = new Set(getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false).map((m) => m.propertyName));
    declared.set(cls, props);
  }
  return props;
}

export function unknownFields(value: unknown, cls: Ctor, path = ''): ErrorDetail[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const props = declaredProperties(cls);
  const nested: Map<string, () => Ctor> = Reflect.getMetadata(NESTED, cls.prototype) ?? new Map();
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
