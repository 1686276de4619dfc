/**
 * Property tests with a seeded PRNG (the same cases every run): hostile input never escapes as
 * anything but RuleSyntaxError, whatever parses compiles to whitelisted SQL with the values in the
 * parameters, and valid rules round-trip through their canonical text.
 */
import { describe, expect, it } from '@jest/globals';
import { compileRule } from './rule-compiler.js';
import { evaluateRule } from './rule-evaluator.js';
import { FIXED_NOW, hostileRule, hostileString, mutate, randomPlayer, Rng, RuleWriter, sqlIsWhitelisted, textsOf, valuesOf } from './rule-fixtures.js';
import { canonicalRule, parseRule, RULE_LIMITS, type RuleAst, RuleSyntaxError } from './rule-parser.js';

const CANONICAL = { maxLength: 2 * RULE_LIMITS.maxLength };

/** Parses, and on success checks the compiled SQL; returns whether it parsed. */
function check(input: string): boolean {
  let ast: RuleAst;
  try {
    ast = parseRule(input);
  } catch (err) {
    if (!(err instanceof RuleSyntaxError)) throw new Error(`${String(err)} for ${JSON.stringify(input)}`);
    if (!(Number.isInteger(err.position) && err.position >= 0 && err.position <= input.length)) {
      throw new Error(`position ${err.position} out of range for ${JSON.stringify(input)}`);
    }
    if (err.expected.length === 0 || !err.message.startsWith(`at ${err.position}: expected `)) throw new Error(`bad message ${err.message}`);
    return false;
  }
  const firstParam = 1 + (input.length % 4);
  const { sql, params } = compileRule(ast, { now: FIXED_NOW, firstParam });
  if (!sqlIsWhitelisted(sql, firstParam, params.length)) throw new Error(`SQL outside the whitelist: ${sql} for ${JSON.stringify(input)}`);
  // every placeholder is used, and every value travels as a parameter
  for (let i = 0; i < params.length; i++) {
    if (!new RegExp(`\\$${firstParam + i}(?![0-9])`).test(sql)) throw new Error(`$${firstParam + i} unused in ${sql}`);
  }
  const flat = params.flat();
  for (const t of textsOf(ast)) if (!flat.includes(t)) throw new Error(`${JSON.stringify(t)} not among the params of ${JSON.stringify(input)}`);
  for (const v of valuesOf(ast)) {
    if (v.type === 'number' && !flat.includes(v.text)) throw new Error(`${v.text} not among the params`);
    if (v.type === 'boolean' && !flat.includes(v.value)) throw new Error(`${v.value} not among the params`);
    if (v.type === 'timestamp' && !flat.includes(v.value)) throw new Error(`${v.value} not among the params`);
  }
  // canonical text is a fixed point, at most twice as long as the input
  const canonical = canonicalRule(ast);
  if (canonical.length > 2 * input.length) throw new Error(`canonical text ${canonical.length} long for ${input.length}`);
  expect(parseRule(canonical, CANONICAL)).toEqual(ast);
  return true;
}

