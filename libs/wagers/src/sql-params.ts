/** Positional parameters for a statement assembled piece by piece: each value becomes `$n::<cast>`. */
export class Params {
  readonly values: unknown[] = [];

  add(v: unknown, cast: string): string {
    this.values.push(v);
    return `$${this.values.length}::${cast}`;
  }
}

const NEEDS_ESCAPE = /[\\"]/;
const ESCAPED = /[\\"]/g;

/**
 * A flat array as PostgreSQL's array literal (`{"a","b\"c",NULL,42}`), the text pg would send for it:
 * strings double-quoted with `\` and `"` escaped, null and undefined as NULL, numbers, bigints and
 * booleans as their digits or words, dates in ISO 8601 (UTC). pg builds the same text element by
 * element with two regular-expression replaces per string and a local-time date formatter; on the
 * wager hot path that was about 8% of the ingestion thread's CPU (its statements carry dozens of
 * arrays of a batch's rows). Anything else in the array (nested arrays, objects, buffers): the array
 * is returned as it is, for pg to serialize.
 */
export function pgArray(values: readonly unknown[]): string | readonly unknown[] {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    if (v === null || v === undefined) out += 'NULL';
    else if (typeof v === 'string') out += quoted(v);
    else if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') out += String(v);
    else if (v instanceof Date) out += quoted(v.toISOString());
    else return values;
  }
  return `${out}}`;
}

function quoted(s: string): string {
  return `"${NEEDS_ESCAPE.test(s) ? s.replace(ESCAPED, '\\$&') : s}"`;
}
