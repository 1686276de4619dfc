import 'reflect-metadata';
import { configOrExit, createLogger, exitOnSignals } from '@app/common';
import { createWorkerApp } from './bootstrap.js';

async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  for (const warning of config.warnings) logger.warn(warning, 'Config');
  const app = await createWorkerApp(config, logger);
  exitOnSignals(() => app.close(), logger, config.shutdownTimeoutMs);
  logger.log('worker started', 'Main');
}

main().catch((err: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', context: 'Main', message: 'worker failed to start', error: err instanceof Error ? err.message : String(err) })}\n`);
  process.exit(1);
});
