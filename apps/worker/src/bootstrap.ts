import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import { BullRegistrar } from '@nestjs/bullmq';
import type { WorkerOptions } from 'bullmq';
import type { AppConfig } from '@app/common';
import { QUEUE_NAMES, QUEUES, QueueTopology } from '@app/queue';
import { BackgroundLoops } from './background-loops.js';
import { WorkerModule } from './worker.module.js';

function workerOptions(config: AppConfig, queue: string): Partial<WorkerOptions> {
  return {
    // A crashed worker's active jobs go back to the queue once their lock lapses.
    lockDuration: config.queueLockMs,
    stalledInterval: config.queueLockMs,
    // a campaign execution runs CAMPAIGN_LANES transactions at once: two executions per worker keep
    // within the connection pool
    concurrency: queue === QUEUES.webhookDelivery ? config.webhook.concurrency : queue === QUEUES.campaignExecution ? 2 : 10,
  };
}

/**
 * Boots the worker: refuses to start unless every queue has exactly one processor, then starts the
 * BullMQ workers and the loops that re-drive work from PostgreSQL.
 */
export async function createWorkerApp(config: AppConfig, logger: LoggerService | false): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger, abortOnError: false });
  try {
    const topology = app.get(QueueTopology);
    topology.assertValid(QUEUE_NAMES);
    topology.configureWorkers((queue) => workerOptions(config, queue));
  } catch (err) {
    await app.close();
    throw err;
  }
  app.get(BullRegistrar, { strict: false }).register();
  app.get(BackgroundLoops).start();
  return app;
}
