import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TenantsService } from '@app/tenants';
import { Access } from '../auth/auth.decorators.js';
import { CreateTenantDto, TenantCreatedDto } from '../dto/tenant.dto.js';
import { ApiBodyErrors } from '../http/api-errors.decorator.js';

@ApiTags('platform')
@Access('platform')
@Controller('v1/platform')
export class PlatformController {
  constructor(private readonly tenants: TenantsService) {}

  @Post('tenants')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create a tenant and its two API keys',
    description: 'Authenticated with PLATFORM_API_KEY (404 when it is unset). The keys are shown once and stored only as SHA-256 hashes.',
  })
  @ApiCreatedResponse({ type: TenantCreatedDto })
  @ApiBodyErrors(404)
  async create(@Body() dto: CreateTenantDto): Promise<TenantCreatedDto> {
    return TenantCreatedDto.from(await this.tenants.create(dto.toInput()));
  }
}
