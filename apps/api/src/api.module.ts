import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { type AppConfig, ConfigModule } from '@app/common';
import { DbModule } from '@app/db';
import { PlayersModule } from '@app/players';
import { QueueModule } from '@app/queue';
import { RedisModule } from '@app/redis';
import { TenantsModule } from '@app/tenants';
import { WebhooksModule } from '@app/webhooks';
import { AuthGuard } from './auth/auth.guard.js';
import { HealthController } from './controllers/health.controller.js';
import { PlatformController } from './controllers/platform.controller.js';
import { PlayersController } from './controllers/players.controller.js';
import { WebhooksController } from './controllers/webhooks.controller.js';
import { ReadinessService } from './health/readiness.service.js';
import { AllExceptionsFilter } from './http/exception.filter.js';
import { ReplayInterceptor } from './http/replay.interceptor.js';
import { RequestValidationPipe } from './http/validation.pipe.js';

/** The HTTP app: the domain modules plus controllers, auth, validation and the error shape. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [ConfigModule.forRoot(config), DbModule, RedisModule, QueueModule.forRoot(config), TenantsModule, PlayersModule, WebhooksModule],
      controllers: [HealthController, PlatformController, PlayersController, WebhooksController],
      providers: [
        ReadinessService,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_INTERCEPTOR, useClass: ReplayInterceptor },
        { provide: APP_PIPE, useClass: RequestValidationPipe },
      ],
    };
  }
}
