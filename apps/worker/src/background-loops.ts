import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type AppConfig, InjectConfig, Loop } from '@app/common';
import { BonusTimers } from '@app/bonuses';
import { CampaignExecutor, CampaignSchedules } from '@app/campaigns';
import { TournamentFinalizer } from '@app/tournaments';
import { WebhookLoops } from '@app/webhooks';

/** The worker's loops that drive work from PostgreSQL; started after the queues, stopped first. */
@Injectable()
export class BackgroundLoops implements OnApplicationShutdown {
  private readonly timers: Loop;
  private readonly finalizer: Loop;
  private readonly campaigns: Loop;

  constructor(
    private readonly webhooks: WebhookLoops,
    bonusTimers: BonusTimers,
    tournaments: TournamentFinalizer,
    executor: CampaignExecutor,
    schedules: CampaignSchedules,
    @InjectConfig() config: AppConfig,
  ) {
    this.timers = new Loop('bonus timers', () => bonusTimers.tick(), config.timersPollMs, new Logger('Timers'));
    this.finalizer = new Loop('tournament finalizer', () => tournaments.tick(), config.timersPollMs, new Logger('Tournaments'));
    // Unfinished executions nobody touched for two queue-lock periods go back on the queue (a live run
    // beats its heartbeat every chunk; a crashed worker's job comes back by BullMQ's stall check first).
    // The schedulers are repaired from PostgreSQL about once a minute.
    let sweeps = 0;
    this.campaigns = new Loop(
      'campaign sweeper',
      async () => {
        if (sweeps++ % Math.max(1, Math.round(60_000 / config.timersPollMs)) === 0) await schedules.reconcile();
        await executor.requeueStale(2 * config.queueLockMs);
        return false;
      },
      config.timersPollMs,
      new Logger('Campaigns'),
    );
  }

  start(): void {
    this.webhooks.start();
    this.timers.start();
    this.finalizer.start();
    this.campaigns.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.webhooks.stop(), this.timers.stop(), this.finalizer.stop(), this.campaigns.stop()]);
  }
}
