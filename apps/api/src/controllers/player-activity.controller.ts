import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Page, TenantId } from '@app/common';
import { JourneysService, type PlayerJourneyView } from '@app/journeys';
import { LootboxesService, type OpenView } from '@app/lootbox';
import { Access, CurrentTenant } from '../auth/auth.decorators.js';
import { PlayerJourneysDto } from '../dto/journey.dto.js';
import { OpenPageDto } from '../dto/lootbox.dto.js';
import { PageQueryDto } from '../dto/page.dto.js';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { PLAYER_PARAM } from './players.controller.js';

@ApiTags('players')
@Access('server')
@Controller('v1/players/:player')
export class PlayerActivityController {
  constructor(
    private readonly journeys: JourneysService,
    private readonly lootboxes: LootboxesService,
  ) {}

  @Get('journeys')
  @ApiOperation({ summary: "The player's progress in each journey they have started, by journey id" })
  @ApiParam(PLAYER_PARAM)
  @ApiOkResponse({ type: PlayerJourneysDto })
  @ApiErrors(400, 404)
  journeysOf(@CurrentTenant() tenant: TenantId, @Param('player') player: string, @Query() query: PageQueryDto): Promise<Page<PlayerJourneyView>> {
    return this.journeys.forPlayer(tenant, player, query.toPageRequest('jny'));
  }

  @Get('lootbox-opens')
  @ApiOperation({ summary: "The player's lootbox opens, newest first, with their proofs" })
  @ApiParam(PLAYER_PARAM)
  @ApiOkResponse({ type: OpenPageDto })
  @ApiErrors(400, 404)
  opensOf(@CurrentTenant() tenant: TenantId, @Param('player') player: string, @Query() query: PageQueryDto): Promise<Page<OpenView>> {
    return this.lootboxes.playerOpens(tenant, player, query.toPageRequest('opn'));
  }
}
