import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page, Replayable, TenantId } from '@app/common';
import { type ContributionResult, JackpotsService, type JackpotView, type JackpotWinView } from '@app/jackpots';
import { IngestService } from '@app/wagers';
import { Access, CurrentTenant } from '../auth/auth.decorators.js';
import { ContributeDto, ContributionResultDto, CreateJackpotDto, JackpotDto, JackpotPageDto, JackpotWinPageDto } from '../dto/jackpot.dto.js';
import { PageQueryDto } from '../dto/page.dto.js';
import { ApiBodyErrors, ApiErrors } from '../http/api-errors.decorator.js';

const FAIRNESS =
  'Each cycle has a secret seed (64 hex characters); seed_commit = sha256 of those characters is public from the start of the ' +
  'cycle and the win reveals the seed. The HMAC key below is those 64 characters as ASCII text, not the 32 bytes they spell. must_drop: the drop point is seed_amount + 1 + (r mod (must_drop_by − seed_amount)), r the first 64-bit ' +
  'big-endian integer of HMAC-SHA256(seed, "drop_point") below floor(2^64 / range) × range (next blocks "drop_point:1", …); ' +
  'the contribution that brings the pool to it wins (the proof has the pool before it, what it added and the pool after). progressive: r = the first 8 bytes of HMAC-SHA256(seed, ' +
  'source_wager_id); it wins when r / 2^64 < hit_rate × bet_amount / 1000. scripts/verify-jackpot-win.mjs recomputes a win.';

@ApiTags('jackpots')
@Controller('v1/jackpots')
export class JackpotsController {
  constructor(
    private readonly jackpots: JackpotsService,
    private readonly ingest: IngestService,
  ) {}

  @Post()
  @Access('admin')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a jackpot',
    description:
      'Fractions of a milli are carried, never lost: pool + all wins = all seed amounts + all contributions, exactly. A win ' +
      'pays the pool\'s whole millis (announced by jackpot.won; the operator pays it) and the next cycle starts at ' +
      `seed_amount plus the fraction carried, with a new seed. ${FAIRNESS}`,
  })
  @ApiCreatedResponse({ type: JackpotDto })
  @ApiBodyErrors()
  create(@CurrentTenant() tenant: TenantId, @Body() dto: CreateJackpotDto): Promise<JackpotView> {
    return this.jackpots.create(tenant, dto.toInput());
  }

  @Get()
  @Access('server')
  @ApiOperation({ summary: 'List jackpots, newest first' })
  @ApiOkResponse({ type: JackpotPageDto })
  @ApiErrors(400)
  list(@CurrentTenant() tenant: TenantId, @Query() query: PageQueryDto): Promise<Page<JackpotView>> {
    return this.jackpots.list(tenant, query.toPageRequest('jkp'));
  }

  @Get(':id')
  @Access('server')
  @ApiOperation({ summary: 'Get a jackpot: its pool, cycle and the commit of the current seed' })
  @ApiOkResponse({ type: JackpotDto })
  @ApiErrors(404)
  get(@CurrentTenant() tenant: TenantId, @Param('id') id: string): Promise<JackpotView> {
    return this.jackpots.get(tenant, id);
  }

  @Get(':id/wins')
  @Access('server')
  @ApiOperation({ summary: 'The wins, newest first, each with its revealed seed', description: FAIRNESS })
  @ApiOkResponse({ type: JackpotWinPageDto })
  @ApiErrors(400, 404)
  wins(@CurrentTenant() tenant: TenantId, @Param('id') id: string, @Query() query: PageQueryDto): Promise<Page<JackpotWinView>> {
    return this.jackpots.wins(tenant, id, query.toPageRequest('win'));
  }

  @Post(':id/contribute')
  @Access('server')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Contribute a bet (idempotent on source_wager_id, per jackpot)',
    description:
      'The key is shared with POST /v1/wagers: a wager routed to this jackpot and a contribution with the same facts are one ' +
      'event. However many contributions race, exactly one wins a cycle. A bet below min_bet, or an excluded player\'s, ' +
      `contributes nothing and cannot win (201, with a reason). Another currency: 422 currency_mismatch. ${FAIRNESS}`,
  })
  @ApiCreatedResponse({ type: ContributionResultDto })
  @ApiOkResponse({ type: ContributionResultDto, description: 'replay: the first answer, with Idempotent-Replayed: true' })
  @ApiBodyErrors(404, 409, 422)
  contribute(@CurrentTenant() tenant: TenantId, @Param('id') id: string, @Body() dto: ContributeDto): Promise<Replayable<ContributionResult>> {
    const input = dto.toInput(); // the body is checked before the id is looked up
    return this.ingest.contribute(tenant, id, input);
  }
}
