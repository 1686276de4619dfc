import { describe, expect, it } from '@jest/globals';
import { requestHash } from '@app/common';
import { contributionHash, scoreHash, type ScoreInput, type WagerInput, wagerHash } from './ingest.types.js';

// The payload objects the hashes stand for, hashed the generic way (canonical JSON: keys sorted,
// bigints as digits, undefined left out). The hot path writes the same canonical text out directly.
const reference = {
  wager: (w: WagerInput, player: string) =>
    requestHash({
      kind: 'wager',
      player,
      bet: w.betAmount,
      win: w.winAmount,
      currency: w.currency,
      game_code: w.gameCode,
      game_category: w.gameCategory,
      settled_at: w.settledAt,
      tournament_ids: w.tournamentIds,
      jackpot_ids: w.jackpotIds,
    }),
  score: (s: ScoreInput['score'], settledAt: Date | undefined, player: string) =>
    requestHash(
      s.kind === 'points'
        ? { kind: 'points', player, points: s.points, settled_at: settledAt }
        : { kind: 'wager', player, bet: s.betAmount, win: s.winAmount, currency: s.currency, game_code: s.gameCode, game_category: s.gameCategory, settled_at: settledAt },
    ),
  contribution: (bet: bigint, currency: string, player: string) => requestHash({ kind: 'contribution', player, bet, currency }),
};

/** A small deterministic generator, so a failure names an input that can be run again. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const TEXTS = ['', 'a', 'slots', 'book-of-dead', 'say "hi"', 'C:\\dir', 'ü ñ 漢字', '😀', '\u2028\u2029', 'tab\there', 'nl\nx', '{}[],:', 'plr_01m81b8p31d6bwbqa65e6hw0hg'];

describe('request hashes of the ingestion path', () => {
  it('equal the generic canonical-JSON hash of the payload objects, over generated inputs', () => {
    const next = rng(20261207);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
    const maybe = <T>(f: () => T): T | undefined => (next() < 0.5 ? undefined : f());
    const money = () => pick([0n, 1n, 999n, 1500n, 9_007_199_254_740_991n, -5n]);
    const date = () => pick([new Date('2026-05-01T12:00:00.123Z'), new Date(0), new Date('1999-12-31T23:59:59Z'), new Date(Number.NaN)]);
    const ids = () => Array.from({ length: Math.floor(next() * 4) }, () => pick(TEXTS));
    for (let i = 0; i < 2_000; i++) {
      const w: WagerInput = {
        sourceWagerId: pick(TEXTS),
        player: { playerId: pick(TEXTS) },
        betAmount: money(),
        winAmount: money(),
        currency: pick(['USD', 'EUR', 'x"y']),
        gameCode: pick(TEXTS),
        gameCategory: pick(TEXTS),
        settledAt: maybe(date),
        tournamentIds: maybe(ids),
        jackpotIds: maybe(ids),
      };
      const player = pick(TEXTS);
      expect(wagerHash(w, player)).toBe(reference.wager(w, player));
      const facts: ScoreInput['score'] =
        next() < 0.5
          ? { kind: 'points', points: money() }
          : { kind: 'wager', betAmount: money(), winAmount: money(), currency: pick(['USD', 'EUR']), gameCode: maybe(() => pick(TEXTS)), gameCategory: maybe(() => pick(TEXTS)) };
      const at = maybe(date);
      expect(scoreHash(facts, at, player)).toBe(reference.score(facts, at, player));
      expect(contributionHash(w.betAmount, w.currency, player)).toBe(reference.contribution(w.betAmount, w.currency, player));
    }
  });

  it('keep the digests stored before (the same payloads hash as they did)', () => {
    const w: WagerInput = {
      sourceWagerId: 'w-1',
      player: { playerId: 'p-1' },
      betAmount: 1500n,
      winAmount: 0n,
      currency: 'EUR',
      gameCode: 'book-of-dead',
      gameCategory: 'slots',
      settledAt: new Date('2026-05-01T12:00:00.123Z'),
      tournamentIds: ['trn_a'],
      jackpotIds: ['jpt_b', 'jpt_c'],
    };
    expect(wagerHash(w, 'plr_x')).toBe('21fde7a22a4af6b8b91b2b89e9aad407739ca3e68cf6552069e1c8bef3a68da1');
    expect(wagerHash({ ...w, settledAt: undefined, tournamentIds: undefined, jackpotIds: undefined, gameCode: 'ü "q" \\' }, 'plr_y')).toBe(
      '36c1238f3cc0efe0eaeefc775dadd8ea24152957a48c6158e455961965c18bc9',
    );
    expect(scoreHash({ kind: 'points', points: 42n }, new Date('2026-05-01T12:00:00Z'), 'plr_x')).toBe('4cc218e56060f5e50ee9b68f0db2635e0618234cee1da41688fe4b6e41bd99ff');
    expect(scoreHash({ kind: 'wager', betAmount: 10n, winAmount: 25n, currency: 'USD' }, undefined, 'plr_x')).toBe('7bb4ea4c4231012d6ed972f361b44bf9d5c44ff2143995e3dbcbac86660abee0');
    expect(contributionHash(99n, 'USD', 'plr_x')).toBe('07fc3b15c3b869b632ec0a5d9e4c457ee6238b45f78fcd3f7813f97f06957bca');
  });
});
