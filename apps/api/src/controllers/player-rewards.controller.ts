import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Replayable, TenantId } from '@app/common';
import { type RewardGrantView, RewardsService } from '@app/rewards';
import { Access, CurrentTenant } from '../auth/auth.decorators.js';
import { GrantRewardDto, RewardGrantDto } from '../dto/reward.dto.js';
import { ApiBodyErrors } from '../http/api-errors.decorator.js';
import { PLAYER_PARAM } from './players.controller.js';

@ApiTags('rewards')
@Access('admin')
@Controller('v1/players/:player/rewards')
export class PlayerRewardsController {
  constructor(private readonly rewards: RewardsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Grant a reward directly, once per grant_key',
    description:
      'winz credits the wallet (winz.credited), bonus grants the template (bonus.granted), external announces it (reward.granted), ' +
      'lootbox opens the box (lootbox.opened). 422 player_excluded for a self-excluded player or one excluded until a later date, ' +
      'whatever the reward (as journeys, tournaments and campaigns skip them); a grant made before the exclusion still replays.',
  })
  @ApiParam(PLAYER_PARAM)
  @ApiCreatedResponse({ type: RewardGrantDto })
  @ApiBodyErrors(404, 409, 422)
  grant(@CurrentTenant() tenant: TenantId, @Param('player') player: string, @Body() dto: GrantRewardDto): Promise<Replayable<RewardGrantView>> {
    return this.rewards.grantDirect(tenant, player, dto.reward, dto.grant_key);
  }
}
