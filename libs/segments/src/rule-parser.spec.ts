import { describe, expect, it } from '@jest/globals';
import { canonicalRule, parseRule, parseTimestamp, RULE_LIMITS, type RuleAst, RuleSyntaxError } from './rule-parser.js';

const col = (name: string) => ({ kind: 'column', name });
const cmp = (field: string, op: string, value: unknown) => ({ type: 'compare', field: col(field), op, value });
const num = (text: string) => ({ type: 'number', text });
const txt = (value: string) => ({ type: 'text', value });
const vip = (op: string, n: string) => cmp('vip_level', op, num(n));

/** The error a rule fails with (the test fails if it parses or throws anything else). */
function errorOf(rule: string): RuleSyntaxError {
  try {
    parseRule(rule);
  } catch (err) {
    if (err instanceof RuleSyntaxError) return err;
    throw err;
  }
  throw new Error(`parsed: ${rule}`);
}

describe('the empty rule', () => {
  it.each([[''], ['   '], ['\n\t \r\n'], [null], [undefined]])('%j matches every player', (rule) => {
    expect(parseRule(rule as string)).toEqual({ type: 'all' });
    expect(canonicalRule(parseRule(rule as string))).toBe('');
  });

  it('treats other Unicode spaces as characters, not as blank', () => {
    expect(errorOf('\u00A0').position).toBe(0);
    expect(errorOf('\u3000').position).toBe(0);
  });
});

describe('precedence and grouping', () => {
  it('binds AND tighter than OR', () => {
    expect(parseRule('vip_level = 1 OR vip_level = 2 AND vip_level = 3')).toEqual({
      type: 'or',
      items: [vip('=', '1'), { type: 'and', items: [vip('=', '2'), vip('=', '3')] }],
    });
    expect(parseRule('vip_level = 1 AND vip_level = 2 OR vip_level = 3')).toEqual({
      type: 'or',
      items: [{ type: 'and', items: [vip('=', '1'), vip('=', '2')] }, vip('=', '3')],
    });
  });

  it('binds NOT tighter than AND', () => {
    expect(parseRule('NOT vip_level = 1 AND vip_level = 2')).toEqual({
      type: 'and',
      items: [{ type: 'not', item: vip('=', '1') }, vip('=', '2')],
    });
    expect(parseRule('NOT NOT vip_level = 1')).toEqual({ type: 'not', item: { type: 'not', item: vip('=', '1') } });
  });

  it('lets parentheses override precedence', () => {
    expect(parseRule('(vip_level = 1 OR vip_level = 2) AND vip_level = 3')).toEqual({
      type: 'and',
      items: [{ type: 'or', items: [vip('=', '1'), vip('=', '2')] }, vip('=', '3')],
    });
    expect(parseRule('NOT (vip_level = 1 AND vip_level = 2)')).toEqual({
      type: 'not',
      item: { type: 'and', items: [vip('=', '1'), vip('=', '2')] },
    });
  });

  it('flattens chains and redundant parentheses', () => {
    const flat = { type: 'and', items: [vip('=', '1'), vip('=', '2'), vip('=', '3')] };
    expect(parseRule('vip_level = 1 AND vip_level = 2 AND vip_level = 3')).toEqual(flat);
    expect(parseRule('vip_level = 1 AND (vip_level = 2 AND (vip_level = 3))')).toEqual(flat);
    expect(parseRule('((((vip_level = 1))))')).toEqual(vip('=', '1'));
  });

  it('reads keywords in any case and needs no spaces around punctuation', () => {
    const expected = parseRule('NOT (vip_level >= 2 AND country IN (\'DE\')) OR tags IS NOT NULL');
    expect(parseRule('not(VIP_LEVEL>=2 and Country in(\'DE\'))oR tags iS nOt NuLl')).toEqual(expected);
  });
});

