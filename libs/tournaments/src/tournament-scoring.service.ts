import { Injectable, Logger } from '@nestjs/common';
import type { TenantId } from '@app/common';
import { isExcluded, type Player } from '@app/players';
import { LeaderboardCache } from './leaderboard.cache.js';
import { aggregate, compareStandings, notQualified, pointsFor, type ScoreFacts, type Standing } from './scoring.js';
import type { ScoreResult, Tournament } from './tournament.types.js';
import { type ScoreEventRow, type ScoreRow, TournamentsRepository } from './tournaments.repository.js';

/** What scoring needs of a player: who, and whether excluded. */
export type ScoringPlayer = Pick<Player, 'id' | 'selfExcluded' | 'excludedUntil'>;

export interface ScoreEntry {
  tournament: Tournament;
  sourceWagerId: string;
  player: ScoringPlayer;
  facts: ScoreFacts;
  /** stored with the (tournament, source_wager_id) key: a replay must match it */
  requestHash: string;
  /** a tournament a wager named but that cannot take it: answered with this reason, no key kept */
  skip?: 'currency_mismatch' | 'tournament_not_running';
}

/** What a committed batch changed on each board, to publish to the cache. */
export type BoardChanges = Map<string, Standing[]>;

const key = (tournamentId: string, playerId: string) => `${tournamentId}|${playerId}`;

/**
 * Scoring of a batch, inside its transaction (players already locked, so each player's score rows are
 * read and written by one batch at a time): points, qualification, aggregation and the reached-at
 * sequence; each entry's rank right after it; the score rows and the (tournament, source_wager_id)
 * keys to write. Ranks come from the cache (O(log n) each) corrected for the batch's own players, or
 * from PostgreSQL when the cache is not there. The caller reads the current scores and writes the rows.
 */
@Injectable()
export class TournamentScoring {
  private readonly logger = new Logger(TournamentScoring.name);

  constructor(
    private readonly repo: TournamentsRepository,
    private readonly cache: LeaderboardCache,
  ) {}

  /**
   * `current`: the standings of the batch's players, keyed `<tournament>|<player>`; `seqs`: fresh
   * reached-at numbers, increasing, at least one per entry.
   */
  async score(
    tenantId: TenantId,
    entries: readonly ScoreEntry[],
    current: ReadonlyMap<string, Standing>,
    seqs: readonly bigint[],
    now: Date,
  ): Promise<{ results: ScoreResult[]; changes: BoardChanges; scores: ScoreRow[]; events: ScoreEventRow[] }> {
    if (entries.length === 0) return { results: [], changes: new Map(), scores: [], events: [] };

    // 1. walk the entries in order: each one's points and the standing right after it. A standing that
    //    changed takes a new reached-at number: placeholders -1, -2, … until they are drawn below.
    const state = new Map(current);
    const wagers = new Map<string, number>();
    const after: Array<Standing | null> = [];
    const points: bigint[] = [];
    const reasons: Array<string | null> = [];
    let fresh = 0;
    for (const e of entries) {
      const k = key(e.tournament.id, e.player.id);
      const before = state.get(k) ?? null;
      const reason = e.skip ?? notQualified(e.tournament, e.facts, isExcluded(e.player, now));
      reasons.push(reason);
      if (reason) {
        points.push(0n);
        after.push(before);
        continue;
      }
      const p = pointsFor(e.tournament.metric, e.facts);
      const agg = aggregate(e.tournament.aggregate, before?.score ?? null, p);
      points.push(p);
      wagers.set(k, (wagers.get(k) ?? 0) + 1);
      const standing: Standing = { playerId: e.player.id, score: agg.score, seq: agg.reached ? BigInt(-++fresh) : before!.seq };
      state.set(k, standing);
      after.push(standing);
    }
    // 2. the reached-at numbers, in entry order (they also order the batch's own ties)
    if (fresh > seqs.length) throw new Error(`${fresh} reached-at numbers needed, ${seqs.length} drawn`);
    const drawn = (st: Standing): Standing => (st.seq < 0n ? { ...st, seq: seqs[Number(-st.seq) - 1] } : st);
    for (let i = 0; i < after.length; i++) if (after[i]) after[i] = drawn(after[i]!);
    const final = new Map([...state].map(([k, st]) => [k, drawn(st)]));

    // 3. ranks
    const ranks = await this.ranks(tenantId, entries, after, current);

    // 4. rows and answers
    const events: ScoreEventRow[] = [];
    const results: ScoreResult[] = entries.map((e, i) => {
      const result: ScoreResult = {
        tournament_id: e.tournament.id,
        player_id: e.player.id,
        qualified: reasons[i] === null,
        ...(reasons[i] !== null && { reason: reasons[i]! }),
        points_awarded: Number(points[i]),
        total_score: Number(after[i]?.score ?? 0n),
        rank: ranks[i],
      };
      if (!e.skip) events.push({
        tournamentId: e.tournament.id,
        sourceWagerId: e.sourceWagerId,
        playerId: e.player.id,
        qualified: reasons[i] === null,
        points: points[i],
        requestHash: e.requestHash,
        response: result,
      });
      return result;
    });
    const scores: ScoreRow[] = [];
    const changes: BoardChanges = new Map();
    for (const [k, s] of final) {
      const added = wagers.get(k);
      if (added === undefined) continue;
      const [tournamentId] = k.split('|');
      scores.push({ tournamentId, playerId: s.playerId, score: s.score, seq: s.seq, wagers: added });
      const old = current.get(k);
      if (!old || old.seq !== s.seq) changes.set(tournamentId, [...(changes.get(tournamentId) ?? []), s]);
    }
    return { results, changes, scores, events };
  }

