import type { Reward, RewardResult } from '@app/rewards';
import type { Prize } from './prizes.js';
import type { Aggregate, Metric } from './scoring.js';

export type TournamentState = 'open' | 'finished' | 'cancelled';
export type TournamentStatus = 'scheduled' | 'running' | 'finalizing' | 'finished' | 'cancelled';

export interface Tournament {
  id: string;
  tenantId: string;
  name: string;
  currency: string;
  startsAt: Date;
  endsAt: Date;
  finalizeGraceSeconds: number;
  finalizeAt: Date;
  metric: Metric;
  aggregate: Aggregate;
  minBet: bigint | null;
  gameCodes: string[];
  gameCategories: string[];
  prizes: Prize[];
  autoEnroll: boolean;
  state: TournamentState;
  scoreVersion: bigint;
  totalPlayers: number | null;
  results: TournamentResult[] | null;
  createdAt: Date;
  finishedAt: Date | null;
  cancelledAt: Date | null;
}

/** A prize rank of the frozen ranking, and what it was granted. */
export interface TournamentResult {
  rank: number;
  player_id: string;
  external_ref: string;
  score: number;
  reward: Reward;
  /** false when the player was excluded at the end, or the grant was refused: the prize is withheld, no one else moves up */
  granted: boolean;
  grant_id: string | null;
  result: RewardResult | null;
  /** why the prize was not granted: player_excluded (excluded at the end), the refusal's code, or internal_error */
  error?: string;
}

/** The status of API.md §6, from the stored state and the clock. */
export function statusOf(t: Pick<Tournament, 'state' | 'startsAt' | 'endsAt'>, now = new Date()): TournamentStatus {
  if (t.state === 'finished') return 'finished';
  if (t.state === 'cancelled') return 'cancelled';
  if (now < t.startsAt) return 'scheduled';
  if (now < t.endsAt) return 'running';
  return 'finalizing';
}

/**
 * Whether a wager settled at `settledAt` may still score: it settled inside [starts_at, ends_at), and
 * the tournament is neither cancelled nor finalized (late wagers are accepted until finalize_at).
 */
export function acceptsScoreAt(t: Pick<Tournament, 'state' | 'startsAt' | 'endsAt' | 'finalizeAt'>, settledAt: Date, now: Date): boolean {
  // a scheduled tournament takes nothing yet, whatever settled_at says: no wager has settled in the future
  return t.state === 'open' && now >= t.startsAt && now < t.finalizeAt && settledAt >= t.startsAt && settledAt < t.endsAt;
}

export interface TournamentView {
  id: string;
  name: string;
  currency: string;
  starts_at: string;
  ends_at: string;
  finalize_grace_seconds: number;
  scoring: { metric: Metric; aggregate: Aggregate };
  min_bet: number | null;
  game_codes: string[];
  game_categories: string[];
  prizes: Prize[];
  auto_enroll: boolean;
  status: TournamentStatus;
  /** once finished: how many players were ranked */
  total_players: number | null;
  /** once finished: the prize ranks and what each was granted */
  results: TournamentResult[] | null;
  created_at: string;
  finished_at: string | null;
  cancelled_at: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toTournamentView(t: Tournament, now = new Date()): TournamentView {
  return {
    id: t.id,
    name: t.name,
    currency: t.currency,
    starts_at: t.startsAt.toISOString(),
    ends_at: t.endsAt.toISOString(),
    finalize_grace_seconds: t.finalizeGraceSeconds,
    scoring: { metric: t.metric, aggregate: t.aggregate },
    min_bet: t.minBet === null ? null : Number(t.minBet),
    game_codes: t.gameCodes,
    game_categories: t.gameCategories,
    prizes: t.prizes,
    auto_enroll: t.autoEnroll,
    status: statusOf(t, now),
    total_players: t.totalPlayers,
    results: t.results,
    created_at: t.createdAt.toISOString(),
    finished_at: iso(t.finishedAt),
    cancelled_at: iso(t.cancelledAt),
  };
}

/** The answer of POST /v1/tournaments/:id/score, and of each tournament in a POST /v1/wagers answer. */
export interface ScoreResult {
  tournament_id: string;
  player_id: string;
  qualified: boolean;
  reason?: string;
  points_awarded: number;
  /** the player's score after this wager (0 when the player has none) */
  total_score: number;
  /** the player's rank after this wager, or null when the player is not on the board */
  rank: number | null;
}

export interface LeaderboardEntry {
  rank: number;
  player_id: string;
  external_ref: string;
  score: number;
}

export interface LeaderboardView {
  tournament_id: string;
  status: TournamentStatus;
  total_players: number;
  entries: LeaderboardEntry[];
}

export interface AroundView {
  tournament_id: string;
  player_id: string;
  external_ref: string;
  rank: number | null;
  score: number;
  around: LeaderboardEntry[];
}
