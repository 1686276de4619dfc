import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReadinessService } from '../health/readiness.service.js';
import { Access } from '../auth/auth.decorators.js';
import { ApiErrors } from '../http/api-errors.decorator.js';

@ApiTags('operations')
@Access('public')
@Controller()
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('health')
  @ApiOperation({ summary: 'The process is alive' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  @ApiErrors()
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'PostgreSQL and Redis are reachable (503 otherwise)' })
  @ApiOkResponse({ schema: { example: { status: 'ready', checks: { database: 'up', redis: 'up' } } } })
  @ApiErrors(503)
  ready(): Promise<{ status: 'ready'; checks: Record<string, 'up'> }> {
    return this.readiness.check();
  }
}