describe('comparisons', () => {
  it.each(['=', '!=', '<', '<=', '>', '>='])('supports %s', (op) => {
    expect(parseRule(`deposit_count ${op} 3`)).toEqual(cmp('deposit_count', op, num('3')));
    expect(parseRule(`country${op}'DE'`)).toEqual(cmp('country', op, txt('DE')));
  });

  it('supports IN, NOT IN, IS NULL and IS NOT NULL', () => {
    expect(parseRule("country IN ('DE', 'AT')")).toEqual({ type: 'in', field: col('country'), negated: false, values: [txt('DE'), txt('AT')] });
    expect(parseRule('vip_level not in (1,2)')).toEqual({ type: 'in', field: col('vip_level'), negated: true, values: [num('1'), num('2')] });
    expect(parseRule('last_login_at IS NULL')).toEqual({ type: 'is_null', field: col('last_login_at'), negated: false });
    expect(parseRule('last_login_at is not null')).toEqual({ type: 'is_null', field: col('last_login_at'), negated: true });
  });

  it('reads the shorthands', () => {
    expect(parseRule('min_vip_level=2')).toEqual(vip('>=', '2'));
    expect(parseRule('MAX_VIP_LEVEL = 4')).toEqual(vip('<=', '4'));
    expect(canonicalRule(parseRule('min_vip_level=2 AND last_deposit_at < now() - 7d'))).toBe('vip_level >= 2 AND last_deposit_at < now() - 7d');
    expect(errorOf('min_vip_level > 2')).toMatchObject({ position: 14, expected: ["'='"] });
    expect(errorOf('min_vip_level IN (2)')).toMatchObject({ position: 14 });
    expect(errorOf("min_vip_level = 'x'")).toMatchObject({ position: 16, expected: ['an integer'] });
  });

  it('reads tags as a set of text values', () => {
    expect(parseRule("tags = 'vip'")).toEqual(cmp('tags', '=', txt('vip')));
    expect(parseRule("tags != 'vip'")).toEqual(cmp('tags', '!=', txt('vip')));
    expect(parseRule("tags IN ('a', 'b')")).toMatchObject({ type: 'in', negated: false });
    expect(errorOf("tags < 'vip'")).toMatchObject({ position: 5, expected: ["'='", "'!='"] });
    expect(errorOf('tags = 1')).toMatchObject({ position: 7, expected: ['a text value in quotes'] });
  });

  it('reads attributes with case-sensitive, possibly nested names', () => {
    expect(parseRule("attributes.Segment = 'x'")).toEqual({ type: 'compare', field: { kind: 'attribute', path: ['Segment'] }, op: '=', value: txt('x') });
    expect(parseRule('ATTRIBUTES.a.b_2.c >= 1.50')).toEqual({ type: 'compare', field: { kind: 'attribute', path: ['a', 'b_2', 'c'] }, op: '>=', value: num('1.5') });
    expect(parseRule('attributes.ok = TRUE')).toMatchObject({ value: { type: 'boolean', value: true } });
    expect(parseRule("attributes.x NOT IN ('a', 'b')")).toMatchObject({ type: 'in', negated: true });
    expect(parseRule('attributes.x IS NULL')).toMatchObject({ type: 'is_null', field: { kind: 'attribute', path: ['x'] } });
  });

  it('refuses malformed attribute names', () => {
    expect(errorOf('attributes = 1')).toMatchObject({ position: 10 });
    expect(errorOf('attributes. = 1')).toMatchObject({ position: 11 });
    expect(errorOf('attributes.1x = 1')).toMatchObject({ position: 11 });
    expect(errorOf('attributes.a..b = 1')).toMatchObject({ position: 13 });
    expect(errorOf(`attributes.${'a'.repeat(65)} = 1`)).toMatchObject({ position: 11 });
    expect(parseRule(`attributes.${'a'.repeat(64)} = 1`)).toMatchObject({ type: 'compare' });
    expect(errorOf('attributes.a.b.c.d.e.f = 1')).toMatchObject({ position: 21, expected: ['at most 5 attribute names in a path'] });
    expect(parseRule('attributes.a.b.c.d.e = 1')).toMatchObject({ field: { path: ['a', 'b', 'c', 'd', 'e'] } });
    expect(errorOf('attribute.a = 1')).toMatchObject({ position: 0, expected: ['a field'] });
  });

  it('refuses attribute values that do not fit the operator or the list', () => {
    expect(errorOf('attributes.x < true')).toMatchObject({ position: 15, expected: ['a number or a text value in quotes'] });
    expect(errorOf('attributes.x = now()')).toMatchObject({ position: 15 });
    expect(errorOf("attributes.x IN ('a', 1)")).toMatchObject({ position: 22, expected: ['a text value in quotes'] });
    expect(errorOf("attributes.x IN (1, 'a')")).toMatchObject({ position: 20, expected: ['a number'] });
  });
});

