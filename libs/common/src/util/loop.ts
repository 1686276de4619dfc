import type { LoggerService } from '@nestjs/common';

/**
 * A background loop: runs `tick` again at once while it reports more work, otherwise after `idleMs`;
 * an error is logged and retried after `errorMs`. stop() wakes it and waits for the current tick.
 */
export class Loop {
  private running = false;
  private done: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly name: string,
    private readonly tick: () => Promise<boolean>,
    private readonly idleMs: number,
    private readonly logger: LoggerService,
    private readonly errorMs = 1_000,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.done;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let wait = this.idleMs;
      try {
        if (await this.tick()) wait = 0;
      } catch (err) {
        this.logger.error(`${this.name} failed; retrying`, { error: err instanceof Error ? err.message : String(err) }, 'Loop');
        wait = this.errorMs;
      }
      if (wait > 0 && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }
}
