import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page, Replayable, TenantId } from '@app/common';
import { type LootboxView, LootboxesService, type OpenView, type SeedView } from '@app/lootbox';
import { Access, CurrentTenant } from '../auth/auth.decorators.js';
import { CreateLootboxDto, LootboxDto, LootboxPageDto, OpenDto, OpenLootboxDto, RotationDto, SeedPageDto } from '../dto/lootbox.dto.js';
import { PageQueryDto } from '../dto/page.dto.js';
import { ApiBodyErrors, ApiErrors } from '../http/api-errors.decorator.js';

const FAIRNESS =
  'The prize is HMAC-SHA256(key = the server seed, data = "<lootbox id>:<idempotency key>") mapped to the weighted ' +
  'table by rejection sampling (no modulo bias); the seed\'s SHA-256 commit is public before it is used and the seed is ' +
  'revealed when it is rotated. scripts/verify-lootbox-open.mjs recomputes any open from its proof and the revealed seed, ' +
  'and with --box (this box\'s JSON) checks it against the published prize table.';

@ApiTags('lootboxes')
@Controller('v1/lootbox')
export class LootboxController {
  constructor(private readonly lootboxes: LootboxesService) {}

  @Post()
  @Access('admin')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a lootbox',
    description:
      'A prize table, or a tier (bronze, silver, gold, platinum) and an ev_target for the tier\'s default table scaled to ' +
      'it (prizes rounded to the milli: a tiny target they would miss by more than 1% is 400 on ev_target). ' +
      'The EV is computed exactly and returned; a table with an ev_target must land within 1% of it (422 ev_mismatch, ' +
      'with the EV in details). Prizes are valued in the box currency: WINZ prizes only in a WINZ box, cash and bonuses in ' +
      'their own currency (else 422 currency_mismatch); a bonus counts its fixed_amount, an offer (reload, deposit_match, ' +
      'cashback) counts 0.',
  })
  @ApiCreatedResponse({ type: LootboxDto })
  @ApiBodyErrors(422)
  create(@CurrentTenant() tenant: TenantId, @Body() dto: CreateLootboxDto): Promise<LootboxView> {
    return this.lootboxes.create(tenant, dto.toInput());
  }

  @Get()
  @Access('server')
  @ApiOperation({ summary: 'List lootboxes, newest first' })
  @ApiOkResponse({ type: LootboxPageDto })
  @ApiErrors(400)
  list(@CurrentTenant() tenant: TenantId, @Query() query: PageQueryDto): Promise<Page<LootboxView>> {
    return this.lootboxes.list(tenant, query.toPageRequest('lbx'));
  }

  @Get(':id')
  @Access('server')
  @ApiOperation({ summary: 'Get a lootbox, with its EV and the commit of its current seed' })
  @ApiOkResponse({ type: LootboxDto })
  @ApiErrors(404)
  get(@CurrentTenant() tenant: TenantId, @Param('id') id: string): Promise<LootboxView> {
    return this.lootboxes.get(tenant, id);
  }

  @Post(':id/open')
  @Access('server')
  @HttpCode(201)
  @ApiOperation({ summary: 'Open the box for a player (idempotent on idempotency_key, per box)', description: `${FAIRNESS} Emits lootbox.opened. 422 player_excluded.` })
  @ApiCreatedResponse({ type: OpenDto })
  @ApiOkResponse({ type: OpenDto, description: 'replay: the first answer, with Idempotent-Replayed: true' })
  @ApiBodyErrors(404, 409, 422)
  open(@CurrentTenant() tenant: TenantId, @Param('id') id: string, @Body() dto: OpenLootboxDto): Promise<Replayable<OpenView>> {
    return this.lootboxes.open(tenant, id, dto.toInput());
  }

  @Post(':id/rotate-seed')
  @Access('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reveal the current server seed and commit to a new one',
    description:
      `${FAIRNESS} Opens in flight finish with the old seed first; opens that arrive meanwhile wait and use the new one. ` +
      'Concurrent rotations of one box run one after the other and each succeeds: each reveals the seed the one before it committed to.',
  })
  @ApiOkResponse({ type: RotationDto })
  @ApiErrors(404)
  rotate(@CurrentTenant() tenant: TenantId, @Param('id') id: string): Promise<{ revealed: SeedView; current: { seed_id: string; commit: string } }> {
    return this.lootboxes.rotateSeed(tenant, id);
  }

  @Get(':id/seeds')
  @Access('server')
  @ApiOperation({ summary: "The box's seeds, newest first: commits, and the seeds already revealed" })
  @ApiOkResponse({ type: SeedPageDto })
  @ApiErrors(400, 404)
  seeds(@CurrentTenant() tenant: TenantId, @Param('id') id: string, @Query() query: PageQueryDto): Promise<Page<SeedView>> {
    return this.lootboxes.seeds(tenant, id, query.toPageRequest('sed'));
  }
}