describe('values', () => {
  it('reads both quote styles, with the quote doubled inside', () => {
    expect(parseRule("country = 'O''Brien'")).toEqual(cmp('country', '=', txt("O'Brien")));
    expect(parseRule('country = "say ""hi"""')).toEqual(cmp('country', '=', txt('say "hi"')));
    expect(parseRule(`country = "it's"`)).toEqual(cmp('country', '=', txt("it's")));
    expect(parseRule(`country = 'say "hi"'`)).toEqual(cmp('country', '=', txt('say "hi"')));
    expect(parseRule("country = ''")).toEqual(cmp('country', '=', txt('')));
    // no backslash escapes: a backslash is itself
    expect(parseRule("country = 'a\\'")).toEqual(cmp('country', '=', txt('a\\')));
    expect(canonicalRule(parseRule('country = "it\'s ""x"""'))).toBe(`country = 'it''s "x"'`);
  });

  it('keeps text exactly, Unicode included', () => {
    for (const s of ['日本', '😀🎰', 'مرحبا', '\u202Eevil', 'tab\there', 'line\nbreak', ' padded ']) {
      expect(parseRule(`country = '${s}'`)).toEqual(cmp('country', '=', txt(s)));
    }
  });

  it('refuses NUL and unpaired surrogates inside text', () => {
    expect(errorOf("country = 'a\u0000b'")).toMatchObject({ position: 12, found: 'U+0000' });
    expect(errorOf("country = 'a\uD800b'")).toMatchObject({ position: 12 });
    expect(errorOf("country = 'a\uDC00'")).toMatchObject({ position: 12 });
  });

  it('reads integers exactly within the safe range and refuses decimals for integer columns', () => {
    expect(parseRule('total_deposited >= 9007199254740991')).toEqual(cmp('total_deposited', '>=', num('9007199254740991')));
    expect(parseRule('winz_balance > -9007199254740991')).toEqual(cmp('winz_balance', '>', num('-9007199254740991')));
    expect(parseRule('vip_level = 007')).toEqual(vip('=', '7'));
    expect(parseRule('vip_level = - 0')).toEqual(vip('=', '0'));
    expect(errorOf('total_deposited >= 9007199254740992')).toMatchObject({ position: 19 });
    expect(errorOf('vip_level >= 2.5')).toMatchObject({ position: 13, expected: ['an integer'] });
    expect(errorOf('vip_level >= 2.0')).toMatchObject({ position: 13, expected: ['an integer'] });
    expect(errorOf('vip_level >= 1e3')).toMatchObject({ position: 13 });
    expect(errorOf(`vip_level >= ${'9'.repeat(5000)}`)).toMatchObject({ position: 13 });
    expect(errorOf("vip_level >= '2'")).toMatchObject({ position: 13, expected: ['an integer'] });
    expect(errorOf('vip_level >= true')).toMatchObject({ position: 13 });
  });

  it('reads attribute numbers that are exact in a double', () => {
    expect(parseRule('attributes.x = 0.100')).toMatchObject({ value: num('0.1') });
    expect(parseRule('attributes.x = -0012.5000')).toMatchObject({ value: num('-12.5') });
    expect(parseRule('attributes.x = 123456789.012345')).toMatchObject({ value: num('123456789.012345') });
    expect(errorOf('attributes.x = 123456789.0123456')).toMatchObject({ position: 15 });
  });

  it('reads booleans only for booleans', () => {
    expect(parseRule('self_excluded = TRUE')).toEqual(cmp('self_excluded', '=', { type: 'boolean', value: true }));
    expect(parseRule('self_excluded != false')).toEqual(cmp('self_excluded', '!=', { type: 'boolean', value: false }));
    expect(errorOf('self_excluded < true')).toMatchObject({ position: 14 });
    expect(errorOf('self_excluded = 1')).toMatchObject({ position: 16, expected: ['true or false'] });
    expect(errorOf("self_excluded = 'true'")).toMatchObject({ position: 16 });
  });

  it.each([
    ['m', 60_000],
    ['h', 3_600_000],
    ['d', 86_400_000],
    ['w', 604_800_000],
  ])('reads now() ± 3%s', (unit) => {
    expect(parseRule(`last_login_at < now() - 3${unit}`)).toEqual(
      cmp('last_login_at', '<', { type: 'now', offset: { sign: '-', amount: 3, unit } }),
    );
    expect(parseRule(`last_login_at < NOW()+3${unit}`)).toEqual(cmp('last_login_at', '<', { type: 'now', offset: { sign: '+', amount: 3, unit } }));
  });

  it('reads now() alone and refuses malformed durations', () => {
    expect(parseRule('registered_at > now ( )')).toEqual(cmp('registered_at', '>', { type: 'now', offset: null }));
    expect(errorOf('registered_at > now() - 7')).toMatchObject({ position: 24 });
    expect(errorOf('registered_at > now() - 7D')).toMatchObject({ position: 24 });
    expect(errorOf('registered_at > now() - 7days')).toMatchObject({ position: 24 });
    expect(errorOf('registered_at > now() - 1.5d')).toMatchObject({ position: 24 });
    expect(errorOf('registered_at > now() - d')).toMatchObject({ position: 24 });
    expect(errorOf('registered_at > now() - 5300w')).toMatchObject({ position: 24, expected: ['a duration of at most 100 years'] });
    expect(parseRule('registered_at > now() - 5200w')).toMatchObject({ type: 'compare' });
    expect(errorOf('registered_at > now')).toMatchObject({ position: 19, expected: ["'('"] });
    expect(errorOf('vip_level > now()')).toMatchObject({ position: 12, expected: ['an integer'] });
  });

  it('reads RFC 3339 timestamps for timestamp fields', () => {
    const ts = (value: string) => cmp('registered_at', '>=', { type: 'timestamp', value });
    expect(parseRule("registered_at >= '2025-05-19T00:00:00Z'")).toEqual(ts('2025-05-19T00:00:00.000Z'));
    expect(parseRule('registered_at >= "2025-05-19t02:30:00.5+02:30"')).toEqual(ts('2025-05-19T00:00:00.500Z'));
    expect(parseRule("registered_at >= '2025-05-18 19:00:00.123456789-05:00'")).toEqual(ts('2025-05-19T00:00:00.123Z'));
    expect(parseRule("registered_at >= '2024-02-29T23:59:59z'")).toEqual(ts('2024-02-29T23:59:59.000Z'));
    for (const bad of ['2025-05-19', '2025-02-29T00:00:00Z', '2025-13-01T00:00:00Z', '2025-05-19T24:00:00Z', '2025-05-19T00:00:60Z', '2025-05-19T00:00:00', '2025-05-19T00:00:00+24:00', 'yesterday', '0000-01-01T00:00:00Z']) {
      expect(errorOf(`registered_at >= '${bad}'`)).toMatchObject({ position: 17, expected: ["a timestamp such as '2025-05-19T00:00:00Z' or now()"] });
    }
  });

  it('parses timestamps at the edges of the range', () => {
    expect(parseTimestamp('0001-01-01T00:00:00Z')).toBe('0001-01-01T00:00:00.000Z');
    expect(parseTimestamp('9999-12-31T23:59:59.999Z')).toBe('9999-12-31T23:59:59.999Z');
    expect(parseTimestamp('9999-12-31T23:59:59-01:00')).toBeNull();
    expect(parseTimestamp('0001-01-01T00:30:00+01:00')).toBeNull();
    expect(parseTimestamp('0099-06-01T00:00:00Z')).toBe('0099-06-01T00:00:00.000Z');
  });

  it('refuses text for timestamps and timestamps for text, and NULL as a value', () => {
    expect(errorOf('registered_at > 5')).toMatchObject({ position: 16 });
    expect(errorOf('country = now()')).toMatchObject({ position: 10, expected: ['a text value in quotes'] });
    expect(errorOf('country = DE')).toMatchObject({ position: 10, found: "'DE'" });
    expect(errorOf('country = NULL')).toMatchObject({ position: 10, found: "'NULL'" });
  });
});

