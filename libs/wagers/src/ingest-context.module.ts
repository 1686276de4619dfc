import { type DynamicModule, Module } from '@nestjs/common';
import { type AppConfig, ConfigModule } from '@app/common';
import { DbModule } from '@app/db';
import { QueueModule } from '@app/queue';
import { RedisModule } from '@app/redis';
import { WagersModule } from './wagers.module.js';

/**
 * The ingestion pipeline on its own, without HTTP: config, PostgreSQL, Redis, queues and the ingestion
 * modules. The ingestion thread runs in it (ingest-thread.main.ts); so does the test driver that kills
 * that thread (test/support/ingest-thread-driver.mjs).
 */
@Module({})
export class IngestContextModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: IngestContextModule, imports: [ConfigModule.forRoot(config), DbModule, RedisModule, QueueModule.forRoot(config), WagersModule] };
  }
}
