import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Page, Replayable, TenantId } from '@app/common';
import { BonusesService, type GrantView } from '@app/bonuses';
import { Access, CurrentTenant } from '../auth/auth.decorators.js';
import { BonusesQueryDto, BonusGrantDto, BonusGrantPageDto, GrantBonusDto } from '../dto/bonus.dto.js';
import { ApiBodyErrors, ApiErrors } from '../http/api-errors.decorator.js';
import { PLAYER_PARAM } from './players.controller.js';

@ApiTags('bonuses')
@Access('server')
@Controller('v1/players/:player/bonuses')
export class PlayerBonusesController {
  constructor(private readonly bonuses: BonusesService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Grant a bonus (idempotent on idempotency_key)',
    description:
      'reload and deposit_match grants are `offered` until a qualifying deposit activates them; cashback is `offered` ' +
      'until its window closes; no_deposit and free_bet start `active`. Emits bonus.granted, and bonus.activated when ' +
      'the amount is fixed (credit the player then). 422: player_excluded, currency_mismatch, template_archived.',
  })
  @ApiParam(PLAYER_PARAM)
  @ApiCreatedResponse({ type: BonusGrantDto })
  @ApiBodyErrors(404, 409, 422)
  grant(@CurrentTenant() tenant: TenantId, @Param('player') player: string, @Body() dto: GrantBonusDto): Promise<Replayable<GrantView>> {
    return this.bonuses.grant(tenant, player, dto.toInput());
  }

  @Get()
  @ApiOperation({ summary: "The player's bonuses, newest first; ?status= filters" })
  @ApiParam(PLAYER_PARAM)
  @ApiOkResponse({ type: BonusGrantPageDto })
  @ApiErrors(400, 404)
  list(@CurrentTenant() tenant: TenantId, @Param('player') player: string, @Query() query: BonusesQueryDto): Promise<Page<GrantView>> {
    return this.bonuses.listForPlayer(tenant, player, query.status, query.toPageRequest('bns'));
  }

  @Post(':bonus_id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel an offered or active bonus (the operator withdraws it); 409 bonus_not_live once it ended' })
  @ApiParam(PLAYER_PARAM)
  @ApiOkResponse({ type: BonusGrantDto })
  @ApiErrors(404, 409)
  cancel(@CurrentTenant() tenant: TenantId, @Param('player') player: string, @Param('bonus_id') id: string): Promise<GrantView> {
    return this.bonuses.cancel(tenant, player, id);
  }

  @Post(':bonus_id/forfeit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Forfeit an offered or active bonus (the player gives it up); 409 bonus_not_live once it ended' })
  @ApiParam(PLAYER_PARAM)
  @ApiOkResponse({ type: BonusGrantDto })
  @ApiErrors(404, 409)
  forfeit(@CurrentTenant() tenant: TenantId, @Param('player') player: string, @Param('bonus_id') id: string): Promise<GrantView> {
    return this.bonuses.forfeit(tenant, player, id);
  }
}
