import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { QUEUES } from '@app/queue';
import { type AttemptResult, type DeliveryJob, WebhookDeliveryService } from '@app/webhooks';

/** One attempt of one webhook delivery per job; the service skips what is already done. */
@Processor(QUEUES.webhookDelivery)
export class WebhookDeliveryProcessor extends WorkerHost {
  constructor(private readonly deliveries: WebhookDeliveryService) {
    super();
  }

  process(job: Job<DeliveryJob>): Promise<AttemptResult> {
    return this.deliveries.attempt(job.data.deliveryId, job.data.attempt);
  }
}
