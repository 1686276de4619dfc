import { Injectable, Logger } from '@nestjs/common';
import { AppError, type TenantId, trustedTenantId } from '@app/common';
import { DbService, isTransient } from '@app/db';
import { OutboxService } from '@app/outbox';
import { isExcluded, type Player, PlayersService } from '@app/players';
import { type RewardMemo, RewardsService } from '@app/rewards';
import { compileRule, parseRule, RuleSyntaxError } from '@app/segments';
import { type Execution, memberGrantKey, type MemberOutcome, scheduledExecutionId } from './campaign.types.js';
import { CampaignQueue } from './campaign-queue.service.js';
import { CampaignsRepository } from './campaigns.repository.js';

/** Members granted per transaction. */
export const CAMPAIGN_CHUNK = 200;
/**
 * Chunks of one execution in flight at once, each its own transaction and connection. One chain of
 * grants leaves the worker and PostgreSQL waiting on each other (bench:campaign: 58% and 32% of a core).
 */
export const CAMPAIGN_LANES = 3;

/**
 * Runs an execution in the worker (API.md section 10): snapshots the segment's membership once, then
 * grants the reward to the members in chunks, each chunk one transaction that writes the grants, the
 * members' outcomes and the counters together. A crash loses at most the chunk in flight, which is
 * rolled back and done again; grant keys (campaign:<id>:<execution>:<player>) make a repeat a no-op.
 * Two workers on one execution share it: chunks are claimed with SKIP LOCKED.
 */
@Injectable()
export class CampaignExecutor {
  private readonly logger = new Logger('Campaigns');

  constructor(
    private readonly db: DbService,
    private readonly repo: CampaignsRepository,
    private readonly players: PlayersService,
    private readonly rewards: RewardsService,
    private readonly outbox: OutboxService,
    private readonly queue: CampaignQueue,
  ) {}

  /** The job of one execution; skips what is already done. */
  async run(executionDbId: string): Promise<void> {
    let e = await this.repo.findExecutionById(executionDbId);
    if (!e || e.status === 'completed' || e.status === 'failed') return;
    const tenantId = trustedTenantId(e.tenantId);
    if (e.status === 'queued') {
      await this.snapshot(tenantId, e);
      e = (await this.repo.findExecutionById(executionDbId))!;
      if (e.status !== 'running') return;
    }
    const execution = e;
    // every lane stops before the job ends, also when one fails: a retried job must not find the
    // previous attempt's lanes still holding connections
    const lanes = await Promise.allSettled(
      Array.from({ length: CAMPAIGN_LANES }, async () => {
        while ((await this.chunk(tenantId, execution)) > 0) {
          // the next chunk
        }
      }),
    );
    const failed = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (failed) throw failed.reason;
    await this.finish(tenantId, e);
  }

  /** A scheduler's job: the execution of that slot (created once, whoever fires it), then run. */
  async runScheduled(tenantId: TenantId, campaignId: string, slot: Date): Promise<void> {
    const executionId = scheduledExecutionId(slot);
    const id = await this.db.transaction(async () => {
      const campaign = await this.db.txClient.campaign.findFirst({ where: { id: campaignId, tenantId }, include: { segment: true } });
      if (!campaign) return null;
      const existing = await this.repo.findExecution(tenantId, campaignId, executionId);
      if (existing) return existing.id;
      if (!campaign.active || !campaign.schedule) return null;
      const { execution } = await this.repo.insertExecution(tenantId, {
        campaignId,
        executionId,
        rule: campaign.segment.rule,
        reward: campaign.reward as unknown as Execution['reward'],
        scheduledFor: slot,
      });
      return execution.id;
    });
    if (id) await this.run(id);
  }

  private async snapshot(tenantId: TenantId, e: Execution): Promise<void> {
    // a scheduled run's now() is its slot, however late it starts (a backlog, an outage)
    const at = e.scheduledFor ?? new Date();
    let compiled;
    try {
      compiled = compileRule(parseRule(e.rule), { now: at, firstParam: 3 });
    } catch (err) {
      // the rule was checked when the segment was saved; a rule that no longer parses fails the execution
      if (!(err instanceof RuleSyntaxError)) throw err;
      await this.failExecution(tenantId, e, `the segment's rule does not parse: ${err.message}`);
      return;
    }
    await this.repo.heartbeat(tenantId, e.id, new Date());
    await this.db.transaction(() => this.repo.snapshot(tenantId, e.id, compiled, at), { timeoutMs: 300_000 });
  }

