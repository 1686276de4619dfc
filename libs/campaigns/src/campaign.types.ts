import type { Reward } from '@app/rewards';

export type ExecutionStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface Campaign {
  id: string;
  name: string;
  segmentId: string;
  reward: Reward;
  /** cron expression, UTC */
  schedule: string | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface Execution {
  /** our id (exe_…): what the queue carries */
  id: string;
  tenantId: string;
  campaignId: string;
  /** the caller's id, or scheduled:<time> */
  executionId: string;
  status: ExecutionStatus;
  rule: string;
  reward: Reward;
  scheduledFor: Date | null;
  snapshotAt: Date | null;
  matched: number;
  granted: number;
  skipped: number;
  failed: number;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

export interface CampaignView {
  id: string;
  name: string;
  segment_id: string;
  reward: Reward;
  schedule: string | null;
  active: boolean;
  created_at: string;
  updated_at: string;
}

export interface ExecutionView {
  execution_id: string;
  campaign_id: string;
  status: ExecutionStatus;
  matched: number;
  granted: number;
  skipped: number;
  failed: number;
  scheduled_for: string | null;
  snapshot_at: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  error: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toCampaignView(c: Campaign): CampaignView {
  return {
    id: c.id,
    name: c.name,
    segment_id: c.segmentId,
    reward: c.reward,
    schedule: c.schedule,
    active: c.active,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

export function toExecutionView(e: Execution): ExecutionView {
  return {
    execution_id: e.executionId,
    campaign_id: e.campaignId,
    status: e.status,
    matched: e.matched,
    granted: e.granted,
    skipped: e.skipped,
    failed: e.failed,
    scheduled_for: iso(e.scheduledFor),
    snapshot_at: iso(e.snapshotAt),
    created_at: e.createdAt.toISOString(),
    started_at: iso(e.startedAt),
    completed_at: iso(e.completedAt),
    error: e.error,
  };
}

/** What an execution is asked with; the rest starts as QUEUED. */
export type NewExecution = Pick<Execution, 'campaignId' | 'executionId' | 'rule' | 'reward' | 'scheduledFor'>;

/** An execution's state when it is recorded: queued, nothing counted, nothing started. */
export const QUEUED = {
  status: 'queued',
  snapshotAt: null,
  matched: 0,
  granted: 0,
  skipped: 0,
  failed: 0,
  error: null,
  startedAt: null,
  completedAt: null,
} as const satisfies Partial<Execution>;

/**
 * What POST …/executions answered first, rebuilt from the execution's fixed fields: a replay answers
 * exactly this (API.md section 2, rule 2), however far the execution has come since; GET shows progress.
 */
export function firstAnswer(e: Execution): ExecutionView {
  return toExecutionView({ ...e, ...QUEUED });
}

/** The grant key of one member's reward in one execution: the same member is granted once per execution. */
export function memberGrantKey(e: Pick<Execution, 'campaignId' | 'executionId'>, playerId: string): string {
  return `campaign:${e.campaignId}:${e.executionId}:${playerId}`;
}

/** The execution id of a scheduled run: derived from the campaign's schedule slot, so a slot that fires twice runs once. */
export function scheduledExecutionId(slot: Date): string {
  return `scheduled:${slot.toISOString()}`;
}

/** The BullMQ job scheduler of a campaign. */
export function schedulerId(campaignId: string): string {
  return `campaign:${campaignId}`;
}

export interface MemberOutcome {
  playerId: string;
  state: 'granted' | 'skipped' | 'failed';
  reason: string | null;
  grantId: string | null;
}

/** What the queue carries: only ids. */
export type CampaignJob = { executionId: string } | { tenantId: string; campaignId: string };
export const CAMPAIGN_JOB = { execute: 'execute', scheduled: 'scheduled' } as const;
