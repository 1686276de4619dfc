import type { Reward, RewardResult } from '@app/rewards';

export interface JourneyStep {
  trigger: string;
  /** how many times the trigger must fire (default 1) */
  count: number;
  /** each firing must carry at least this amount (millis) */
  minAmount: bigint | null;
}

export interface Journey {
  id: string;
  name: string;
  steps: JourneyStep[];
  reward: Reward;
  startsAt: Date | null;
  endsAt: Date | null;
  repeatable: boolean;
  createdAt: Date;
  deactivatedAt: Date | null;
}

export interface JourneyView {
  id: string;
  name: string;
  steps: Array<{ trigger: string; count: number; min_amount: number | null }>;
  reward: Reward;
  starts_at: string | null;
  ends_at: string | null;
  repeatable: boolean;
  active: boolean;
  created_at: string;
  deactivated_at: string | null;
}

export interface Progress {
  id: string;
  journeyId: string;
  cycle: number;
  stepIndex: number;
  stepCount: number;
  completedAt: Date | null;
}

export interface PlayerJourneyView {
  journey_id: string;
  name: string;
  /** the current (or last) run; a repeatable journey counts its runs from 1 */
  cycle: number;
  /** the step being worked on (= steps_total once completed) */
  step_index: number;
  /** firings counted towards that step */
  step_count: number;
  steps_total: number;
  completed: boolean;
  completed_at: string | null;
  cycles_completed: number;
}

export interface JourneyCompletedEvent {
  journey_id: string;
  name: string;
  player_id: string;
  external_ref: string;
  cycle: number;
  completed_at: string;
  reward: Reward;
  /** false when the player is excluded: the journey completes, the reward is not granted */
  rewarded: boolean;
  reward_result: RewardResult | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export const toJourneyView = (j: Journey): JourneyView => ({
  id: j.id,
  name: j.name,
  steps: j.steps.map((s) => ({ trigger: s.trigger, count: s.count, min_amount: s.minAmount === null ? null : Number(s.minAmount) })),
  reward: j.reward,
  starts_at: iso(j.startsAt),
  ends_at: iso(j.endsAt),
  repeatable: j.repeatable,
  active: j.deactivatedAt === null,
  created_at: j.createdAt.toISOString(),
  deactivated_at: iso(j.deactivatedAt),
});
