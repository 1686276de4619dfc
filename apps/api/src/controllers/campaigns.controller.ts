import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page, Replayable, TenantId } from '@app/common';
import { type CampaignView, CampaignsService, type ExecutionView } from '@app/campaigns';
import { Access, CurrentTenant } from '../auth/auth.decorators.js';
import { CampaignDto, CampaignPageDto, CreateCampaignDto, ExecuteCampaignDto, ExecutionDto, ExecutionPageDto, UpdateCampaignDto } from '../dto/campaign.dto.js';
import { PageQueryDto } from '../dto/page.dto.js';
import { ApiBodyErrors, ApiErrors } from '../http/api-errors.decorator.js';

@ApiTags('campaigns')
@Controller('v1/campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Access('admin')
  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a campaign', description: '422 invalid_segment / invalid_reward when segment_id or the reward names an unknown object.' })
  @ApiCreatedResponse({ type: CampaignDto })
  @ApiBodyErrors(422)
  create(@CurrentTenant() tenant: TenantId, @Body() dto: CreateCampaignDto): Promise<CampaignView> {
    return this.campaigns.create(tenant, dto.toInput());
  }

  @Access('server')
  @Get()
  @ApiOperation({ summary: 'List campaigns, newest first' })
  @ApiOkResponse({ type: CampaignPageDto })
  @ApiErrors(400)
  list(@CurrentTenant() tenant: TenantId, @Query() query: PageQueryDto): Promise<Page<CampaignView>> {
    return this.campaigns.list(tenant, query.toPageRequest('cmp'));
  }

  @Access('server')
  @Get(':id')
  @ApiOperation({ summary: 'Get a campaign' })
  @ApiOkResponse({ type: CampaignDto })
  @ApiErrors(404)
  get(@CurrentTenant() tenant: TenantId, @Param('id') id: string): Promise<CampaignView> {
    return this.campaigns.get(tenant, id);
  }

  @Access('admin')
  @Patch(':id')
  @ApiOperation({ summary: 'Change a campaign', description: 'Executions already asked for keep the reward and rule they were asked with.' })
  @ApiOkResponse({ type: CampaignDto })
  @ApiBodyErrors(404, 422)
  update(@CurrentTenant() tenant: TenantId, @Param('id') id: string, @Body() dto: UpdateCampaignDto): Promise<CampaignView> {
    return this.campaigns.update(tenant, id, dto.toPatch());
  }

  @Access('admin')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a campaign that never ran', description: '409 campaign_has_executions otherwise: deactivate it with PATCH active=false.' })
  @ApiNoContentResponse()
  @ApiErrors(404, 409)
  async delete(@CurrentTenant() tenant: TenantId, @Param('id') id: string): Promise<void> {
    await this.campaigns.delete(tenant, id);
  }

  @Access('admin')
  @Post(':id/executions')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Run the campaign once for this execution_id',
    description:
      '202 and the queued execution. The worker snapshots the segment (its rule as of this call, now() at the ' +
      'snapshot), then grants the reward to every member once — also across crashes and restarts — skipping excluded ' +
      'players, emitting the reward\'s event per grant and campaign.execution_completed at the end. The same ' +
      'execution_id again is a replay: 200, `Idempotent-Replayed: true` and the first answer (queued); GET the ' +
      'execution for its progress. 409 campaign_inactive for an inactive campaign.',
  })
  @ApiAcceptedResponse({ type: ExecutionDto })
  @ApiOkResponse({ type: ExecutionDto, description: 'replay', headers: { 'Idempotent-Replayed': { schema: { type: 'string', example: 'true' } } } })
  @ApiBodyErrors(404, 409)
  execute(@CurrentTenant() tenant: TenantId, @Param('id') id: string, @Body() dto: ExecuteCampaignDto): Promise<Replayable<ExecutionView>> {
    return this.campaigns.execute(tenant, id, dto.execution_id);
  }

  @Access('server')
  @Get(':id/executions')
  @ApiOperation({ summary: 'List a campaign\'s executions, newest first' })
  @ApiOkResponse({ type: ExecutionPageDto })
  @ApiErrors(400, 404)
  executions(@CurrentTenant() tenant: TenantId, @Param('id') id: string, @Query() query: PageQueryDto): Promise<Page<ExecutionView>> {
    return this.campaigns.executions(tenant, id, query.toPageRequest('exe'));
  }

  @Access('server')
  @Get(':id/executions/:execution_id')
  @ApiOperation({ summary: 'An execution and its counters (they move while it runs)' })
  @ApiOkResponse({ type: ExecutionDto })
  @ApiErrors(404)
  execution(@CurrentTenant() tenant: TenantId, @Param('id') id: string, @Param('execution_id') executionId: string): Promise<ExecutionView> {
    return this.campaigns.execution(tenant, id, executionId);
  }
}
