import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Page, TenantId } from '@app/common';
import { BonusesService, type TemplateView } from '@app/bonuses';
import { Access, CurrentTenant } from '../auth/auth.decorators.js';
import { BonusTemplateDto, BonusTemplatePageDto, CreateBonusTemplateDto } from '../dto/bonus.dto.js';
import { PageQueryDto } from '../dto/page.dto.js';
import { ApiBodyErrors, ApiErrors } from '../http/api-errors.decorator.js';

@ApiTags('bonuses')
@Controller('v1/bonus-templates')
export class BonusTemplatesController {
  constructor(private readonly bonuses: BonusesService) {}

  @Access('admin')
  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a bonus template', description: 'Each kind takes its own fields; a field another kind uses is a 400.' })
  @ApiCreatedResponse({ type: BonusTemplateDto })
  @ApiBodyErrors()
  create(@CurrentTenant() tenant: TenantId, @Body() dto: CreateBonusTemplateDto): Promise<TemplateView> {
    return this.bonuses.createTemplate(tenant, dto.toInput());
  }

  @Access('server')
  @Get()
  @ApiOperation({ summary: 'List bonus templates, newest first' })
  @ApiOkResponse({ type: BonusTemplatePageDto })
  @ApiErrors(400)
  list(@CurrentTenant() tenant: TenantId, @Query() query: PageQueryDto): Promise<Page<TemplateView>> {
    return this.bonuses.listTemplates(tenant, query.toPageRequest('btp'));
  }

  @Access('server')
  @Get(':id')
  @ApiOperation({ summary: 'Get a bonus template' })
  @ApiOkResponse({ type: BonusTemplateDto })
  @ApiErrors(404)
  get(@CurrentTenant() tenant: TenantId, @Param('id') id: string): Promise<TemplateView> {
    return this.bonuses.getTemplate(tenant, id);
  }

  @Access('admin')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Archive a template: no new grants from it; grants already made go on',
    description:
      'After archiving, direct grants (POST /v1/players/:player/bonuses and bonus rewards of POST /v1/players/:player/rewards) ' +
      'answer 422 template_archived, and a new tournament, journey, campaign or lootbox may not name it (422 invalid_reward, ' +
      'invalid_prize). Rewards configured before it was archived keep their promise: those prizes and rewards are still granted.',
  })
  @ApiNoContentResponse()
  @ApiErrors(404)
  archive(@CurrentTenant() tenant: TenantId, @Param('id') id: string): Promise<void> {
    return this.bonuses.archiveTemplate(tenant, id);
  }
}
