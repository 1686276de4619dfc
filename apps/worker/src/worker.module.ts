import { type DynamicModule, Module } from '@nestjs/common';
import { type AppConfig, ConfigModule } from '@app/common';
import { DbModule } from '@app/db';
import { QueueModule } from '@app/queue';
import { RedisModule } from '@app/redis';

/** The worker: the same config and domain modules as the API, plus the queue processors. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), DbModule, RedisModule, QueueModule.forRoot(config)],
    };
  }
}
