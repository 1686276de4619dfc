import type { Player } from '@app/players';
import { describe, expect, it } from '@jest/globals';
import { compareCodePoints, evaluateRule, type SegmentPlayer } from './rule-evaluator.js';
import { parseRule } from './rule-parser.js';

const NOW = new Date('2026-03-14T12:00:00.000Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

const base: SegmentPlayer = {
  vipLevel: 3,
  country: 'DE',
  currency: 'EUR',
  tags: ['vip', "o'neil"],
  attributes: { segment: 'beta', score: 12.5, verified: true, nested: { level: 2 }, nothing: null, count: '7', list: [1] },
  selfExcluded: false,
  registeredAt: daysAgo(100),
  firstDepositAt: daysAgo(90),
  lastDepositAt: daysAgo(10),
  lastWagerAt: daysAgo(1),
  lastLoginAt: null,
  depositCount: 4,
  totalDeposited: 250_000n,
  totalWagered: 9_007_199_254_740_993n,
  winzBalance: 0n,
};

const matches = (rule: string, player: Partial<SegmentPlayer> = {}) => evaluateRule(parseRule(rule), { ...base, ...player }, NOW);

describe('evaluateRule', () => {
  it('takes a Player as it is', () => {
    // compile-time: a Player (libs/players) is a SegmentPlayer (erased at run time)
    const asSegmentPlayer = (p: Player): SegmentPlayer => p;
    expect(typeof asSegmentPlayer).toBe('function');
  });

  it('matches everyone with the empty rule', () => {
    expect(matches('')).toBe(true);
  });

  it('reads the recipe: min_vip_level=2 AND last_deposit_at < now() - 7d', () => {
    const rule = 'min_vip_level=2 AND last_deposit_at < now() - 7d';
    expect(matches(rule)).toBe(true);
    expect(matches(rule, { lastDepositAt: daysAgo(3) })).toBe(false);
    expect(matches(rule, { vipLevel: 1 })).toBe(false);
    // never deposited: the comparison with a null field is false
    expect(matches(rule, { lastDepositAt: null })).toBe(false);
  });

  it('makes every comparison with a null field false, != and NOT IN included', () => {
    for (const rule of ['last_login_at < now()', 'last_login_at >= now()', 'last_login_at != now()', 'last_login_at NOT IN (now())']) {
      expect(matches(rule)).toBe(false);
    }
    expect(matches("country != 'FR'", { country: null })).toBe(false);
    expect(matches("country NOT IN ('FR')", { country: null })).toBe(false);
  });

  it('negates with two-valued logic: NOT of a comparison with a null field is true', () => {
    expect(matches('NOT last_login_at < now()')).toBe(true);
    expect(matches('NOT (last_login_at < now() OR last_login_at >= now())')).toBe(true);
    expect(matches("NOT country = 'FR'", { country: null })).toBe(true);
    expect(matches('last_login_at IS NULL')).toBe(true);
    expect(matches('last_login_at IS NOT NULL')).toBe(false);
  });

  it('compares integers exactly beyond 2^53', () => {
    expect(matches('total_wagered > 9007199254740991')).toBe(true);
    expect(matches('total_deposited = 250000 AND winz_balance = 0 AND deposit_count IN (3, 4)')).toBe(true);
    expect(matches('total_deposited > 250000')).toBe(false);
  });

  it('reads tags as a set', () => {
    expect(matches("tags = 'vip'")).toBe(true);
    expect(matches("tags = 'VIP'")).toBe(false);
    expect(matches("tags = 'o''neil'")).toBe(true);
    expect(matches("tags != 'whale'")).toBe(true);
    expect(matches("tags != 'vip'")).toBe(false);
    expect(matches("tags IN ('whale', 'vip')")).toBe(true);
    expect(matches("tags NOT IN ('whale', 'vip')")).toBe(false);
    expect(matches("tags NOT IN ('whale')")).toBe(true);
    expect(matches('tags IS NULL')).toBe(false);
    expect(matches('tags IS NULL', { tags: [] })).toBe(true);
    expect(matches("tags != 'vip'", { tags: [] })).toBe(true);
    expect(matches("tags = 'vip'", { tags: null })).toBe(false);
  });

  it('compares attributes only with values of their own JSON type', () => {
    expect(matches("attributes.segment = 'beta'")).toBe(true);
    expect(matches("attributes.segment != 'alpha'")).toBe(true);
    expect(matches("attributes.segment > 'alpha'")).toBe(true);
    expect(matches('attributes.score > 12')).toBe(true);
    expect(matches('attributes.score = 12.50')).toBe(true);
    expect(matches("attributes.score = '12.5'")).toBe(false);
    expect(matches("attributes.score != 'x'")).toBe(false);
    expect(matches('attributes.count = 7')).toBe(false);
    expect(matches("attributes.count = '7'")).toBe(true);
    expect(matches('attributes.verified = true')).toBe(true);
    expect(matches('attributes.verified != false')).toBe(true);
    expect(matches('attributes.nested.level IN (1, 2)')).toBe(true);
    expect(matches('attributes.nested.level.deeper = 1')).toBe(false);
    expect(matches('attributes.list = 1')).toBe(false);
  });

  it('treats a missing key and JSON null as null', () => {
    expect(matches('attributes.missing IS NULL')).toBe(true);
    expect(matches('attributes.nothing IS NULL')).toBe(true);
    expect(matches('attributes.nested IS NULL')).toBe(false);
    expect(matches('attributes.list IS NOT NULL')).toBe(true);
    expect(matches("attributes.missing != 'x'")).toBe(false);
    expect(matches("NOT attributes.missing = 'x'")).toBe(true);
    expect(matches('attributes.toString IS NULL')).toBe(true);
    expect(matches('attributes.x IS NULL', { attributes: null })).toBe(true);
  });

  it('orders text by code point', () => {
    expect(matches("country < 'd'")).toBe(true);
    expect(matches("country > 'D'")).toBe(true);
    expect(matches("country < '\uFF21'", { country: '😀' })).toBe(false);
    expect(compareCodePoints('😀', '\uFF21')).toBeGreaterThan(0);
    expect(compareCodePoints('\uFF21', '😀')).toBeLessThan(0);
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0);
    expect(compareCodePoints('b', 'a')).toBeGreaterThan(0);
    expect(compareCodePoints('😀', '😁')).toBeLessThan(0);
  });

  it('compares timestamps to the millisecond', () => {
    const at = new Date('2025-05-19T00:00:00.123Z');
    expect(matches("last_login_at = '2025-05-19T02:00:00.123+02:00'", { lastLoginAt: at })).toBe(true);
    expect(matches("last_login_at > '2025-05-19T00:00:00.1229Z'", { lastLoginAt: at })).toBe(true);
    expect(matches("last_login_at >= '2025-05-19T00:00:00.1239Z'", { lastLoginAt: at })).toBe(true);
  });
});