describe('errors', () => {
  it.each([
    ['vip_level = 2 AND (country = )', 29, "at 29: expected a text value in quotes, found ')'"],
    ['vip_level = 2 AND', 17, 'at 17: expected a field, NOT or \'(\', found end of rule'],
    ['vip_level', 9, 'at 9: expected an operator (=, !=, <, <=, >, >=), IN, NOT IN or IS, found end of rule'],
    ['vip_level = 2 country', 14, "at 14: expected AND, OR or end of rule, found 'country'"],
    ['(vip_level = 2', 14, "at 14: expected AND, OR or ')', found end of rule"],
    ['vip_level = 2)', 13, "at 13: expected AND, OR or end of rule, found ')'"],
    ['foo = 1', 0, "at 0: expected a field, found 'foo'"],
    ['AND = 1', 0, "at 0: expected a field, found 'AND'"],
    ['vip_level IN 1', 13, "at 13: expected '(', found '1'"],
    ['vip_level IN ()', 14, "at 14: expected an integer, found ')'"],
    ['vip_level IN (1 2)', 16, "at 16: expected ',' or ')', found '2'"],
    ['vip_level NOT 1', 14, "at 14: expected IN, found '1'"],
    ['vip_level IS 1', 13, "at 13: expected NULL or NOT NULL, found '1'"],
    ['vip_level IS NOT 1', 17, "at 17: expected NULL, found '1'"],
    ["country = 'abc", 14, 'at 14: expected a closing \' for the text that starts at 10, found end of rule'],
    ['vip_level <> 1', 11, "at 11: expected an integer, found '>'"],
    ['vip_level == 1', 11, "at 11: expected an integer, found '='"],
    ['vip_level = 1; DROP TABLE players', 13, "at 13: expected AND, OR or end of rule, found ';'"],
    ['vip_level = 1 -- comment', 14, "at 14: expected AND, OR or end of rule, found '-'"],
    ['/* x */ vip_level = 1', 0, "at 0: expected a field, NOT or '(', found '/'"],
    ['vip_level = 1 \u202E', 14, 'at 14: expected AND, OR or end of rule, found U+202E'],
    ['😀 = 1', 0, "at 0: expected a field, NOT or '(', found '😀'"],
    ['NOT', 3, "at 3: expected a field, NOT or '(', found end of rule"],
    ['()', 1, "at 1: expected a field, NOT or '(', found ')'"],
  ])('%j fails at %i', (rule, position, message) => {
    const err = errorOf(rule);
    expect(err).toBeInstanceOf(RuleSyntaxError);
    expect(err.position).toBe(position);
    expect(err.message).toBe(message);
    expect(err.toDetail()).toEqual({ field: 'rule', issue: message, position, expected: [...err.expected] });
  });

  it('shortens long tokens in messages', () => {
    const err = errorOf(`country = ${'x'.repeat(500)}`);
    expect(err.found).toBe(`'${'x'.repeat(32)}…'`);
  });
});

