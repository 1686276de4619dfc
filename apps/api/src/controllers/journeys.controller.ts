import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page, TenantId } from '@app/common';
import { type JourneyView, JourneysService } from '@app/journeys';
import { Access, CurrentTenant } from '../auth/auth.decorators.js';
import { CreateJourneyDto, JourneyDto, JourneyPageDto } from '../dto/journey.dto.js';
import { PageQueryDto } from '../dto/page.dto.js';
import { ApiBodyErrors, ApiErrors } from '../http/api-errors.decorator.js';

@ApiTags('journeys')
@Controller('v1/journeys')
export class JourneysController {
  constructor(private readonly journeys: JourneysService) {}

  @Access('admin')
  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a journey',
    description:
      'Steps complete in order: an event counts towards the current step only. Triggers fire from POST /v1/journeys/event, ' +
      'player creation (registration), POST /v1/wagers (wager) and deposits (deposit; first_deposit only for the first ' +
      'deposit ever). An event counts once per journey, whichever endpoint reported it. Completion grants the reward once ' +
      'per player and cycle and emits journey.completed; an excluded player completes without the reward.',
  })
  @ApiCreatedResponse({ type: JourneyDto })
  @ApiBodyErrors(422)
  create(@CurrentTenant() tenant: TenantId, @Body() dto: CreateJourneyDto): Promise<JourneyView> {
    return this.journeys.create(tenant, dto.toInput());
  }

  @Access('server')
  @Get()
  @ApiOperation({ summary: 'List journeys, newest first' })
  @ApiOkResponse({ type: JourneyPageDto })
  @ApiErrors(400)
  list(@CurrentTenant() tenant: TenantId, @Query() query: PageQueryDto): Promise<Page<JourneyView>> {
    return this.journeys.list(tenant, query.toPageRequest('jny'));
  }

  @Access('server')
  @Get(':id')
  @ApiOperation({ summary: 'Get a journey' })
  @ApiOkResponse({ type: JourneyDto })
  @ApiErrors(404)
  get(@CurrentTenant() tenant: TenantId, @Param('id') id: string): Promise<JourneyView> {
    return this.journeys.get(tenant, id);
  }

  @Access('admin')
  @Post(':id/deactivate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deactivate a journey: no more progress; rewards already granted stay' })
  @ApiOkResponse({ type: JourneyDto })
  @ApiErrors(404)
  deactivate(@CurrentTenant() tenant: TenantId, @Param('id') id: string): Promise<JourneyView> {
    return this.journeys.deactivate(tenant, id);
  }
}
