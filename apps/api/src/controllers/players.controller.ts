import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Replayable, TenantId } from '@app/common';
import { PlayersService, type PlayerView } from '@app/players';
import { Access, CurrentTenant } from '../auth/auth.decorators.js';
import { CreatePlayerDto, PlayerDto, UpdatePlayerDto } from '../dto/player.dto.js';
import { ApiBodyErrors, ApiErrors } from '../http/api-errors.decorator.js';

export const PLAYER_PARAM = { name: 'player', description: 'the WOWsino id (plr_…) or the operator\'s external_ref' };

@ApiTags('players')
@Access('server')
@Controller('v1/players')
export class PlayersController {
  constructor(private readonly players: PlayersService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a player (idempotent on external_ref)',
    description:
      '201 on the first call. A replay with the same payload answers 200 with the first answer and ' +
      '`Idempotent-Replayed: true`; the same external_ref with a different payload is 422 ' +
      'idempotency_key_reused. Emits `player.created`. A player that an event created on the fly is ' +
      'completed by its first POST, which answers 201.',
  })
  @ApiCreatedResponse({ type: PlayerDto })
  @ApiOkResponse({ type: PlayerDto, description: 'replay', headers: { 'Idempotent-Replayed': { schema: { type: 'string', example: 'true' } } } })
  @ApiBodyErrors(409, 422)
  create(@CurrentTenant() tenant: TenantId, @Body() dto: CreatePlayerDto): Promise<Replayable<PlayerView>> {
    return this.players.create(tenant, dto.toInput());
  }

  @Get(':player')
  @ApiOperation({ summary: 'Get a player' })
  @ApiParam(PLAYER_PARAM)
  @ApiOkResponse({ type: PlayerDto })
  @ApiErrors(404)
  get(@CurrentTenant() tenant: TenantId, @Param('player') player: string): Promise<PlayerView> {
    return this.players.get(tenant, player);
  }

  @Patch(':player')
  @ApiOperation({ summary: 'Update vip_level, country, tags, attributes, self_excluded, excluded_until' })
  @ApiParam(PLAYER_PARAM)
  @ApiOkResponse({ type: PlayerDto })
  @ApiBodyErrors(404)
  update(@CurrentTenant() tenant: TenantId, @Param('player') player: string, @Body() dto: UpdatePlayerDto): Promise<PlayerView> {
    return this.players.update(tenant, player, dto.toPatch());
  }
}
