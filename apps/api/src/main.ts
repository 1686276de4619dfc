import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { configOrExit, createLogger } from '@app/common';

import { createApiApp } from './bootstrap.js';

async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  const app: NestFastifyApplication = await createApiApp(config, { logger });
  // SIGTERM: enableShutdownHooks closes the server (in-flight requests finish) and the pools; this is
  // the backstop if that takes too long.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log('shutting down', { signal }, 'Main');
      setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
    });
  }
  await app.listen({ port: config.port, host: config.host });
  const address = app.getHttpServer().address();
  const port = address && typeof address === 'object' ? address.port : config.port;
  logger.log('api listening', { host: config.host, port }, 'Main');
}

main().catch((err: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', context: 'Main', message: 'api failed to start', error: String(err) })}\n`);
  process.exit(1);
});
