import { Injectable, Logger } from '@nestjs/common';
import { AppError, newId, type Page, type PageRequest, type TenantId, toPage } from '@app/common';
import { DbService } from '@app/db';
import { RewardReferences } from '@app/lootbox';
import { PlayersService } from '@app/players';
import { LeaderboardCache } from './leaderboard.cache.js';
import { LeaderboardService } from './leaderboard.service.js';
import { type Prize, prizeTableProblems } from './prizes.js';
import type { Aggregate, Metric, Standing } from './scoring.js';
import { type AroundView, type LeaderboardEntry, type LeaderboardView, statusOf, type Tournament, toTournamentView, type TournamentView } from './tournament.types.js';
import { TournamentsRepository } from './tournaments.repository.js';

export interface CreateTournamentInput {
  name: string;
  currency: string;
  startsAt: Date;
  endsAt: Date;
  metric: Metric;
  aggregate: Aggregate;
  minBet?: bigint;
  gameCodes?: string[];
  gameCategories?: string[];
  prizes: Prize[];
  autoEnroll?: boolean;
  finalizeGraceSeconds?: number;
}

export const DEFAULT_FINALIZE_GRACE_SECONDS = 300;

@Injectable()
export class TournamentsService {
  private readonly logger = new Logger(TournamentsService.name);

  constructor(
    private readonly db: DbService,
    private readonly repo: TournamentsRepository,
    private readonly leaderboards: LeaderboardService,
    private readonly cache: LeaderboardCache,
    private readonly players: PlayersService,
    private readonly references: RewardReferences,
  ) {}

  async create(tenantId: TenantId, input: CreateTournamentInput): Promise<TournamentView> {
    const problems = [
      ...(input.startsAt >= input.endsAt ? [{ field: 'ends_at', issue: 'must be after starts_at' }] : []),
      ...prizeTableProblems(input.prizes),
    ];
    if (problems.length > 0) throw AppError.validation(problems);
    for (const [i, prize] of input.prizes.entries()) await this.references.requireKnown(tenantId, prize.reward, `prizes[${i}].reward`, `prizes[${i}]`);
    const grace = input.finalizeGraceSeconds ?? DEFAULT_FINALIZE_GRACE_SECONDS;
    const now = new Date();
    const t = await this.repo.create(tenantId, {
      id: newId('trn', now.getTime()),
      tenantId,
      name: input.name,
      currency: input.currency,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      finalizeGraceSeconds: grace,
      finalizeAt: new Date(input.endsAt.getTime() + grace * 1000),
      metric: input.metric,
      aggregate: input.aggregate,
      minBet: input.minBet ?? null,
      gameCodes: input.gameCodes ?? [],
      gameCategories: input.gameCategories ?? [],
      prizes: input.prizes,
      autoEnroll: input.autoEnroll ?? false,
      state: 'open',
      scoreVersion: 0n,
      totalPlayers: null,
      results: null,
      createdAt: now,
      finishedAt: null,
      cancelledAt: null,
    });
    // An empty board, complete at version 0; if Redis is down now, the first read builds it.
    await this.cache.create(t.id).catch((err: Error) => this.logger.warn('could not create the leaderboard cache', { tournamentId: t.id, error: err.message }));
    return toTournamentView(t);
  }

  async get(tenantId: TenantId, id: string): Promise<TournamentView> {
    return toTournamentView(await this.require(tenantId, id));
  }

  async list(tenantId: TenantId, page: PageRequest): Promise<Page<TournamentView>> {
    const now = new Date();
    return toPage(await this.repo.list(tenantId, page), page.limit, (t) => t.id, (t) => toTournamentView(t, now));
  }

  /** Cancels a tournament that has not finished: no more scores, no prizes. Cancelling twice is a no-op. */
  async cancel(tenantId: TenantId, id: string): Promise<TournamentView> {
    return this.db.transaction(async () => {
      const t = await this.repo.lock(tenantId, id);
      if (!t) throw AppError.notFound('tournament');
      if (t.state === 'finished') throw AppError.conflict('the tournament has finished and paid its prizes', 'tournament_finished');
      if (t.state === 'open') await this.repo.cancel(tenantId, id, new Date());
      return toTournamentView((await this.repo.find(tenantId, id))!);
    });
  }

  async leaderboard(tenantId: TenantId, id: string, offset: number, limit: number): Promise<LeaderboardView> {
    const t = await this.require(tenantId, id);
    const { total, first, standings } = await this.leaderboards.page(tenantId, id, t.scoreVersion, offset, limit);
    return { tournament_id: id, status: statusOf(t), total_players: total, entries: await this.entries(tenantId, first, standings) };
  }

  /** The player's rank and score, with `n` standings above and `n` below (and the player's own between them). */
  async around(tenantId: TenantId, id: string, ref: string, n: number): Promise<AroundView> {
    const t = await this.require(tenantId, id);
    const player = await this.players.require(tenantId, ref);
    const r = await this.leaderboards.around(tenantId, id, t.scoreVersion, player.id, n);
    return {
      tournament_id: id,
      player_id: player.id,
      external_ref: player.externalRef,
      rank: r.rank === null ? null : r.rank + 1,
      score: r.standing ? Number(r.standing.score) : 0,
      around: await this.entries(tenantId, r.first, r.standings),
    };
  }

  async require(tenantId: TenantId, id: string): Promise<Tournament> {
    const t = await this.repo.find(tenantId, id);
    if (!t) throw AppError.notFound('tournament');
    return t;
  }

  private async entries(tenantId: TenantId, first: number, standings: readonly Standing[]): Promise<LeaderboardEntry[]> {
    const refs = await this.repo.externalRefs(tenantId, standings.map((s) => s.playerId));
    return standings.map((s, i) => ({ rank: first + i + 1, player_id: s.playerId, external_ref: refs.get(s.playerId) ?? '', score: Number(s.score) }));
  }
}
