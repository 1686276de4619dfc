import type { LoggerService } from '@nestjs/common';

/**
 * SIGTERM/SIGINT: stop taking work, let what is in flight finish (app.close() closes the HTTP server
 * or the BullMQ workers, then the pools), and exit 0; exit 1 if that takes longer than the timeout.
 */
export function exitOnSignals(close: () => Promise<void>, logger: LoggerService, timeoutMs: number): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    logger.log('shutting down', { signal }, 'Main');
    setTimeout(() => {
      logger.error('shutdown timed out', { timeout_ms: timeoutMs }, 'Main');
      process.exit(1);
    }, timeoutMs).unref();
    close().then(
      () => {
        logger.log('shut down', 'Main');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error('shutdown failed', { error: String(err) }, 'Main');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
