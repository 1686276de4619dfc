import 'reflect-metadata';
import { configOrExit, createLogger } from '@app/common';

import { createWorkerApp } from './bootstrap.js';

async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  await createWorkerApp(config, logger);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log('shutting down: finishing active jobs', { signal }, 'Main');
      setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
    });
  }
  logger.log('worker started', 'Main');
}

main().catch((err: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', context: 'Main', message: 'worker failed to start', error: err instanceof Error ? err.message : String(err) })}\n`);
  process.exit(1);
});
