import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { QUEUES } from '@app/queue';
import { type DeliverResult, type DeliveryJob, WebhookDeliveryService } from '@app/webhooks';

/** One attempt of each delivery of the job; the service skips what is already done. */
@Processor(QUEUES.webhookDelivery)
export class WebhookDeliveryProcessor extends WorkerHost {
  constructor(private readonly deliveries: WebhookDeliveryService) {
    super();
  }

  process(job: Job<DeliveryJob>): Promise<DeliverResult> {
    return this.deliveries.deliver(job.data.deliveryIds, job.data.attempt);
  }
}
