import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { TenantId } from '@app/common';
import { OutboxService } from '@app/outbox';
import { isExcluded, type Player, PlayersService } from '@app/players';
import { RewardsService } from '@app/rewards';
import type { Journey, JourneyCompletedEvent, JourneyStep } from './journey.types.js';
import { JourneysRepository } from './journeys.repository.js';

export interface Trigger {
  trigger: string;
  /** the event's key: one event moves a journey once, whichever endpoint reported it */
  eventKey: string;
  amount?: bigint;
  occurredAt: Date;
}

export interface JourneyProgress {
  journey_id: string;
  step_index: number;
  step_completed: boolean;
  journey_completed: boolean;
}

/**
 * Moves players' journeys. Steps complete in order: an event counts only towards the current step,
 * if it is that step's trigger (with at least min_amount). Completing the last step grants the reward
 * once per player and cycle (grant key journey:<journey>:<player>:<cycle>) and emits journey.completed;
 * an excluded player completes the journey but is not rewarded. A repeatable journey starts its next
 * cycle with the next matching event. Runs inside the caller's transaction.
 */
/** The journey event key of a player's registration: one per player, whichever endpoint fires it. */
export const registrationKey = (playerId: string): string => `reg:${playerId}`;

@Injectable()
export class JourneyEngine implements OnModuleInit {
  constructor(
    private readonly repo: JourneysRepository,
    private readonly players: PlayersService,
    private readonly rewards: RewardsService,
    private readonly outbox: OutboxService,
  ) {}

  onModuleInit(): void {
    // A player's creation (POST /v1/players, or an event naming a new external_ref) is its registration.
    this.players.onPlayerCreated((tenantId, player, at) =>
      this.onTrigger(tenantId, player, { trigger: 'registration', eventKey: registrationKey(player.id), occurredAt: player.registeredAt ?? at }).then(() => undefined),
    );
  }

  async onTrigger(tenantId: TenantId, player: Player, t: Trigger, now = new Date()): Promise<JourneyProgress[]> {
    return this.apply(tenantId, player, t, now, await this.repo.activeFor(tenantId, t.trigger, t.occurredAt));
  }

  /**
   * Many events of one trigger (a batch of wagers), in order: the journeys are looked up once, and a
   * tenant without any journey on this trigger costs one query for the whole batch.
   */
  async onTriggers(tenantId: TenantId, trigger: string, events: ReadonlyArray<{ player: Player } & Omit<Trigger, 'trigger'>>, now = new Date()): Promise<JourneyProgress[][]> {
    if (events.length === 0) return [];
    const candidates = await this.repo.activeFor(tenantId, trigger, null);
    if (candidates.length === 0) return events.map(() => []);
    const out: JourneyProgress[][] = [];
    for (const { player, ...e } of events) {
      const open = candidates.filter((j) => (j.startsAt === null || j.startsAt <= e.occurredAt) && (j.endsAt === null || j.endsAt > e.occurredAt));
      out.push(await this.apply(tenantId, player, { ...e, trigger }, now, open));
    }
    return out;
  }

  private async apply(tenantId: TenantId, player: Player, t: Trigger, now: Date, journeys: readonly Journey[]): Promise<JourneyProgress[]> {
    const progressed: JourneyProgress[] = [];
    for (const journey of journeys) {
      // a run (or a repeatable journey's next cycle) starts only with an event that moves its first
      // step: a player is not shown as started on a journey by an event that does not count for it
      const run = await this.repo.lockCurrentRun(tenantId, journey.id, player.id, journey.repeatable, moves(journey.steps[0], t));
      if (!run || run.completedAt) continue;
      const step = journey.steps[run.stepIndex];
      if (!moves(step, t)) continue;
      if (!(await this.repo.claimEvent(tenantId, journey.id, player.id, t.eventKey))) continue;

      const stepIndex = run.stepIndex;
      run.stepCount += 1;
      const stepCompleted = run.stepCount >= step.count;
      if (stepCompleted) {
        run.stepIndex += 1;
        run.stepCount = 0;
      }
      const journeyCompleted = run.stepIndex === journey.steps.length;
      if (journeyCompleted) run.completedAt = now;
      await this.repo.saveProgress(tenantId, run);
      progressed.push({ journey_id: journey.id, step_index: stepIndex, step_completed: stepCompleted, journey_completed: journeyCompleted });

      if (!journeyCompleted) continue;
      const rewarded = !isExcluded(player, now);
      const outcome = rewarded ? await this.rewards.grant(tenantId, player, journey.reward, `journey:${journey.id}:${player.id}:${run.cycle}`, now) : null;
      const event: JourneyCompletedEvent = {
        journey_id: journey.id,
        name: journey.name,
        player_id: player.id,
        external_ref: player.externalRef,
        cycle: run.cycle,
        completed_at: now.toISOString(),
        reward: journey.reward,
        rewarded,
        reward_result: outcome?.grant.result ?? null,
      };
      await this.outbox.emit(tenantId, 'journey.completed', { ...event }, now);
    }
    return progressed;
  }
}

/** Whether the event counts towards the step: its trigger, with at least min_amount. */
function moves(step: JourneyStep, t: Trigger): boolean {
  return step.trigger === t.trigger && (step.minAmount === null || (t.amount ?? 0n) >= step.minAmount);
}
