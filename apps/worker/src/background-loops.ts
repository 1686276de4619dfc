import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type AppConfig, InjectConfig, Loop } from '@app/common';
import { BonusTimers } from '@app/bonuses';
import { TournamentFinalizer } from '@app/tournaments';
import { WebhookLoops } from '@app/webhooks';

/** The worker's loops that drive work from PostgreSQL; started after the queues, stopped first. */
@Injectable()
export class BackgroundLoops implements OnApplicationShutdown {
  private readonly timers: Loop;
  private readonly finalizer: Loop;

  constructor(
    private readonly webhooks: WebhookLoops,
    bonusTimers: BonusTimers,
    tournaments: TournamentFinalizer,
    @InjectConfig() config: AppConfig,
  ) {
    this.timers = new Loop('bonus timers', () => bonusTimers.tick(), config.timersPollMs, new Logger('Timers'));
    this.finalizer = new Loop('tournament finalizer', () => tournaments.tick(), config.timersPollMs, new Logger('Tournaments'));
  }

  start(): void {
    this.webhooks.start();
    this.timers.start();
    this.finalizer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.webhooks.stop(), this.timers.stop(), this.finalizer.stop()]);
  }
}
