import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Replayable, TenantId } from '@app/common';
import type { WalletView } from '@app/players';
import { type WalletOperationView, WalletService } from '@app/wallet';
import { Access, CurrentTenant } from '../auth/auth.decorators.js';
import { PageQueryDto } from '../dto/page.dto.js';
import { WalletDto, WalletOperationDto, WalletOperationResultDto } from '../dto/wallet.dto.js';
import { ApiBodyErrors, ApiErrors } from '../http/api-errors.decorator.js';
import { PLAYER_PARAM } from './players.controller.js';

@ApiTags('wallet')
@Access('server')
@Controller('v1/players/:player/wallet')
export class WalletController {
  constructor(private readonly wallet: WalletService) {}

  @Get()
  @ApiOperation({ summary: "The player's WINZ wallet: balance and ledger entries, newest first" })
  @ApiParam(PLAYER_PARAM)
  @ApiOkResponse({ type: WalletDto })
  @ApiErrors(400, 404)
  view(@CurrentTenant() tenant: TenantId, @Param('player') player: string, @Query() query: PageQueryDto): Promise<WalletView> {
    return this.wallet.view(tenant, player, query.toPageRequest('led'));
  }

  @Post('credits')
  @HttpCode(201)
  @ApiOperation({ summary: 'Credit WINZ (idempotent on idempotency_key); emits winz.credited' })
  @ApiParam(PLAYER_PARAM)
  @ApiCreatedResponse({ type: WalletOperationResultDto })
  @ApiBodyErrors(404, 409, 422)
  credit(@CurrentTenant() tenant: TenantId, @Param('player') player: string, @Body() dto: WalletOperationDto): Promise<Replayable<WalletOperationView>> {
    return this.wallet.credit(tenant, player, dto.toInput());
  }

  @Post('debits')
  @HttpCode(201)
  @ApiOperation({ summary: 'Debit WINZ (idempotent on idempotency_key); 422 insufficient_funds beyond the balance, which never goes below zero' })
  @ApiParam(PLAYER_PARAM)
  @ApiCreatedResponse({ type: WalletOperationResultDto })
  @ApiBodyErrors(404, 409, 422)
  debit(@CurrentTenant() tenant: TenantId, @Param('player') player: string, @Body() dto: WalletOperationDto): Promise<Replayable<WalletOperationView>> {
    return this.wallet.debit(tenant, player, dto.toInput());
  }
}
