import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { WebhookLoops } from '@app/webhooks';

/** The worker's loops that re-drive work from PostgreSQL; started after the queues, stopped first. */
@Injectable()
export class BackgroundLoops implements OnApplicationShutdown {
  constructor(private readonly webhooks: WebhookLoops) {}

  start(): void {
    this.webhooks.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.webhooks.stop();
  }
}
