import { Injectable } from '@nestjs/common';
import { newId, type PageRequest, type TenantId } from '@app/common';
import { DbService, type Prisma } from '@app/db';
import type { Reward } from '@app/rewards';
import type { CompiledRule } from '@app/segments';
import { type Campaign, type Execution, type ExecutionStatus, type MemberOutcome, type NewExecution, QUEUED } from './campaign.types.js';

type CampaignRow = Prisma.CampaignGetPayload<object>;
type ExecutionRow = Prisma.CampaignExecutionGetPayload<object>;

const toCampaign = (r: CampaignRow): Campaign => ({
  id: r.id,
  name: r.name,
  segmentId: r.segmentId,
  reward: r.reward as unknown as Reward,
  schedule: r.schedule,
  active: r.active,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const toExecution = (r: ExecutionRow): Execution => ({
  id: r.id,
  tenantId: r.tenantId,
  campaignId: r.campaignId,
  executionId: r.executionId,
  status: r.status as ExecutionStatus,
  rule: r.rule,
  reward: r.reward as unknown as Reward,
  scheduledFor: r.scheduledFor,
  snapshotAt: r.snapshotAt,
  matched: r.matched,
  granted: r.granted,
  skipped: r.skipped,
  failed: r.failed,
  error: r.error,
  createdAt: r.createdAt,
  startedAt: r.startedAt,
  completedAt: r.completedAt,
});

export interface CampaignPatch {
  name?: string;
  segmentId?: string;
  reward?: Reward;
  schedule?: string | null;
  active?: boolean;
}

@Injectable()
export class CampaignsRepository {
  constructor(private readonly db: DbService) {}

  async create(tenantId: TenantId, c: Campaign): Promise<Campaign> {
    const row = await this.db.client.campaign.create({
      data: { ...c, tenantId, reward: c.reward as unknown as Prisma.InputJsonObject },
    });
    return toCampaign(row);
  }

  async find(tenantId: TenantId, id: string): Promise<Campaign | null> {
    const row = await this.db.client.campaign.findFirst({ where: { id, tenantId } });
    return row && toCampaign(row);
  }

  async list(tenantId: TenantId, page: PageRequest): Promise<Campaign[]> {
    const rows = await this.db.client.campaign.findMany({
      where: { tenantId, ...(page.cursor && { id: { lt: page.cursor } }) },
      orderBy: { id: 'desc' },
      take: page.limit + 1,
    });
    return rows.map(toCampaign);
  }

  async update(tenantId: TenantId, id: string, patch: CampaignPatch, at: Date): Promise<Campaign | null> {
    const { count } = await this.db.client.campaign.updateMany({
      where: { id, tenantId },
      data: {
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.segmentId !== undefined && { segmentId: patch.segmentId }),
        ...(patch.reward !== undefined && { reward: patch.reward as unknown as Prisma.InputJsonObject }),
        ...(patch.schedule !== undefined && { schedule: patch.schedule }),
        ...(patch.active !== undefined && { active: patch.active }),
        updatedAt: at,
      },
    });
    return count === 0 ? null : this.find(tenantId, id);
  }

  /** Deletes a campaign that never ran; false when it has executions (they keep it). */
  async deleteNeverRun(tenantId: TenantId, id: string): Promise<boolean> {
    const n = await this.db.client.$executeRaw`
      DELETE FROM campaigns c WHERE c.id = ${id} AND c.tenant_id = ${tenantId}
         AND NOT EXISTS (SELECT 1 FROM campaign_executions e WHERE e.campaign_id = c.id)`;
    return n === 1;
  }

  /** @crossTenant the active scheduled campaigns of every tenant: the worker keeps their BullMQ schedulers. */
  async scheduledEverywhere(): Promise<Array<{ id: string; tenantId: TenantId; schedule: string }>> {
    const rows = await this.db.client.campaign.findMany({
      where: { active: true, schedule: { not: null } },
      select: { id: true, tenantId: true, schedule: true },
    });
    return rows.map((r) => ({ id: r.id, tenantId: r.tenantId as TenantId, schedule: r.schedule! }));
  }

  /** Records an execution (queued) once per (campaign, execution id); returns it and whether this call created it. */
  async insertExecution(tenantId: TenantId, e: NewExecution): Promise<{ execution: Execution; created: boolean }> {
    const inserted = await this.db.client.$executeRaw`
      INSERT INTO campaign_executions (id, tenant_id, campaign_id, execution_id, status, rule, reward, scheduled_for, created_at)
      VALUES (${newId('exe')}, ${tenantId}, ${e.campaignId}, ${e.executionId}, ${QUEUED.status}, ${e.rule}, ${JSON.stringify(e.reward)}::jsonb, ${e.scheduledFor}, ${new Date()})
      ON CONFLICT (campaign_id, execution_id) DO NOTHING`;
    const execution = await this.findExecution(tenantId, e.campaignId, e.executionId);
    if (!execution) throw new Error(`execution ${e.executionId} of ${e.campaignId} vanished`);
    return { execution, created: inserted === 1 };
  }

  async findExecution(tenantId: TenantId, campaignId: string, executionId: string): Promise<Execution | null> {
    const row = await this.db.client.campaignExecution.findFirst({ where: { tenantId, campaignId, executionId } });
    return row && toExecution(row);
  }

  /** @crossTenant by our own id, for the worker: the job carries only the id; the row names its tenant. */
  async findExecutionById(id: string): Promise<Execution | null> {
    const row = await this.db.client.campaignExecution.findUnique({ where: { id } });
    return row && toExecution(row);
  }

  async listExecutions(tenantId: TenantId, campaignId: string, page: PageRequest): Promise<Execution[]> {
    const rows = await this.db.client.campaignExecution.findMany({
      where: { tenantId, campaignId, ...(page.cursor && { id: { lt: page.cursor } }) },
      orderBy: { id: 'desc' },
      take: page.limit + 1,
    });
    return rows.map(toExecution);
  }

  /**
   * Snapshots the membership, once: every player matching the compiled rule (parameters from $3; $1
   * is the tenant, $2 the execution) becomes a pending member, set-based, in the transaction that
   * moves the execution from queued to running. `at` is the rule's now(). False when another worker
   * did it first.
   */
  async snapshot(tenantId: TenantId, id: string, rule: CompiledRule, at: Date): Promise<boolean> {
    const tx = this.db.txClient;
    const locked = await tx.$queryRaw<Array<{ status: string }>>`
      SELECT status FROM campaign_executions WHERE id = ${id} AND tenant_id = ${tenantId} FOR UPDATE`;
    if (locked[0]?.status !== 'queued') return false;
    const matched = await tx.$executeRawUnsafe(
      `INSERT INTO campaign_execution_members (execution_id, player_id, tenant_id)
       SELECT $2, p.id, $1 FROM players p WHERE p.tenant_id = $1 AND ${rule.sql}
       ON CONFLICT DO NOTHING`,
      tenantId,
      id,
      ...rule.params,
    );
    await tx.$executeRaw`
      UPDATE campaign_executions SET status = 'running', matched = ${matched}, snapshot_at = ${at}, started_at = now(), heartbeat_at = now()
       WHERE id = ${id} AND tenant_id = ${tenantId}`;
    return true;
  }

  /** Up to `limit` pending members, locked for this transaction; members another worker holds are skipped. */
  async claimPending(tenantId: TenantId, id: string, limit: number): Promise<string[]> {
    const rows = await this.db.txClient.$queryRaw<Array<{ player_id: string }>>`
      SELECT player_id FROM campaign_execution_members
       WHERE execution_id = ${id} AND tenant_id = ${tenantId} AND state = 'pending'
       ORDER BY player_id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
    return rows.map((r) => r.player_id);
  }

  /** Pending members, without locks: the list a one-by-one pass walks through. */
  async pendingIds(tenantId: TenantId, id: string, limit: number): Promise<string[]> {
    const rows = await this.db.client.$queryRaw<Array<{ player_id: string }>>`
      SELECT player_id FROM campaign_execution_members
       WHERE execution_id = ${id} AND tenant_id = ${tenantId} AND state = 'pending'
       ORDER BY player_id LIMIT ${limit}`;
    return rows.map((r) => r.player_id);
  }

  /** Locks one pending member; false when it is not pending (done) or another worker holds it. */
  async claimOne(tenantId: TenantId, id: string, playerId: string): Promise<boolean> {
    const rows = await this.db.txClient.$queryRaw<Array<{ player_id: string }>>`
      SELECT player_id FROM campaign_execution_members
       WHERE execution_id = ${id} AND player_id = ${playerId} AND tenant_id = ${tenantId} AND state = 'pending'
       FOR UPDATE SKIP LOCKED`;
    return rows.length === 1;
  }

  /** Writes the members' outcomes and adds them to the execution's counters, in the same transaction. */
  async settle(tenantId: TenantId, id: string, outcomes: readonly MemberOutcome[], at: Date): Promise<void> {
    if (outcomes.length === 0) return;
    const tx = this.db.txClient;
    await tx.$executeRaw`
      UPDATE campaign_execution_members m SET state = v.state, reason = v.reason, grant_id = v.grant_id
        FROM unnest(${outcomes.map((o) => o.playerId)}::text[], ${outcomes.map((o) => o.state)}::text[],
                    ${outcomes.map((o) => o.reason)}::text[], ${outcomes.map((o) => o.grantId)}::text[]) AS v(player_id, state, reason, grant_id)
       WHERE m.execution_id = ${id} AND m.player_id = v.player_id AND m.tenant_id = ${tenantId} AND m.state = 'pending'`;
    const count = (s: MemberOutcome['state']) => outcomes.filter((o) => o.state === s).length;
    await tx.$executeRaw`
      UPDATE campaign_executions
         SET granted = granted + ${count('granted')}, skipped = skipped + ${count('skipped')}, failed = failed + ${count('failed')}, heartbeat_at = ${at}
       WHERE id = ${id} AND tenant_id = ${tenantId}`;
  }

  /** Completes a running execution with no pending member left; null when it is not (yet) complete. */
  async complete(tenantId: TenantId, id: string, at: Date): Promise<Execution | null> {
    const rows = await this.db.txClient.$queryRaw<Array<{ id: string }>>`
      UPDATE campaign_executions e SET status = 'completed', completed_at = ${at}, heartbeat_at = ${at}
       WHERE e.id = ${id} AND e.tenant_id = ${tenantId} AND e.status = 'running'
         AND NOT EXISTS (SELECT 1 FROM campaign_execution_members m WHERE m.execution_id = e.id AND m.state = 'pending')
       RETURNING e.id`;
    return rows.length === 1 ? this.findExecutionById(id) : null;
  }

  /** Ends an unfinished execution as failed; false when it had already ended. */
  async fail(tenantId: TenantId, id: string, error: string, at: Date): Promise<boolean> {
    const n = await this.db.client.$executeRaw`
      UPDATE campaign_executions SET status = 'failed', error = ${error}, completed_at = ${at}, heartbeat_at = ${at}
       WHERE id = ${id} AND tenant_id = ${tenantId} AND status IN ('queued', 'running')`;
    return n === 1;
  }

  async heartbeat(tenantId: TenantId, id: string, at: Date): Promise<void> {
    await this.db.client.$executeRaw`UPDATE campaign_executions SET heartbeat_at = ${at} WHERE id = ${id} AND tenant_id = ${tenantId}`;
  }

  /** @crossTenant unfinished executions nobody has touched since `before`: the worker queues them again. */
  async stale(before: Date, limit: number): Promise<string[]> {
    const rows = await this.db.client.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM campaign_executions
       WHERE status IN ('queued', 'running') AND coalesce(heartbeat_at, created_at) < ${before}
       ORDER BY coalesce(heartbeat_at, created_at) LIMIT ${limit}`;
    return rows.map((r) => r.id);
  }
}
