// The worker thread of IngestThread: a Nest context of its own (IngestContextModule: config, PostgreSQL,
// Redis, queues and the ingestion modules) that runs the batches the API's event loop sends it.
import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { NestFactory } from '@nestjs/core';
import { type AppConfig, createLogger } from '@app/common';
import { IngestBatch } from './ingest-batch.service.js';
import { IngestContextModule } from './ingest-context.module.js';
import { type FromThread, sendError, sendOutcome, type ToThread } from './ingest-thread.js';

const port = parentPort!;
const { config } = workerData as { config: AppConfig };
const context = await NestFactory.createApplicationContext(IngestContextModule.forRoot(config), { logger: createLogger(config.logLevel) });
const batch = context.get(IngestBatch, { strict: false });

port.on('message', (m: ToThread) => {
  if (m.type === 'close') {
    void context.close().finally(() => port.close());
    return;
  }
  batch.run(m.tenantId, m.items).then(
    (outcomes) =>
      port.postMessage({
        type: 'done',
        id: m.id,
        outcomes: outcomes.map((o) => (o.ok ? sendOutcome(o.value) : { ok: false, error: sendError(o.error) })),
      } satisfies FromThread),
    (err: unknown) => port.postMessage({ type: 'failed', id: m.id, error: sendError(err) } satisfies FromThread),
  );
});
port.postMessage({ type: 'ready' } satisfies FromThread);
