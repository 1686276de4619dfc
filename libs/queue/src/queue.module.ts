import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { BullModule } from '@nestjs/bullmq';
import type { RedisOptions as BullRedisOptions } from 'bullmq';
import type { AppConfig } from '@app/common';
import { redisOptionsFromUrl } from '@app/redis';
import { QUEUE_NAMES } from './queues.js';
import { QueueTopology } from './queue-topology.js';

/**
 * BullMQ on REDIS_URL under QUEUE_PREFIX, with every queue registered (the API only produces). Workers
 * are registered by hand (`manualRegistration`) so the worker can check its topology first.
 */
/** ioredis options for BullMQ (its blocking connections need maxRetriesPerRequest: null). */
export function bullConnection(redisUrl: string): BullRedisOptions {
  return { ...redisOptionsFromUrl(redisUrl), maxRetriesPerRequest: null } as BullRedisOptions;
}

@Module({})
export class QueueModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: QueueModule,
      global: true,
      imports: [
        DiscoveryModule,
        BullModule.forRoot({
          connection: bullConnection(config.redisUrl),
          prefix: config.queuePrefix,
          extraOptions: { manualRegistration: true },
        }),
        BullModule.registerQueue(...QUEUE_NAMES.map((name) => ({ name }))),
      ],
      providers: [QueueTopology],
      exports: [BullModule, QueueTopology],
    };
  }
}
