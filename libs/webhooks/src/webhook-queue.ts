import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { JobsOptions, Queue } from 'bullmq';
import { QUEUES } from '@app/queue';

/**
 * Attempt `attempt` of each delivery: a batch of first attempts from the relay, or a single retry.
 * Only ids: the handler reloads everything from PostgreSQL.
 */
export interface DeliveryJob {
  deliveryIds: string[];
  attempt: number;
}

/** Deterministic job ids (named after the first delivery): re-adding a job that is still there is a no-op. */
export const deliveryJobId = (deliveryId: string, attempt: number): string => `${deliveryId}-${attempt}`;

/** First attempts travel in batches of this size: one lease and one record statement per batch. */
export const DELIVERY_BATCH = 25;

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

  /** First attempts of new deliveries, in batches: one round trip. */
  async addFirstAttempts(deliveryIds: string[]): Promise<void> {
    const jobs = [];
    for (let i = 0; i < deliveryIds.length; i += DELIVERY_BATCH) {
      const batch = deliveryIds.slice(i, i + DELIVERY_BATCH);
      jobs.push({ name: 'deliver', data: { deliveryIds: batch, attempt: 1 }, opts: { ...JOB_OPTIONS, jobId: deliveryJobId(batch[0], 1) } });
    }
    if (jobs.length > 0) await this.queue.addBulk(jobs);
  }

  /** Attempt `attempt` of each delivery after its own delay: one round trip. */
  async addRetries(retries: Array<{ deliveryId: string; delayMs: number }>, attempt: number): Promise<void> {
    if (retries.length === 0) return;
    await this.queue.addBulk(
      retries.map((r) => ({
        name: 'deliver',
        data: { deliveryIds: [r.deliveryId], attempt },
        opts: { ...JOB_OPTIONS, jobId: deliveryJobId(r.deliveryId, attempt), delay: Math.max(0, r.delayMs) },
      })),
    );
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
    await this.queue.add('deliver', { deliveryIds: [deliveryId], attempt }, { ...JOB_OPTIONS, jobId, delay: delayMs });
    return true;
  }
}
