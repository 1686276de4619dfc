/**
 * Tournament scoring (API.md §6): the points of one wager, whether it qualifies, how the player's
 * score aggregates, and the order of the leaderboard. Pure functions.
 */

export const METRICS = ['bet_amount', 'win_amount', 'net_win', 'win_multiplier', 'wager_count'] as const;
export type Metric = (typeof METRICS)[number];
export const AGGREGATES = ['sum', 'best'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

/** Scores saturate here: every score is a safe JSON integer. */
export const MAX_SCORE = BigInt(Number.MAX_SAFE_INTEGER);

export interface WagerFacts {
  betAmount: bigint;
  winAmount: bigint;
  currency: string;
  gameCode?: string;
  gameCategory?: string;
}

/** A wager to score by the tournament's metric, or points the operator computed. */
export type ScoreFacts = ({ kind: 'wager' } & WagerFacts) | { kind: 'points'; points: bigint };

export interface Eligibility {
  currency: string;
  minBet: bigint | null;
  /** empty: any */
  gameCodes: readonly string[];
  /** empty: any */
  gameCategories: readonly string[];
}

export type NotQualified = 'player_excluded' | 'currency_mismatch' | 'below_min_bet' | 'game_not_eligible';

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

export function pointsFor(metric: Metric, facts: ScoreFacts): bigint {
  if (facts.kind === 'points') return min(facts.points, MAX_SCORE);
  const { betAmount: bet, winAmount: win } = facts;
  switch (metric) {
    case 'bet_amount':
      return min(bet, MAX_SCORE);
    case 'win_amount':
      return min(win, MAX_SCORE);
    case 'net_win':
      return win > bet ? min(win - bet, MAX_SCORE) : 0n;
    case 'win_multiplier':
      // floor(1000 × win / bet): a 2.5× win scores 2500; a wager of 0 scores nothing
      return bet === 0n ? 0n : min((1000n * win) / bet, MAX_SCORE);
    case 'wager_count':
      return 1n;
  }
}

/** Why a wager does not count, or null when it does. Operator-computed points only check exclusion. */
export function notQualified(t: Eligibility, facts: ScoreFacts, excluded: boolean): NotQualified | null {
  if (excluded) return 'player_excluded';
  if (facts.kind === 'points') return null;
  if (facts.currency !== t.currency) return 'currency_mismatch';
  if (t.minBet !== null && facts.betAmount < t.minBet) return 'below_min_bet';
  if (t.gameCodes.length > 0 && (facts.gameCode === undefined || !t.gameCodes.includes(facts.gameCode))) return 'game_not_eligible';
  if (t.gameCategories.length > 0 && (facts.gameCategory === undefined || !t.gameCategories.includes(facts.gameCategory))) return 'game_not_eligible';
  return null;
}

/**
 * The player's score after one more qualifying wager. `reached` says the score changed (or the player
 * just entered the board): the entry then takes a new reached-at sequence number. A wager that leaves
 * the score as it was keeps the old one, so a tie still goes to whoever got there first.
 */
export function aggregate(how: Aggregate, current: bigint | null, points: bigint): { score: bigint; reached: boolean } {
  if (current === null) return { score: points, reached: true };
  const score = how === 'sum' ? min(current + points, MAX_SCORE) : points > current ? points : current;
  return { score, reached: score !== current };
}

/** A leaderboard position: higher score first; on a tie, the lower sequence (reached first). */
export interface Standing {
  score: bigint;
  seq: bigint;
  playerId: string;
}

/** Negative when a ranks above b. */
export function compareStandings(a: Standing, b: Standing): number {
  if (a.score !== b.score) return a.score > b.score ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return a.playerId < b.playerId ? -1 : a.playerId > b.playerId ? 1 : 0;
}

const SCORE_DIGITS = 16; // 2^53 − 1 has 16 digits
const SEQ_DIGITS = 19; // a bigint sequence

/**
 * A standing as a member of a lexicographically ordered Redis sorted set: ascending byte order is the
 * leaderboard order, so ZRANK is the rank and ZRANGE a page.
 */
export function encodeStanding(s: Standing): string {
  return `${(MAX_SCORE - s.score).toString().padStart(SCORE_DIGITS, '0')}:${s.seq.toString().padStart(SEQ_DIGITS, '0')}:${s.playerId}`;
}

export function decodeStanding(member: string): Standing {
  const m = /^(\d{16}):(\d{19}):(.+)$/.exec(member);
  if (!m) throw new Error(`not a leaderboard member: ${member}`);
  return { score: MAX_SCORE - BigInt(m[1]), seq: BigInt(m[2]), playerId: m[3] };
}
