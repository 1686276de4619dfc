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

/** How often at most the sweeper re-drives one attempt whose job a dead worker still holds. */
const REDRIVE_WINDOW_MS = 30_000;

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
   * The manual retry's: makes sure attempt `attempt` will run now, whatever became of an earlier job
   * with its id: a failed one is retried, a delayed one brought forward, a finished one added again.
   * An active one is left alone: it is sending that attempt, or its worker died and the sweeper will
   * see the lease run out. True when it had to do something.
   */
  ensure(deliveryId: string, attempt: number): Promise<boolean> {
    return this.drive(deliveryId, attempt, false);
  }

  /**
   * The sweeper's, for a delivery that is due with no live lease: as ensure(), and an active job is a
   * dead worker's, since a live one renews the leases of what it holds. BullMQ would hand that job on
   * only once its lock lapses (QUEUE_LOCK_MS); a second job, under another id, takes the delivery now,
   * and its lease in PostgreSQL keeps the two from both sending.
   */
  redrive(deliveryId: string, attempt: number): Promise<boolean> {
    return this.drive(deliveryId, attempt, true);
  }

  private async drive(deliveryId: string, attempt: number, activeIsOrphaned: boolean): Promise<boolean> {
    const jobId = deliveryJobId(deliveryId, attempt);
    const data = { deliveryIds: [deliveryId], attempt };
    const existing = await this.queue.getJob(jobId);
    if (existing) {
      const state = await existing.getState();
      if (state === 'failed') {
        await existing.retry();
        return true;
      }
      if (state === 'delayed') {
        await existing.promote();
        return true;
      }
      if (state === 'active' && activeIsOrphaned) {
        // One id per window: the sweeper comes back every few seconds, and the first re-drive may still
        // be waiting for a free worker; if that one died too, the next window brings another.
        await this.queue.add('deliver', data, { ...JOB_OPTIONS, jobId: `${jobId}-r${Math.floor(Date.now() / REDRIVE_WINDOW_MS)}` });
        return true;
      }
      if (state !== 'completed') return false; // waiting, or active: it will run
      await existing.remove();
    }
    await this.queue.add('deliver', data, { ...JOB_OPTIONS, jobId });
    return true;
  }
}