  /** Ends an execution as failed, with campaign.execution_completed (status failed) in the same transaction. */
  private async failExecution(tenantId: TenantId, e: Execution, error: string): Promise<void> {
    await this.db.transaction(async () => {
      const at = new Date();
      if (!(await this.repo.fail(tenantId, e.id, error, at))) return;
      const done = (await this.repo.findExecutionById(e.id))!;
      await this.outbox.emit(tenantId, 'campaign.execution_completed', completedEvent(done, 'failed', at), at);
    });
  }

  /** One chunk in one transaction; if any member fails, the chunk is done again one member at a time. */
  private async chunk(tenantId: TenantId, e: Execution): Promise<number> {
    try {
      return await this.db.transaction(async () => {
        const ids = await this.repo.claimPending(tenantId, e.id, CAMPAIGN_CHUNK);
        if (ids.length === 0) return 0;
        const at = new Date();
        const players = new Map((await this.players.findByIds(tenantId, ids)).map((p) => [p.id, p]));
        const memo: RewardMemo = { templates: new Map() };
        const outcomes: MemberOutcome[] = [];
        for (const playerId of ids) outcomes.push(await this.grantOne(tenantId, e, playerId, players.get(playerId), at, memo));
        await this.repo.settle(tenantId, e.id, outcomes, at);
        return ids.length;
      }, { timeoutMs: 120_000 });
    } catch (err) {
      if (isTransient(err)) throw err;
      return this.oneByOne(tenantId, e);
    }
  }

  /**
   * Each pending member in its own transaction: one whose grant fails for a reason of its own (a rule
   * refuses it, or any error that is not the database or the network being unavailable) is recorded as
   * failed, and the rest go on. A transient failure stops the run; the job is retried.
   */
  private async oneByOne(tenantId: TenantId, e: Execution): Promise<number> {
    const ids = await this.repo.pendingIds(tenantId, e.id, CAMPAIGN_CHUNK);
    for (const playerId of ids) {
      try {
        await this.db.transaction(async () => {
          if (!(await this.repo.claimOne(tenantId, e.id, playerId))) return;
          const at = new Date();
          const [player] = await this.players.findByIds(tenantId, [playerId]);
          await this.repo.settle(tenantId, e.id, [await this.grantOne(tenantId, e, playerId, player, at)], at);
        });
      } catch (err) {
        if (isTransient(err)) throw err;
        const reason = err instanceof AppError ? err.code : 'internal_error';
        if (err instanceof AppError) this.logger.warn('a campaign grant was refused', { execution: e.id, player: playerId, code: reason });
        else this.logger.error('a campaign grant failed', { execution: e.id, player: playerId, error: err instanceof Error ? err.message : String(err) });
        await this.db.transaction(async () => {
          if (!(await this.repo.claimOne(tenantId, e.id, playerId))) return;
          await this.repo.settle(tenantId, e.id, [{ playerId, state: 'failed', reason, grantId: null }], new Date());
        });
      }
    }
    return ids.length;
  }

  private async grantOne(tenantId: TenantId, e: Execution, playerId: string, player: Player | undefined, at: Date, memo?: RewardMemo): Promise<MemberOutcome> {
    if (!player) return { playerId, state: 'skipped', reason: 'player_missing', grantId: null };
    if (isExcluded(player, at)) return { playerId, state: 'skipped', reason: 'player_excluded', grantId: null };
    const { grant } = await this.rewards.grant(tenantId, player, e.reward, memberGrantKey(e, playerId), at, memo);
    return { playerId, state: 'granted', reason: null, grantId: grant.grant_id };
  }

  /** Completes the execution once no member is pending, and emits campaign.execution_completed with it. */
  private async finish(tenantId: TenantId, e: Execution): Promise<void> {
    await this.db.transaction(async () => {
      const at = new Date();
      const done = await this.repo.complete(tenantId, e.id, at);
      if (!done) return;
      await this.outbox.emit(tenantId, 'campaign.execution_completed', completedEvent(done, 'completed', at), at);
    });
  }

  /** The worker's sweep: unfinished executions untouched for `staleMs` go back on the queue (Redis lost, API died before queuing). */
  async requeueStale(staleMs: number): Promise<number> {
    const ids = await this.repo.stale(new Date(Date.now() - staleMs), 100);
    for (const id of ids) await this.queue.enqueue(id);
    return ids.length;
  }
}

function completedEvent(e: Execution, status: 'completed' | 'failed', at: Date): Record<string, unknown> {
  return {
    campaign_id: e.campaignId,
    execution_id: e.executionId,
    status,
    matched: e.matched,
    granted: e.granted,
    skipped: e.skipped,
    failed: e.failed,
    error: e.error,
    started_at: e.startedAt?.toISOString() ?? null,
    completed_at: at.toISOString(),
  };
}
