import { describe, expect, it } from '@jest/globals';
import { compileRule } from './rule-compiler.js';
import { sqlIsWhitelisted } from './rule-fixtures.js';
import { parseRule } from './rule-parser.js';

const NOW = new Date('2026-03-14T15:09:26.535Z');
const compile = (rule: string, firstParam?: number) => compileRule(parseRule(rule), { now: NOW, firstParam });

describe('compileRule', () => {
  it('compiles the empty rule to TRUE with no parameters', () => {
    expect(compile('  ')).toEqual({ sql: 'TRUE', params: [] });
  });

  it('numbers placeholders from firstParam, in order of appearance', () => {
    const { sql, params } = compile("min_vip_level=2 AND last_deposit_at < now() - 7d AND country IN ('DE','AT')", 2);
    expect(sql).toBe(
      '((p.vip_level IS NOT NULL AND p.vip_level >= $2::bigint)' +
        ' AND (p.last_deposit_at IS NOT NULL AND p.last_deposit_at < $3::timestamptz)' +
        ' AND (p.country IS NOT NULL AND p.country = ANY($4::text[])))',
    );
    expect(params).toEqual(['2', '2026-03-07T15:09:26.535Z', ['DE', 'AT']]);
  });

  it('resolves now() ± every unit against the given now', () => {
    const at = (rule: string) => compile(`last_login_at > ${rule}`).params[0];
    expect(at('now()')).toBe('2026-03-14T15:09:26.535Z');
    expect(at('now() - 30m')).toBe('2026-03-14T14:39:26.535Z');
    expect(at('now() + 2h')).toBe('2026-03-14T17:09:26.535Z');
    expect(at('now() - 1d')).toBe('2026-03-13T15:09:26.535Z');
    expect(at('now() - 2w')).toBe('2026-02-28T15:09:26.535Z');
    expect(compileRule(parseRule('last_login_at > now()'), { now: new Date(0) }).params).toEqual(['1970-01-01T00:00:00.000Z']);
  });

  it('passes text, numbers and booleans as parameters, never as SQL', () => {
    const { sql, params } = compile(
      `country = 'x''; DROP TABLE players; --' OR tags != "a""b" OR attributes.seg_1 < '/*' OR self_excluded = TRUE OR total_wagered != 9007199254740991`,
    );
    expect(sqlIsWhitelisted(sql, 1, params.length)).toBe(true);
    expect(sql).not.toMatch(/DROP|--|\/\*|seg_1|9007/);
    expect(params).toEqual(["x'; DROP TABLE players; --", 'a"b', ['seg_1'], '/*', true, '9007199254740991']);
  });

  it('orders text by code point and guards nullable columns', () => {
    expect(compile("currency >= 'EUR'").sql).toBe('(p.currency IS NOT NULL AND p.currency >= $1::text COLLATE "C")');
    expect(compile("currency = 'EUR'").sql).toBe('(p.currency IS NOT NULL AND p.currency = $1::text)');
    expect(compile('registered_at IS NULL').sql).toBe('(p.registered_at IS NULL)');
    expect(compile('NOT registered_at IS NOT NULL').sql).toBe('(NOT (p.registered_at IS NOT NULL))');
    expect(compile('vip_level NOT IN (1, 2)').sql).toBe('(p.vip_level IS NOT NULL AND NOT (p.vip_level = ANY($1::bigint[])))');
  });

  it('compiles tags as set operations', () => {
    expect(compile("tags = 'vip'").sql).toBe('(coalesce(p.tags @> ARRAY[$1::text], false))');
    expect(compile("tags != 'vip'").sql).toBe('(NOT coalesce(p.tags @> ARRAY[$1::text], false))');
    expect(compile("tags IN ('a','b')")).toEqual({ sql: '(coalesce(p.tags && $1::text[], false))', params: [['a', 'b']] });
    expect(compile("tags NOT IN ('a')").sql).toBe('(NOT coalesce(p.tags && $1::text[], false))');
    expect(compile('tags IS NULL').sql).toBe('(coalesce(cardinality(p.tags), 0) = 0)');
    expect(compile('tags IS NOT NULL').sql).toBe('(coalesce(cardinality(p.tags), 0) > 0)');
  });

  it('compiles attributes with a type check before the cast, the path as a parameter', () => {
    expect(compile('attributes.a.b >= 1.5')).toEqual({
      sql: "(CASE WHEN jsonb_typeof(p.attributes #> $1::text[]) = 'number' THEN (p.attributes #> $1::text[])::numeric >= $2::numeric ELSE false END)",
      params: [['a', 'b'], '1.5'],
    });
    expect(compile("attributes.s < 'm'").sql).toBe(
      "(CASE WHEN jsonb_typeof(p.attributes #> $1::text[]) = 'string' THEN (p.attributes #>> $1::text[]) < $2::text COLLATE \"C\" ELSE false END)",
    );
    expect(compile('attributes.ok != true').sql).toBe(
      "(CASE WHEN jsonb_typeof(p.attributes #> $1::text[]) = 'boolean' THEN (p.attributes #> $1::text[])::boolean <> $2::boolean ELSE false END)",
    );
    expect(compile("attributes.s NOT IN ('a')").sql).toBe(
      "(CASE WHEN jsonb_typeof(p.attributes #> $1::text[]) = 'string' THEN NOT ((p.attributes #>> $1::text[]) = ANY($2::text[])) ELSE false END)",
    );
    expect(compile('attributes.s IS NULL').sql).toBe("(coalesce(jsonb_typeof(p.attributes #> $1::text[]), 'null') = 'null')");
    expect(compile('attributes.s IS NOT NULL').sql).toBe("(coalesce(jsonb_typeof(p.attributes #> $1::text[]), 'null') <> 'null')");
  });

  it('refuses a bad now or firstParam (programming errors)', () => {
    expect(() => compileRule(parseRule('vip_level = 1'), { now: new Date(NaN) })).toThrow(RangeError);
    expect(() => compileRule(parseRule('vip_level = 1'), { now: NOW, firstParam: 0 })).toThrow(RangeError);
    expect(() => compileRule(parseRule('last_login_at > now() + 5000w'), { now: new Date('9950-01-01T00:00:00Z') })).toThrow(RangeError);
  });
});
