import { sha256Hex } from '@app/common';
import type { WageringResult } from '@app/bonuses';
import type { ContributionResult } from '@app/jackpots';
import type { PlayerRef } from '@app/players';
import type { ScoreResult } from '@app/tournaments';

/** POST /v1/wagers (API.md §5), idempotent on source_wager_id (tenant). */
export interface WagerInput {
  sourceWagerId: string;
  player: PlayerRef;
  betAmount: bigint;
  winAmount: bigint;
  currency: string;
  gameCode: string;
  gameCategory: string;
  settledAt?: Date;
  /** when the API received it: settled_at when none is given (not part of the payload's hash) */
  receivedAt?: Date;
  tournamentIds?: string[];
  jackpotIds?: string[];
}

export interface WagerResponse {
  wager_id: string;
  source_wager_id: string;
  tournaments: ScoreResult[];
  jackpots: ContributionResult[];
  bonuses: WageringResult[];
}

/** POST /v1/tournaments/:id/score, idempotent on source_wager_id (tournament). */
export interface ScoreInput {
  sourceWagerId: string;
  player: PlayerRef;
  score:
    | { kind: 'wager'; betAmount: bigint; winAmount: bigint; currency: string; gameCode?: string; gameCategory?: string }
    | { kind: 'points'; points: bigint };
  settledAt?: Date;
  /** when the API received it: settled_at when none is given (not part of the payload's hash) */
  receivedAt?: Date;
}

/** POST /v1/jackpots/:id/contribute, idempotent on source_wager_id (jackpot). */
export interface ContributeInput {
  sourceWagerId: string;
  player: PlayerRef;
  betAmount: bigint;
  currency: string;
}

export type IngestItem =
  | { kind: 'wager'; input: WagerInput }
  | { kind: 'score'; tournamentId: string; input: ScoreInput }
  | { kind: 'contribute'; jackpotId: string; input: ContributeInput };

/** The idempotency key of an item: unique per tenant across kinds. */
export function keyOf(item: IngestItem): string {
  switch (item.kind) {
    case 'wager':
      return `w|${item.input.sourceWagerId}`;
    case 'score':
      return `s|${item.tournamentId}|${item.input.sourceWagerId}`;
    case 'contribute':
      return `c|${item.jackpotId}|${item.input.sourceWagerId}`;
  }
}

// The payloads keys are bound to (API.md §2: the same key with another payload is refused), hashed as
// requestHash() hashes an object: SHA-256 of its canonical JSON (keys sorted at every level, bigints as
// their digits, absent fields left out). They are written out here in that canonical form, keys in
// sorted order, rather than built as objects and sorted: the same text (ingest.types.spec.ts checks it
// against canonicalJson), at a fraction of the cost on the ingestion thread, three hashes per wager.
const q = JSON.stringify;
const opt = (key: string, value: unknown): string => (value === undefined ? '' : `,"${key}":${q(value)}`);

/**
 * A wager's payload, with the player resolved, so naming the player by plr_ id or by external_ref is
 * the same payload: { kind: 'wager', player, bet, win, currency, game_code, game_category, settled_at,
 * tournament_ids, jackpot_ids }.
 */
export function wagerHash(w: WagerInput, playerId: string): string {
  return sha256Hex(
    `{"bet":"${w.betAmount}","currency":${q(w.currency)},"game_category":${q(w.gameCategory)},"game_code":${q(w.gameCode)}` +
      `${opt('jackpot_ids', w.jackpotIds)},"kind":"wager","player":${q(playerId)}${opt('settled_at', w.settledAt)}` +
      `${opt('tournament_ids', w.tournamentIds)},"win":"${w.winAmount}"}`,
  );
}

/**
 * The scoring facts a (tournament, source_wager_id) key is bound to: a routed wager and a direct
 * score with the same facts are the same payload, so either replays the other. { kind: 'points',
 * player, points, settled_at } or { kind: 'wager', player, bet, win, currency, game_code,
 * game_category, settled_at }.
 */
export function scoreHash(score: ScoreInput['score'], settledAt: Date | undefined, playerId: string): string {
  return sha256Hex(
    score.kind === 'points'
      ? `{"kind":"points","player":${q(playerId)},"points":"${score.points}"${opt('settled_at', settledAt)}}`
      : `{"bet":"${score.betAmount}","currency":${q(score.currency)}${opt('game_category', score.gameCategory)}${opt('game_code', score.gameCode)}` +
          `,"kind":"wager","player":${q(playerId)}${opt('settled_at', settledAt)},"win":"${score.winAmount}"}`,
  );
}

/** The facts a (jackpot, source_wager_id) key is bound to: { kind: 'contribution', player, bet, currency }. */
export function contributionHash(betAmount: bigint, currency: string, playerId: string): string {
  return sha256Hex(`{"bet":"${betAmount}","currency":${q(currency)},"kind":"contribution","player":${q(playerId)}}`);
}
