import 'reflect-metadata';
import { configOrExit, createLogger, exitOnSignals } from '@app/common';
import { createApiApp } from './bootstrap.js';

async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  for (const warning of config.warnings) logger.warn(warning, 'Config');
  const app = await createApiApp(config, { logger });
  exitOnSignals(() => app.close(), logger, config.shutdownTimeoutMs);
  await app.listen({ port: config.port, host: config.host });
  const address = app.getHttpServer().address();
  const port = address && typeof address === 'object' ? address.port : config.port;
  logger.log('api listening', { host: config.host, port }, 'Main');
}

main().catch((err: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', context: 'Main', message: 'api failed to start', error: err instanceof Error ? err.message : String(err) })}\n`);
  process.exit(1);
});