describe('limits', () => {
  const leaf = 'vip_level = 1';

  it('accepts a rule of exactly the maximum length and refuses a longer one', () => {
    const exact = `${leaf}${' '.repeat(RULE_LIMITS.maxLength - leaf.length)}`;
    expect(parseRule(exact)).toEqual(vip('=', '1'));
    expect(errorOf(`${exact} `)).toMatchObject({ position: RULE_LIMITS.maxLength });
    expect(errorOf(' '.repeat(100_000))).toMatchObject({ position: RULE_LIMITS.maxLength });
    expect(errorOf('('.repeat(100_000))).toMatchObject({ position: RULE_LIMITS.maxLength });
  });

  it('accepts 32 levels of nesting and refuses 33', () => {
    expect(parseRule(`${'('.repeat(32)}${leaf}${')'.repeat(32)}`)).toEqual(vip('=', '1'));
    expect(parseRule(`${'NOT '.repeat(16)}${'('.repeat(16)}${leaf}${')'.repeat(16)}`)).toMatchObject({ type: 'not' });
    expect(errorOf(`${'('.repeat(33)}${leaf}${')'.repeat(33)}`)).toMatchObject({ position: 32 });
    expect(errorOf(`${'NOT '.repeat(33)}${leaf}`)).toMatchObject({ position: 128 });
    expect(errorOf('('.repeat(RULE_LIMITS.maxLength))).toMatchObject({ position: 32 });
    expect(errorOf('NOT '.repeat(RULE_LIMITS.maxLength / 4))).toMatchObject({ position: 128 });
  });

  it('accepts a long flat chain', () => {
    const chain = Array.from({ length: 550 }, () => leaf).join(' OR ');
    expect(chain.length).toBeLessThanOrEqual(RULE_LIMITS.maxLength);
    const ast = parseRule(chain) as Extract<RuleAst, { type: 'or' }>;
    expect(ast.items).toHaveLength(550);
  });

  it('accepts 1000 values in a list and refuses 1001', () => {
    const list = (n: number) => `vip_level IN (${Array.from({ length: n }, (_, i) => i % 10).join(',')})`;
    expect(parseRule(list(1000))).toMatchObject({ type: 'in' });
    const err = errorOf(list(1001));
    expect(err.position).toBe(list(1001).length - 2);
    expect(err.expected).toEqual(['at most 1000 values in a list']);
  });

  it('accepts text of 1000 characters (code points) and refuses 1001', () => {
    expect(parseRule(`country = '${'x'.repeat(1000)}'`)).toMatchObject({ type: 'compare' });
    expect(parseRule(`country = '${'😀'.repeat(1000)}'`)).toMatchObject({ type: 'compare' });
    expect(parseRule(`country = '${"''".repeat(1000)}'`)).toMatchObject({ value: txt("'".repeat(1000)) });
    expect(errorOf(`country = '${'x'.repeat(1001)}'`)).toMatchObject({ position: 10, expected: ['text of at most 1000 characters'] });
  });
});

describe('canonical text', () => {
  it.each([
    ['vip_level=1 or VIP_LEVEL = 2 and country in ("DE",\'AT\')', "vip_level = 1 OR vip_level = 2 AND country IN ('DE', 'AT')"],
    ['(vip_level=1 or vip_level=2) and not (tags = "x" or tags is null)', "(vip_level = 1 OR vip_level = 2) AND NOT (tags = 'x' OR tags IS NULL)"],
    ['not not vip_level = 1', 'NOT NOT vip_level = 1'],
    ["registered_at > '2025-01-01 01:00:00+01:00' AND last_login_at <= NOW() + 00012h", "registered_at > '2025-01-01T00:00:00.000Z' AND last_login_at <= now() + 12h"],
    ['attributes.a.b != -0.50 and attributes.c not in (true, FALSE)', 'attributes.a.b != -0.5 AND attributes.c NOT IN (true, false)'],
    ['max_vip_level = 3', 'vip_level <= 3'],
  ])('%s → %s', (rule, canonical) => {
    const ast = parseRule(rule);
    expect(canonicalRule(ast)).toBe(canonical);
    expect(parseRule(canonical)).toEqual(ast);
  });
});
