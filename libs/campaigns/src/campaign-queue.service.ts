import { Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { QUEUES } from '@app/queue';
import { CAMPAIGN_JOB, type CampaignJob, schedulerId } from './campaign.types.js';

const JOB_OPTIONS = {
  removeOnComplete: true,
  // a failed job is removed too: the worker's sweep queues an unfinished execution again from PostgreSQL
  removeOnFail: true,
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
} as const;

/**
 * The campaign queue: executions (job id = the execution's own id, so queuing twice is one job) and
 * the campaigns' cron schedules (BullMQ job schedulers, one per campaign, UTC).
 */
@Injectable()
export class CampaignQueue {
  private readonly logger = new Logger('Campaigns');

  constructor(@InjectQueue(QUEUES.campaignExecution) private readonly queue: Queue<CampaignJob>) {}

  async enqueue(executionDbId: string): Promise<void> {
    await this.queue.add(CAMPAIGN_JOB.execute, { executionId: executionDbId }, { ...JOB_OPTIONS, jobId: executionDbId });
  }

  /** Queues an execution after its transaction committed; if Redis is down the worker's sweep queues it later. */
  async enqueueQuietly(executionDbId: string): Promise<void> {
    await this.enqueue(executionDbId).catch((err: unknown) =>
      this.logger.warn('could not queue a campaign execution; the worker will pick it up', { execution: executionDbId, error: String(err) }),
    );
  }

  async schedule(tenantId: string, campaignId: string, cron: string): Promise<void> {
    await this.queue.upsertJobScheduler(
      schedulerId(campaignId),
      { pattern: cron, tz: 'UTC' },
      { name: CAMPAIGN_JOB.scheduled, data: { tenantId, campaignId }, opts: { removeOnComplete: true, removeOnFail: true, attempts: 5, backoff: { type: 'exponential', delay: 1_000 } } },
    );
  }

  async unschedule(campaignId: string): Promise<void> {
    await this.queue.removeJobScheduler(schedulerId(campaignId));
  }

  /** The schedulers BullMQ holds: id → pattern. */
  async schedulers(): Promise<Map<string, string | undefined>> {
    const list = await this.queue.getJobSchedulers(0, -1, true);
    return new Map(list.map((s) => [s.key, s.pattern ?? undefined]));
  }
}

/**
 * The slot a scheduler's job was made for. BullMQ names a scheduler's jobs `repeat:<scheduler>:<millis>`
 * (any job id ending in `:` or `-` and epoch millis counts the same); failing that, the time it was
 * due (created + delay), to the second.
 */
export function scheduledSlot(job: Pick<Job, 'id' | 'timestamp' | 'delay'>): Date {
  const m = /[:-](\d{13})$/.exec(job.id ?? '');
  if (m) return new Date(Number(m[1]));
  return new Date(Math.round((job.timestamp + (job.delay ?? 0)) / 1000) * 1000);
}
