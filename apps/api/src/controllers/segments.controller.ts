import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page, TenantId } from '@app/common';
import type { PlayerView } from '@app/players';
import { PREVIEW_SAMPLE_DEFAULT, type SegmentView, SegmentsService } from '@app/segments';
import { Access, CurrentTenant } from '../auth/auth.decorators.js';
import { PageQueryDto } from '../dto/page.dto.js';
import { CreateSegmentDto, PreviewQueryDto, SegmentDto, SegmentPageDto, SegmentPreviewDto, UpdateSegmentDto } from '../dto/segment.dto.js';
import { ApiBodyErrors, ApiErrors } from '../http/api-errors.decorator.js';

@ApiTags('segments')
@Controller('v1/segments')
export class SegmentsController {
  constructor(private readonly segments: SegmentsService) {}

  @Access('admin')
  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a segment', description: 'The rule is parsed now (400 with the position when it does not parse) and evaluated by the database, with parameters, whenever it is used.' })
  @ApiCreatedResponse({ type: SegmentDto })
  @ApiBodyErrors()
  create(@CurrentTenant() tenant: TenantId, @Body() dto: CreateSegmentDto): Promise<SegmentView> {
    return this.segments.create(tenant, dto.toInput());
  }

  @Access('server')
  @Get()
  @ApiOperation({ summary: 'List segments, newest first' })
  @ApiOkResponse({ type: SegmentPageDto })
  @ApiErrors(400)
  list(@CurrentTenant() tenant: TenantId, @Query() query: PageQueryDto): Promise<Page<SegmentView>> {
    return this.segments.list(tenant, query.toPageRequest('seg'));
  }

  @Access('server')
  @Get(':id')
  @ApiOperation({ summary: 'Get a segment' })
  @ApiOkResponse({ type: SegmentDto })
  @ApiErrors(404)
  get(@CurrentTenant() tenant: TenantId, @Param('id') id: string): Promise<SegmentView> {
    return this.segments.get(tenant, id);
  }

  @Access('admin')
  @Patch(':id')
  @ApiOperation({ summary: 'Rename a segment or change its rule', description: 'Executions already asked for keep the rule they were asked with.' })
  @ApiOkResponse({ type: SegmentDto })
  @ApiBodyErrors(404)
  update(@CurrentTenant() tenant: TenantId, @Param('id') id: string, @Body() dto: UpdateSegmentDto): Promise<SegmentView> {
    return this.segments.update(tenant, id, dto.toPatch());
  }

  @Access('admin')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a segment', description: '409 segment_in_use while a campaign names it.' })
  @ApiNoContentResponse()
  @ApiErrors(404, 409)
  async delete(@CurrentTenant() tenant: TenantId, @Param('id') id: string): Promise<void> {
    await this.segments.delete(tenant, id);
  }

  @Access('server')
  @Get(':id/preview')
  @ApiOperation({ summary: 'How many players match now, and a sample', description: 'The sample is the first matching players by id.' })
  @ApiOkResponse({ type: SegmentPreviewDto })
  @ApiErrors(400, 404)
  preview(@CurrentTenant() tenant: TenantId, @Param('id') id: string, @Query() query: PreviewQueryDto): Promise<{ count: number; sample: PlayerView[] }> {
    return this.segments.preview(tenant, id, query.limit ?? PREVIEW_SAMPLE_DEFAULT);
  }
}
