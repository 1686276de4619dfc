import { Injectable, Logger } from '@nestjs/common';
import { AppError, newId, type Page, type PageRequest, Replayable, type TenantId, toPage } from '@app/common';
import { RewardReferences } from '@app/lootbox';
import { hasErrorCode } from '@app/db';
import type { Reward } from '@app/rewards';
import { SegmentsService } from '@app/segments';
import { type Campaign, type CampaignView, type ExecutionView, firstAnswer, toCampaignView, toExecutionView } from './campaign.types.js';
import { CampaignQueue } from './campaign-queue.service.js';
import { type CampaignPatch, CampaignsRepository } from './campaigns.repository.js';
import { cronProblem } from './cron.js';

export interface CreateCampaignInput {
  name: string;
  segmentId: string;
  reward: Reward;
  schedule?: string;
}

@Injectable()
export class CampaignsService {
  private readonly logger = new Logger('Campaigns');

  constructor(
    private readonly repo: CampaignsRepository,
    private readonly segments: SegmentsService,
    private readonly references: RewardReferences,
    private readonly queue: CampaignQueue,
  ) {}

  async create(tenantId: TenantId, input: CreateCampaignInput): Promise<CampaignView> {
    checkSchedule(input.schedule);
    await this.checkSegment(tenantId, input.segmentId);
    await this.references.requireKnown(tenantId, input.reward);
    const at = new Date();
    const campaign = await this.repo.create(tenantId, {
      id: newId('cmp'),
      name: input.name,
      segmentId: input.segmentId,
      reward: input.reward,
      schedule: input.schedule ?? null,
      active: true,
      createdAt: at,
      updatedAt: at,
    });
    await this.syncSchedule(tenantId, campaign);
    return toCampaignView(campaign);
  }

  async list(tenantId: TenantId, page: PageRequest): Promise<Page<CampaignView>> {
    return toPage(await this.repo.list(tenantId, page), page.limit, (c) => c.id, toCampaignView);
  }

  async get(tenantId: TenantId, id: string): Promise<CampaignView> {
    return toCampaignView(await this.require(tenantId, id));
  }

  async update(tenantId: TenantId, id: string, patch: CampaignPatch): Promise<CampaignView> {
    await this.require(tenantId, id);
    if (patch.schedule !== undefined && patch.schedule !== null) checkSchedule(patch.schedule);
    if (patch.segmentId !== undefined) await this.checkSegment(tenantId, patch.segmentId);
    if (patch.reward !== undefined) await this.references.requireKnown(tenantId, patch.reward);
    const campaign = await this.repo.update(tenantId, id, patch, new Date());
    if (!campaign) throw AppError.notFound('campaign'); // deleted meanwhile
    await this.syncSchedule(tenantId, campaign);
    return toCampaignView(campaign);
  }

  /** Deletes a campaign that never ran; one with executions is kept for its history (deactivate it instead). */
  async delete(tenantId: TenantId, id: string): Promise<void> {
    await this.require(tenantId, id);
    const deleted = await this.repo.deleteNeverRun(tenantId, id).catch((err: unknown) => {
      // an execution inserted meanwhile: the foreign key keeps the campaign
      if (isForeignKeyViolation(err)) return false;
      throw err;
    });
    if (!deleted) {
      throw AppError.conflict('the campaign has executions and is kept with them: deactivate it (PATCH active=false) instead', 'campaign_has_executions');
    }
    await this.queue.unschedule(id).catch((err: unknown) =>
      this.logger.warn('could not remove the campaign schedule; the worker will repair it', { campaign: id, error: String(err) }),
    );
  }

  /**
   * POST /v1/campaigns/:id/executions: records the execution once per execution id (the segment's rule
   * and the reward as they are now) and queues it. The same id again is a replay: the first answer
   * (queued), whatever has happened since; it never runs twice.
   */
  async execute(tenantId: TenantId, campaignId: string, executionId: string): Promise<Replayable<ExecutionView>> {
    const campaign = await this.require(tenantId, campaignId);
    const existing = await this.repo.findExecution(tenantId, campaignId, executionId);
    if (existing) return Replayable.replay(firstAnswer(existing));
    if (!campaign.active) throw AppError.conflict('the campaign is not active', 'campaign_inactive');
    const segment = await this.segments.require(tenantId, campaign.segmentId);
    const { execution, created } = await this.repo.insertExecution(tenantId, { campaignId, executionId, rule: segment.rule, reward: campaign.reward, scheduledFor: null }).catch((err: unknown) => {
      // the campaign was deleted meanwhile
      if (isForeignKeyViolation(err)) throw AppError.notFound('campaign');
      throw err;
    });
    if (!created) return Replayable.replay(firstAnswer(execution));
    await this.queue.enqueueQuietly(execution.id);
    return Replayable.first(firstAnswer(execution));
  }

  async execution(tenantId: TenantId, campaignId: string, executionId: string): Promise<ExecutionView> {
    await this.require(tenantId, campaignId);
    const e = await this.repo.findExecution(tenantId, campaignId, executionId);
    if (!e) throw AppError.notFound('execution');
    return toExecutionView(e);
  }

  async executions(tenantId: TenantId, campaignId: string, page: PageRequest): Promise<Page<ExecutionView>> {
    await this.require(tenantId, campaignId);
    return toPage(await this.repo.listExecutions(tenantId, campaignId, page), page.limit, (e) => e.id, toExecutionView);
  }

  private async require(tenantId: TenantId, id: string): Promise<Campaign> {
    const c = await this.repo.find(tenantId, id);
    if (!c) throw AppError.notFound('campaign');
    return c;
  }

  /**
   * After the campaign's commit: a failure here (Redis down) must not turn a saved change into a 500
   * that a client would retry (a second campaign); the worker repairs schedulers from PostgreSQL.
   */
  private async syncSchedule(tenantId: TenantId, c: Campaign): Promise<void> {
    try {
      if (c.active && c.schedule) await this.queue.schedule(tenantId, c.id, c.schedule);
      else await this.queue.unschedule(c.id);
    } catch (err) {
      this.logger.warn('could not update the campaign schedule; the worker will repair it', { campaign: c.id, error: String(err) });
    }
  }

  private async checkSegment(tenantId: TenantId, segmentId: string): Promise<void> {
    await this.segments.require(tenantId, segmentId).catch((err: unknown) => {
      if (err instanceof AppError && err.status === 404) {
        throw AppError.rule('invalid_segment', 'segment_id names no segment of this tenant', [{ field: 'segment_id', issue: 'names an unknown segment' }]);
      }
      throw err;
    });
  }

}

/** A foreign key violation (Prisma's own code, or the SQLSTATE of a raw statement's). */
const isForeignKeyViolation = (err: unknown): boolean => hasErrorCode(err, (code) => code === 'P2003' || code === '23503');

function checkSchedule(schedule: string | undefined): void {
  if (schedule === undefined) return;
  const problem = cronProblem(schedule);
  if (problem) throw AppError.validation([{ field: 'schedule', issue: problem }]);
}
