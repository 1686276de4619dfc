import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import { BullRegistrar } from '@nestjs/bullmq';
import type { AppConfig } from '@app/common';
import { QUEUE_NAMES, QueueTopology } from '@app/queue';
import { WorkerModule } from './worker.module.js';

/**
 * Boots the worker: refuses to start unless every queue has exactly one processor, then starts the
 * BullMQ workers. main.ts and the end-to-end tests both use it.
 */
export async function createWorkerApp(config: AppConfig, logger: LoggerService | false): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger, abortOnError: false });
  try {
    app.get(QueueTopology).assertValid(QUEUE_NAMES);
  } catch (err) {
    await app.close();
    throw err;
  }
  app.get(BullRegistrar, { strict: false }).register();
  return app;
}
