import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page, Replayable, TenantId } from '@app/common';
import { type AroundView, type LeaderboardView, type ScoreResult, TournamentsService, type TournamentView } from '@app/tournaments';
import { IngestService } from '@app/wagers';
import { Access, CurrentTenant } from '../auth/auth.decorators.js';
import { PageQueryDto } from '../dto/page.dto.js';
import {
  AroundDto,
  AroundQueryDto,
  CreateTournamentDto,
  LeaderboardDto,
  LeaderboardQueryDto,
  ScoreDto,
  ScoreResultDto,
  TournamentDto,
  TournamentPageDto,
} from '../dto/tournament.dto.js';
import { ApiBodyErrors, ApiErrors } from '../http/api-errors.decorator.js';

const RANKING = 'Higher score first; on a tie, the player who reached that score first ranks higher.';

@ApiTags('tournaments')
@Controller('v1/tournaments')
export class TournamentsController {
  constructor(
    private readonly tournaments: TournamentsService,
    private readonly ingest: IngestService,
  ) {}

  @Post()
  @Access('admin')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a tournament',
    description:
      'Status follows the clock: scheduled, running (starts_at to ends_at), finalizing (until the worker finishes it, ' +
      'finalize_grace_seconds after ends_at: late wagers settled inside the window are accepted until then), finished, or ' +
      'cancelled. At the end the worker freezes the ranking, grants each prize rank once (grant key ' +
      'tournament:<id>:rank:<n>) and emits tournament.finished. A player excluded at the end is not granted a prize (no one ' +
      `moves up). ${RANKING} 422 invalid_reward when a prize names an unknown bonus template or lootbox.`,
  })
  @ApiCreatedResponse({ type: TournamentDto })
  @ApiBodyErrors(422)
  create(@CurrentTenant() tenant: TenantId, @Body() dto: CreateTournamentDto): Promise<TournamentView> {
    return this.tournaments.create(tenant, dto.toInput());
  }

  @Get()
  @Access('server')
  @ApiOperation({ summary: 'List tournaments, newest first' })
  @ApiOkResponse({ type: TournamentPageDto })
  @ApiErrors(400)
  list(@CurrentTenant() tenant: TenantId, @Query() query: PageQueryDto): Promise<Page<TournamentView>> {
    return this.tournaments.list(tenant, query.toPageRequest('trn'));
  }

  @Get(':id')
  @Access('server')
  @ApiOperation({ summary: 'Get a tournament (with its results once finished)' })
  @ApiOkResponse({ type: TournamentDto })
  @ApiErrors(404)
  get(@CurrentTenant() tenant: TenantId, @Param('id') id: string): Promise<TournamentView> {
    return this.tournaments.get(tenant, id);
  }

  @Post(':id/cancel')
  @Access('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a tournament that has not finished: no more scores, no prizes (cancelling again changes nothing)', description: '409 tournament_finished once its prizes are paid.' })
  @ApiOkResponse({ type: TournamentDto })
  @ApiErrors(404, 409)
  cancel(@CurrentTenant() tenant: TenantId, @Param('id') id: string): Promise<TournamentView> {
    return this.tournaments.cancel(tenant, id);
  }

  @Post(':id/score')
  @Access('server')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Score a wager, or operator-computed points (idempotent on source_wager_id, per tournament)',
    description:
      'The key is shared with POST /v1/wagers: a wager routed to this tournament and a score with the same facts are one ' +
      'event (either replays the other). A wager that does not qualify (below min_bet, game not eligible, player excluded) ' +
      'answers 201 with qualified: false and a reason. Settled outside the window, or after finalization or cancellation: ' +
      `409 tournament_not_running. Another currency: 422 currency_mismatch. ${RANKING}`,
  })
  @ApiCreatedResponse({ type: ScoreResultDto })
  @ApiOkResponse({ type: ScoreResultDto, description: 'replay: the first answer, with Idempotent-Replayed: true' })
  @ApiBodyErrors(404, 409, 422)
  score(@CurrentTenant() tenant: TenantId, @Param('id') id: string, @Body() dto: ScoreDto): Promise<Replayable<ScoreResult>> {
    const input = dto.toInput(); // the body is checked before the id is looked up
    return this.ingest.score(tenant, id, input);
  }

  @Get(':id/leaderboard')
  @Access('server')
  @ApiOperation({ summary: 'The leaderboard, a page at a time', description: `${RANKING} Every score committed before the request is in it.` })
  @ApiOkResponse({ type: LeaderboardDto })
  @ApiErrors(400, 404)
  leaderboard(@CurrentTenant() tenant: TenantId, @Param('id') id: string, @Query() query: LeaderboardQueryDto): Promise<LeaderboardView> {
    return this.tournaments.leaderboard(tenant, id, query.offset ?? 0, query.limit ?? 50);
  }

  @Get(':id/leaderboard/:player')
  @Access('server')
  @ApiOperation({ summary: "A player's rank and score, with the entries around it", description: 'rank null and score 0 for a player who has not scored. 404 for an unknown player.' })
  @ApiOkResponse({ type: AroundDto })
  @ApiErrors(400, 404)
  around(@CurrentTenant() tenant: TenantId, @Param('id') id: string, @Param('player') player: string, @Query() query: AroundQueryDto): Promise<AroundView> {
    return this.tournaments.around(tenant, id, player, query.around ?? 5);
  }
}
