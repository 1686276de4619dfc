import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { trustedTenantId } from '@app/common';
import { CAMPAIGN_JOB, CampaignExecutor, type CampaignJob, scheduledSlot } from '@app/campaigns';
import { QUEUES } from '@app/queue';

/** Runs campaign executions, and creates the execution of each scheduled slot; the executor skips what is done. */
@Processor(QUEUES.campaignExecution)
export class CampaignExecutionProcessor extends WorkerHost {
  constructor(private readonly executor: CampaignExecutor) {
    super();
  }

  async process(job: Job<CampaignJob>): Promise<void> {
    if (job.name === CAMPAIGN_JOB.scheduled && 'campaignId' in job.data) {
      await this.executor.runScheduled(trustedTenantId(job.data.tenantId), job.data.campaignId, scheduledSlot(job));
    } else if ('executionId' in job.data) {
      await this.executor.run(job.data.executionId);
    }
  }
}
