import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Answer, Replayable, TenantId } from '@app/common';
import { type PlayerEventResponse, PlayerEventsService } from '@app/journeys';
import { IngestService, type WagerResponse } from '@app/wagers';
import { Access, CurrentTenant } from '../auth/auth.decorators.js';
import { PlayerEventDto, PlayerEventResultDto, WagerDto, WagerResultDto } from '../dto/intake.dto.js';
import { ApiBodyErrors } from '../http/api-errors.decorator.js';

const REPLAY = { description: 'replay: the first answer, with Idempotent-Replayed: true', headers: { 'Idempotent-Replayed': { schema: { type: 'string', example: 'true' } } } };

@ApiTags('events')
@Access('server')
@Controller('v1')
export class IntakeController {
  constructor(
    private readonly ingest: IngestService,
    private readonly events: PlayerEventsService,
  ) {}

  @Post('wagers')
  @HttpCode(201)
  @ApiOperation({
    summary: 'A settled wager (idempotent on source_wager_id)',
    description:
      "Updates the player's stats at settled_at (total_wagered counts wagers in the player's currency) and the " +
      'wagering of their active bonuses in that currency: bet × the category weight, nothing above max_bet; fires the ' +
      'journey trigger wager; scores the tournaments named in tournament_ids and every running auto_enroll tournament of ' +
      'the currency; contributes to the jackpots named and the auto_enroll ones of the currency. The (tournament, ' +
      'source_wager_id) and (jackpot, source_wager_id) keys are shared with the score and contribute endpoints: where a direct score or contribution ' +
      'already holds one, the wager is still recorded with its other effects and that entry is the stored answer, adding ' +
      'nothing. An unknown ' +
      'tournament or jackpot id is a 404 that stores nothing; a named tournament that cannot take the wager answers why ' +
      '(tournament_not_running, currency_mismatch) in its entry. An external_ref never seen before creates the player.',
  })
  @ApiCreatedResponse({ type: WagerResultDto })
  @ApiOkResponse({ type: WagerResultDto, ...REPLAY })
  @ApiBodyErrors(404, 409, 422)
  wager(@CurrentTenant() tenant: TenantId, @Body() dto: WagerDto): Promise<Replayable<Answer<WagerResponse>>> {
    return this.ingest.wager(tenant, dto.toInput());
  }

  @Post('journeys/event')
  @HttpCode(201)
  @ApiOperation({
    summary: 'A player event: deposit, login or any trigger (idempotent on event_id, or source_wager_id for a wager)',
    description:
      'deposit and first_deposit (amount and currency required) update deposit stats at occurred_at and activate ' +
      "the player's oldest qualifying offered deposit bonus (one per deposit). Send one event per deposit, either " +
      "trigger: the player's first deposit ever counts as first_deposit either way. login moves last_login_at.",
  })
  @ApiCreatedResponse({ type: PlayerEventResultDto })
  @ApiOkResponse({ type: PlayerEventResultDto, ...REPLAY })
  @ApiBodyErrors(404, 409, 422)
  event(@CurrentTenant() tenant: TenantId, @Body() dto: PlayerEventDto): Promise<Replayable<PlayerEventResponse>> {
    return this.events.record(tenant, dto.toInput());
  }
}
