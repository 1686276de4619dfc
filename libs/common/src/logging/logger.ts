import { ConsoleLogger, type LogLevel as NestLogLevel } from '@nestjs/common';
import type { LogLevel } from '../config/config.js';

const LEVELS: Record<LogLevel, NestLogLevel[]> = {
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  info: ['fatal', 'error', 'warn', 'log'],
  warn: ['fatal', 'error', 'warn'],
  error: ['fatal', 'error'],
};

/** Keys whose values never reach a log line, wherever they appear. */
export const MASKED_LOG_KEYS = ['authorization', 'api_key', 'apiKey', 'secret', 'password', 'platform_api_key', 'token', 'key_hash'];

/** One JSON object per line on stdout/stderr, with secrets masked. */
export function createLogger(level: LogLevel): ConsoleLogger {
  return new ConsoleLogger({
    json: true,
    logLevels: LEVELS[level],
    flattenParams: true,
    redact: MASKED_LOG_KEYS,
  });
}
