/**
 * `value` with every object's keys in the order PostgreSQL's jsonb keeps them: shorter keys first,
 * then by their UTF-8 bytes. An answer built in memory and the same answer read back from a jsonb
 * column then serialize to the same text, so a replay is byte for byte the first answer.
 */
export function inJsonbOrder<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => inJsonbOrder(v)) as T;
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const keys = Object.keys(value).sort(jsonbKeyOrder);
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = inJsonbOrder((value as Record<string, unknown>)[k]);
  return out as T;
}

function jsonbKeyOrder(a: string, b: string): number {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length - y.length || Buffer.compare(x, y);
}
