import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { JobsOptions, Queue } from 'bullmq';
import { QUEUES } from '@app/queue';

export interface DeliveryJob {
  deliveryId: string;
  attempt: number;
}

/** One job per attempt, with a deterministic id: re-adding a job that is still there is a no-op. */
export const deliveryJobId = (deliveryId: string, attempt: number): string => `${deliveryId}-${attempt}`;

const JOB_OPTIONS: JobsOptions = {
  // Retries here are for infrastructure errors (the database away); HTTP failures are retried by the
  // delivery's own schedule, one job per attempt.
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: true,
  // Failed jobs stay: they are the evidence. Re-enqueueing one retries it.
  removeOnFail: false,
};

@Injectable()
export class WebhookQueue {
  constructor(@InjectQueue(QUEUES.webhookDelivery) private readonly queue: Queue<DeliveryJob>) {}

  /** Jobs for attempts that have never been queued (new deliveries): one round trip. */
  async addNew(jobs: DeliveryJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue.addBulk(jobs.map((data) => ({ name: 'deliver', data, opts: { ...JOB_OPTIONS, jobId: deliveryJobId(data.deliveryId, data.attempt) } })));
  }

  /**
   * Makes sure attempt `attempt` will run (after `delayMs`), whatever became of an earlier job with
   * its id: a failed one is retried, a delayed one is brought forward when it is due now. True when
   * it had to do something.
   */
  async ensure(deliveryId: string, attempt: number, delayMs = 0): Promise<boolean> {
    const jobId = deliveryJobId(deliveryId, attempt);
    const existing = await this.queue.getJob(jobId);
    if (existing) {
      const state = await existing.getState();
      if (state === 'failed') {
        await existing.retry();
        return true;
      }
      if (state === 'delayed' && delayMs === 0) {
        await existing.promote();
        return true;
      }
      if (state !== 'completed') return false; // waiting, active, or delayed as wanted: it will run
      await existing.remove();
    }
    await this.queue.add('deliver', { deliveryId, attempt }, { ...JOB_OPTIONS, jobId, delay: delayMs });
    return true;
  }
}
