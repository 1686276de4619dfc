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

/**
 * stdout lines gathered over one turn of the event loop and written together. Writes to a pipe or a
 * file are synchronous in Node on Linux: one write per access-log line cost the API a syscall per
 * request (about 5% of its CPU under bench:ingest). A line waits at most until the next setImmediate,
 * and the process flushes what is left when it exits. stderr (warnings and errors) is not delayed.
 */
class StdoutLines {
  private lines: string[] = [];
  private scheduled = false;

  constructor() {
    process.once('exit', () => this.flush());
  }

  write(line: string): void {
    this.lines.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.lines.length === 0) return;
    const chunk = this.lines.join('');
    this.lines = [];
    process.stdout.write(chunk);
  }
}

let stdoutLines: StdoutLines | undefined;

/**
 * Whether a log object is only short strings, finite numbers, booleans and nulls (the access log's
 * line, most lines): then plain JSON.stringify writes what Nest's guarded serializer would (its
 * replacer leaves such values as they are; its length limit is far off) at a fraction of the cost.
 */
function isFlat(o: Record<string, unknown>): boolean {
  let n = 0;
  for (const k in o) {
    const v = o[k];
    if (++n > 64) return false;
    if (v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) continue;
    if (typeof v === 'string' && v.length <= 4096) continue;
    return false;
  }
  return true;
}

/** One JSON object per line on stdout/stderr, with secrets masked (before this: Nest's `redact`). */
class JsonLinesLogger extends ConsoleLogger {
  protected override printAsJson(message: unknown, options: Parameters<ConsoleLogger['printAsJson']>[1]): void {
    const record = this.getJsonLogObject(message, options);
    const line = `${isFlat(record) ? JSON.stringify(record) : this.stringifyJsonLogObject(record)}\n`;
    if (options.writeStreamType === 'stderr') process.stderr.write(line);
    else (stdoutLines ??= new StdoutLines()).write(line);
  }
}

export function createLogger(level: LogLevel): ConsoleLogger {
  return new JsonLinesLogger({
    json: true,
    logLevels: LEVELS[level],
    flattenParams: true,
    redact: MASKED_LOG_KEYS,
  });
}