  /** After commit: the new standings to the cache (a failure only delays them: reads catch up or rebuild). */
  async publish(changes: BoardChanges, versions: Map<string, bigint>): Promise<void> {
    await Promise.all(
      [...changes].map(async ([tournamentId, standings]) => {
        try {
          await this.cache.apply(tournamentId, versions.get(tournamentId)!, standings);
        } catch (err) {
          this.logger.warn('leaderboard cache update failed; reads will rebuild it', { tournamentId, error: (err as Error).message });
        }
      }),
    );
  }

  /**
   * Each entry's rank right after it: the standings strictly above it on the board as it was before
   * the batch (cache, or PostgreSQL), minus the batch's own players there, plus those players as they
   * stand at that point of the batch.
   */
  private async ranks(tenantId: TenantId, entries: readonly ScoreEntry[], after: ReadonlyArray<Standing | null>, current: ReadonlyMap<string, Standing>): Promise<Array<number | null>> {
    const ranks: Array<number | null> = entries.map(() => null);
    const byTournament = new Map<string, number[]>();
    entries.forEach((e, i) => {
      if (after[i]) byTournament.set(e.tournament.id, [...(byTournament.get(e.tournament.id) ?? []), i]);
    });
    for (const [tournamentId, indexes] of byTournament) {
      const players = [...new Set(entries.filter((e) => e.tournament.id === tournamentId).map((e) => e.player.id))];
      const probes = indexes.map((i) => after[i]!);
      const board = await this.boardAbove(tenantId, tournamentId, players, probes);
      // the batch's players as they stand along the batch
      const standing = new Map<string, Standing>();
      for (const p of players) {
        const s = current.get(key(tournamentId, p));
        if (s) standing.set(p, s);
      }
      let next = 0;
      entries.forEach((e, i) => {
        if (e.tournament.id !== tournamentId || !after[i]) return;
        standing.set(e.player.id, after[i]!);
        const me = after[i]!;
        let rank = 1 + board.above[next];
        for (const p of players) {
          const cached = board.cached.get(p);
          if (cached && compareStandings(cached, me) < 0) rank -= 1;
          const now = standing.get(p);
          if (p !== e.player.id && now && compareStandings(now, me) < 0) rank += 1;
        }
        ranks[i] = Math.max(1, rank);
        next += 1;
      });
    }
    return ranks;
  }

  /** For each probe, how many standings on the board rank strictly above it, and the batch players' standings counted there. */
  private async boardAbove(
    tenantId: TenantId,
    tournamentId: string,
    players: readonly string[],
    probes: readonly Standing[],
  ): Promise<{ above: number[]; cached: Map<string, Standing> }> {
    try {
      const got = await this.cache.probe(tournamentId, players, probes);
      if (got) return { above: got.above, cached: got.current };
    } catch (err) {
      this.logger.warn('leaderboard cache unavailable for ranks; counting in PostgreSQL', { tournamentId, error: (err as Error).message });
    }
    // PostgreSQL, without the batch's players (their rows are about to change)
    return { above: await this.repo.countAbove(tenantId, tournamentId, probes, players), cached: new Map() };
  }
}
