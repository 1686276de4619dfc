import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { LoggerService } from '@nestjs/common';
import { type AppConfig, createLogger } from '@app/common';
import { ApiModule } from './api.module.js';
import { registerBodyParsers } from './http/body-parsers.js';
import { MAX_REF_LENGTH } from './dto/validators.js';
import { answerClientError, answerFrameworkError, registerHttpHooks, requestIdOf } from './http/http-hooks.js';
import { setupOpenApi } from './http/openapi.js';

export interface ApiAppOptions {
  logger?: LoggerService | false;
}

/** Builds the API application (not yet listening). main.ts and the end-to-end tests both use it. */
export async function createApiApp(config: AppConfig, options: ApiAppOptions = {}): Promise<NestFastifyApplication> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => requestIdOf(req),
    requestIdHeader: false,
    logger: false,
    trustProxy: true,
    // the 503 of a request arriving during shutdown is answered by our hook, in the one error shape
    return503OnClosing: false,
    clientErrorHandler: answerClientError,
    // Fastify's default of 100 would refuse a valid external_ref of 101 to 128 characters as `:player`.
    // The router measures the decoded parameter, as the DTOs measure a string.
    routerOptions: { maxParamLength: MAX_REF_LENGTH },
    frameworkErrors: answerFrameworkError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config), adapter, {
    bodyParser: false,
    logger,
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  registerBodyParsers(fastify);
  registerHttpHooks(fastify, logger === false ? { log: () => undefined, error: () => undefined, warn: () => undefined } : logger, config.bodyLimitBytes);
  setupOpenApi(app);
  await app.init();
  return app;
}