describe('hostile input', () => {
  it('never throws anything but RuleSyntaxError, and whatever parses compiles to whitelisted SQL', () => {
    const rng = new Rng(0x5eed_0001);
    let parsed = 0;
    for (let i = 0; i < 6000; i++) if (check(hostileString(rng))) parsed++;
    expect(parsed).toBeGreaterThan(0);
  });

  it('survives mutated valid rules', () => {
    const rng = new Rng(0x5eed_0002);
    const writer = new RuleWriter(rng);
    let parsed = 0;
    for (let i = 0; i < 4000; i++) if (check(mutate(rng, writer.rule(3)))) parsed++;
    // the mutations leave a fair share valid (e.g. injection attempts inside text literals)
    expect(parsed).toBeGreaterThan(300);
  });

  it('keeps hostile text literals in parameters', () => {
    const rng = new Rng(0x5eed_0005);
    let parsed = 0;
    for (let i = 0; i < 3000; i++) if (check(hostileRule(rng))) parsed++;
    expect(parsed).toBeGreaterThan(1500);
  });

  it('survives huge and deeply nested input', () => {
    const big: string[] = [
      '('.repeat(100_000),
      ')'.repeat(100_000),
      "'".repeat(100_000),
      'NOT '.repeat(25_000),
      '😀'.repeat(50_000),
      '\u0000'.repeat(100_000),
      '\uD800'.repeat(100_000),
      '('.repeat(9_999),
      `country = '${'x'.repeat(9_980)}'`,
      `country = '${"'".repeat(9_980)}`,
      `country = "${'😀'.repeat(4_990)}"`,
      'NOT '.repeat(2_499),
      `${'('.repeat(4_000)}vip_level = 1${')'.repeat(4_000)}`,
      Array.from({ length: 700 }, () => 'vip_level=1').join(' OR '),
      Array.from({ length: 1_100 }, () => 'tags=\'a\'').join('AND '),
      `vip_level IN (${'1,'.repeat(2_000)}1)`,
      `attributes.${'a.'.repeat(3_000)}a = 1`,
      `attributes.${'a'.repeat(9_000)} = 1`,
      `vip_level = ${'9'.repeat(9_000)}`,
      `attributes.x = 0.${'1'.repeat(9_000)}`,
      `registered_at > now() - ${'9'.repeat(9_000)}d`,
    ];
    for (const s of big) check(s);
    // the longest chain that fits compiles, with one parameter per comparison
    const chain = Array.from({ length: 900 }, (_, i) => `tags='${i % 10}'`).join('OR ');
    expect(chain.length).toBeLessThanOrEqual(10_000);
    expect(check(chain)).toBe(true);
    expect(() => parseRule(canonicalRule(parseRule(chain)))).toThrow(RuleSyntaxError);
    expect(() => parseRule('x', { maxLength: 1e9 })).toThrow(RuleSyntaxError);
    expect(() => parseRule(' '.repeat(10_001), { maxLength: NaN })).toThrow('at 10000:');
    expect(() => parseRule(' '.repeat(20_001), { maxLength: 1e9 })).toThrow('at 20000:');
  });

  it('keeps injection attempts inside text literals as parameters', () => {
    for (const payload of ["'; DROP TABLE players; --", '$1) OR (1=1', '*/ OR TRUE /*', '\\x27 OR 1=1', '"; SELECT pg_sleep(10); --', '\u202E\u0008%_']) {
      const rule = `country = '${payload.replaceAll("'", "''")}' OR attributes.x IN ('${payload.replaceAll("'", "''")}')`;
      expect(check(rule)).toBe(true);
      const { sql, params } = compileRule(parseRule(rule), { now: FIXED_NOW });
      expect(params).toEqual([payload, ['x'], [payload]]);
      expect(sql).not.toContain(payload);
    }
  });
});

describe('valid rules', () => {
  it('round-trip through their canonical text, and the canonical text is stable', () => {
    const rng = new Rng(0x5eed_0003);
    const writer = new RuleWriter(rng);
    for (let i = 0; i < 2000; i++) {
      const text = writer.rule(4);
      let ast: RuleAst;
      try {
        ast = parseRule(text);
      } catch (err) {
        throw new Error(`${String(err)} for ${JSON.stringify(text)}`);
      }
      const canonical = canonicalRule(ast);
      expect(parseRule(canonical, CANONICAL)).toEqual(ast);
      expect(canonicalRule(parseRule(canonical, CANONICAL))).toBe(canonical);
      check(text);
    }
  });

  it('follow two-valued logic: excluded middle, double negation, De Morgan', () => {
    const rng = new Rng(0x5eed_0004);
    const writer = new RuleWriter(rng);
    const players = Array.from({ length: 40 }, (_, i) => randomPlayer(rng, i));
    for (let i = 0; i < 250; i++) {
      const a = writer.rule(2);
      const b = writer.rule(2);
      const ev = (rule: string) => players.map((p) => evaluateRule(parseRule(rule), p, FIXED_NOW));
      const all = players.map(() => true);
      expect(ev(`(${a}) OR NOT (${a})`)).toEqual(all);
      expect(ev(`(${a}) AND NOT (${a})`)).toEqual(players.map(() => false));
      expect(ev(`NOT NOT (${a})`)).toEqual(ev(a));
      expect(ev(`NOT ((${a}) AND (${b}))`)).toEqual(ev(`NOT (${a}) OR NOT (${b})`));
    }
  });
});
