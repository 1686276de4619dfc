import { describe, expect, it } from '@jest/globals';
import { lastPrizeRank, prizeFor, prizeTableProblems } from './prizes.js';
import {
  aggregate,
  compareStandings,
  decodeStanding,
  encodeStanding,
  MAX_SCORE,
  notQualified,
  pointsFor,
  type ScoreFacts,
  type Standing,
} from './scoring.js';

const wager = (bet: number, win: number, extra: Partial<{ currency: string; gameCode: string; gameCategory: string }> = {}): ScoreFacts => ({
  kind: 'wager',
  betAmount: BigInt(bet),
  winAmount: BigInt(win),
  currency: 'EUR',
  gameCode: 'book-of-dead',
  gameCategory: 'slots',
  ...extra,
});

describe('points of one wager', () => {
  it.each([
    ['bet_amount', 2_500, 0, 2_500n],
    ['win_amount', 2_500, 10_000, 10_000n],
    ['net_win', 2_500, 10_000, 7_500n],
    ['net_win', 2_500, 1_000, 0n],
    ['net_win', 2_500, 2_500, 0n],
    ['win_multiplier', 2_000, 5_000, 2_500n],
    ['win_multiplier', 3_000, 1_000, 333n],
    ['win_multiplier', 0, 5_000, 0n],
    ['wager_count', 99_999, 0, 1n],
  ] as const)('%s: bet %d, win %d → %d', (metric, bet, win, points) => {
    expect(pointsFor(metric, wager(bet, win))).toBe(points);
  });

  it('takes operator points as given, and saturates at 2^53 − 1', () => {
    expect(pointsFor('net_win', { kind: 'points', points: 42n })).toBe(42n);
    expect(pointsFor('bet_amount', { kind: 'points', points: MAX_SCORE + 5n })).toBe(MAX_SCORE);
    expect(pointsFor('win_multiplier', wager(1, Number.MAX_SAFE_INTEGER))).toBe(MAX_SCORE);
  });
});

describe('qualification', () => {
  const open = { currency: 'EUR', minBet: null, gameCodes: [], gameCategories: [] };
  it('qualifies anything in the currency when nothing is restricted', () => {
    expect(notQualified(open, wager(0, 0), false)).toBeNull();
  });
  it('says why a wager does not count', () => {
    expect(notQualified(open, wager(1, 0), true)).toBe('player_excluded');
    expect(notQualified(open, wager(1, 0, { currency: 'USD' }), false)).toBe('currency_mismatch');
    expect(notQualified({ ...open, minBet: 1_000n }, wager(999, 0), false)).toBe('below_min_bet');
    expect(notQualified({ ...open, minBet: 1_000n }, wager(1_000, 0), false)).toBeNull();
    expect(notQualified({ ...open, gameCodes: ['starburst'] }, wager(1, 0), false)).toBe('game_not_eligible');
    expect(notQualified({ ...open, gameCategories: ['live_casino'] }, wager(1, 0), false)).toBe('game_not_eligible');
    expect(notQualified({ ...open, gameCategories: ['slots'] }, wager(1, 0), false)).toBeNull();
    expect(notQualified({ ...open, gameCodes: ['x'] }, { kind: 'wager', betAmount: 1n, winAmount: 0n, currency: 'EUR' }, false)).toBe('game_not_eligible');
  });
  it('checks only exclusion for operator points', () => {
    expect(notQualified({ ...open, minBet: 5n, gameCodes: ['x'] }, { kind: 'points', points: 1n }, false)).toBeNull();
    expect(notQualified(open, { kind: 'points', points: 1n }, true)).toBe('player_excluded');
  });
});

describe('aggregation', () => {
  it('sums, saturating', () => {
    expect(aggregate('sum', null, 0n)).toEqual({ score: 0n, reached: true });
    expect(aggregate('sum', 10n, 5n)).toEqual({ score: 15n, reached: true });
    expect(aggregate('sum', 10n, 0n)).toEqual({ score: 10n, reached: false });
    expect(aggregate('sum', MAX_SCORE - 1n, 5n)).toEqual({ score: MAX_SCORE, reached: true });
  });
  it('keeps the best single wager; an equal one does not move the time it was reached', () => {
    expect(aggregate('best', null, 7n)).toEqual({ score: 7n, reached: true });
    expect(aggregate('best', 7n, 9n)).toEqual({ score: 9n, reached: true });
    expect(aggregate('best', 9n, 9n)).toEqual({ score: 9n, reached: false });
    expect(aggregate('best', 9n, 3n)).toEqual({ score: 9n, reached: false });
  });
});

describe('leaderboard order', () => {
  const standings: Standing[] = [
    { score: 10n, seq: 5n, playerId: 'plr_b' },
    { score: 10n, seq: 3n, playerId: 'plr_c' },
    { score: 0n, seq: 1n, playerId: 'plr_a' },
    { score: MAX_SCORE, seq: 99n, playerId: 'plr_d' },
    { score: 11n, seq: 100n, playerId: 'plr_e' },
  ];

  it('ranks higher scores first and, on a tie, who reached it first', () => {
    expect([...standings].sort(compareStandings).map((s) => s.playerId)).toEqual(['plr_d', 'plr_e', 'plr_c', 'plr_b', 'plr_a']);
  });

  it('encodes standings so that byte order is leaderboard order, and decodes them back', () => {
    const byBytes = standings.map(encodeStanding).sort();
    expect(byBytes.map((m) => decodeStanding(m).playerId)).toEqual(['plr_d', 'plr_e', 'plr_c', 'plr_b', 'plr_a']);
    for (const s of standings) expect(decodeStanding(encodeStanding(s))).toEqual(s);
    expect(() => decodeStanding('nonsense')).toThrow();
  });
});

describe('prize tables', () => {
  const winz = (amount: number) => ({ type: 'winz' as const, amount });
  it('finds the prize of a rank', () => {
    const prizes = [
      { rank_from: 1, rank_to: 1, reward: winz(100) },
      { rank_from: 2, rank_to: 10, reward: winz(10) },
    ];
    expect(prizeFor(prizes, 1)).toEqual(winz(100));
    expect(prizeFor(prizes, 10)).toEqual(winz(10));
    expect(prizeFor(prizes, 11)).toBeNull();
    expect(lastPrizeRank(prizes)).toBe(10);
    expect(prizeTableProblems(prizes)).toEqual([]);
  });
  it('refuses overlapping and inverted ranges', () => {
    expect(
      prizeTableProblems([
        { rank_from: 1, rank_to: 5, reward: winz(1) },
        { rank_from: 5, rank_to: 6, reward: winz(1) },
        { rank_from: 9, rank_to: 8, reward: winz(1) },
      ]).map((p) => p.field),
    ).toEqual(['prizes[1]', 'prizes[2].rank_to']);
  });
});
