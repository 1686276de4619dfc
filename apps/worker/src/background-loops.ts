import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type AppConfig, InjectConfig, Loop } from '@app/common';
import { BonusTimers } from '@app/bonuses';
import { WebhookLoops } from '@app/webhooks';

/** The worker's loops that drive work from PostgreSQL; started after the queues, stopped first. */
@Injectable()
export class BackgroundLoops implements OnApplicationShutdown {
  private readonly timers: Loop;

  constructor(
    private readonly webhooks: WebhookLoops,
    bonusTimers: BonusTimers,
    @InjectConfig() config: AppConfig,
  ) {
    this.timers = new Loop('bonus timers', () => bonusTimers.tick(), config.timersPollMs, new Logger('Timers'));
  }

  start(): void {
    this.webhooks.start();
    this.timers.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.webhooks.stop(), this.timers.stop()]);
  }
}
