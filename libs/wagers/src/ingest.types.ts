import { requestHash } from '@app/common';
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

/**
 * The payload a key is bound to (API.md §2: the same key with another payload is refused), with the
 * player resolved, so naming the player by plr_ id or by external_ref is the same payload.
 */
export function wagerHash(w: WagerInput, playerId: string): string {
  return requestHash({
    kind: 'wager',
    player: playerId,
    bet: w.betAmount,
    win: w.winAmount,
    currency: w.currency,
    game_code: w.gameCode,
    game_category: w.gameCategory,
    settled_at: w.settledAt,
    tournament_ids: w.tournamentIds,
    jackpot_ids: w.jackpotIds,
  });
}

/**
 * The scoring facts a (tournament, source_wager_id) key is bound to: a routed wager and a direct
 * score with the same facts are the same payload, so either replays the other.
 */
export function scoreHash(score: ScoreInput['score'], settledAt: Date | undefined, playerId: string): string {
  return requestHash(
    score.kind === 'points'
      ? { kind: 'points', player: playerId, points: score.points, settled_at: settledAt }
      : {
          kind: 'wager',
          player: playerId,
          bet: score.betAmount,
          win: score.winAmount,
          currency: score.currency,
          game_code: score.gameCode,
          game_category: score.gameCategory,
          settled_at: settledAt,
        },
  );
}

/** The facts a (jackpot, source_wager_id) key is bound to. */
export function contributionHash(betAmount: bigint, currency: string, playerId: string): string {
  return requestHash({ kind: 'contribution', player: playerId, bet: betAmount, currency });
}
