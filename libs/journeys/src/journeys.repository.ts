import { Injectable } from '@nestjs/common';
import { DbService, Prisma } from '@app/db';
import { newId, type PageRequest, type TenantId } from '@app/common';
import type { Reward } from '@app/rewards';
import type { Journey, JourneyStep, PlayerJourneyView, Progress } from './journey.types.js';

type JourneyRow = Prisma.JourneyGetPayload<object>;
type StoredStep = { trigger: string; count: number; min_amount: string | null };

function toJourney(r: JourneyRow): Journey {
  return {
    id: r.id,
    name: r.name,
    steps: (r.steps as StoredStep[]).map((s) => ({ trigger: s.trigger, count: s.count, minAmount: s.min_amount === null ? null : BigInt(s.min_amount) })),
    reward: r.reward as unknown as Reward,
    startsAt: r.startsAt,
    endsAt: r.endsAt,
    repeatable: r.repeatable,
    createdAt: r.createdAt,
    deactivatedAt: r.deactivatedAt,
  };
}

const storedSteps = (steps: JourneyStep[]): StoredStep[] =>
  steps.map((s) => ({ trigger: s.trigger, count: s.count, min_amount: s.minAmount === null ? null : s.minAmount.toString() }));

interface ProgressRow {
  id: string;
  journey_id: string;
  cycle: number;
  step_index: number;
  step_count: number;
  completed_at: Date | null;
}

const toProgress = (r: ProgressRow): Progress => ({
  id: r.id,
  journeyId: r.journey_id,
  cycle: r.cycle,
  stepIndex: r.step_index,
  stepCount: r.step_count,
  completedAt: r.completed_at,
});

@Injectable()
export class JourneysRepository {
  constructor(private readonly db: DbService) {}

  async create(tenantId: TenantId, j: Journey): Promise<Journey> {
    const row = await this.db.client.journey.create({
      data: {
        id: j.id,
        tenantId,
        name: j.name,
        steps: storedSteps(j.steps),
        reward: j.reward as unknown as Prisma.InputJsonObject,
        startsAt: j.startsAt,
        endsAt: j.endsAt,
        repeatable: j.repeatable,
        createdAt: j.createdAt,
      },
    });
    return toJourney(row);
  }

  async find(tenantId: TenantId, id: string): Promise<Journey | null> {
    const row = await this.db.client.journey.findFirst({ where: { id, tenantId } });
    return row && toJourney(row);
  }

  async list(tenantId: TenantId, page: PageRequest): Promise<Journey[]> {
    const rows = await this.db.client.journey.findMany({
      where: { tenantId, ...(page.cursor && { id: { lt: page.cursor } }) },
      orderBy: { id: 'desc' },
      take: page.limit + 1,
    });
    return rows.map(toJourney);
  }

  async deactivate(tenantId: TenantId, id: string): Promise<Journey | null> {
    await this.db.client.journey.updateMany({ where: { id, tenantId, deactivatedAt: null }, data: { deactivatedAt: new Date() } });
    return this.find(tenantId, id);
  }

  /** Active journeys with a step on `trigger`: open at `at`, or open at any time when `at` is null. */
  async activeFor(tenantId: TenantId, trigger: string, at: Date | null): Promise<Journey[]> {
    const rows = await this.db.client.$queryRaw<JourneyRow[]>`
      SELECT id, tenant_id AS "tenantId", name, steps, reward, starts_at AS "startsAt", ends_at AS "endsAt", repeatable,
             created_at AS "createdAt", deactivated_at AS "deactivatedAt"
        FROM journeys
       WHERE tenant_id = ${tenantId} AND deactivated_at IS NULL
         AND (${at}::timestamptz IS NULL OR ((starts_at IS NULL OR starts_at <= ${at}) AND (ends_at IS NULL OR ends_at > ${at})))
         AND steps @> jsonb_build_array(jsonb_build_object('trigger', ${trigger}::text))
       ORDER BY id`;
    return rows.map(toJourney);
  }

  /**
   * The player's current run of the journey, locked for this transaction: the latest cycle, created
   * (cycle 1) if there is none, or the next cycle after a completed one when `nextIfCompleted`. A run
   * is only created when `mayStart` (the event moves the first step): null when there is none to take.
   */
  async lockCurrentRun(tenantId: TenantId, journeyId: string, playerId: string, nextIfCompleted: boolean, mayStart: boolean): Promise<Progress | null> {
    for (;;) {
      const rows = await this.db.txClient.$queryRaw<ProgressRow[]>`
        SELECT id, journey_id, cycle, step_index, step_count, completed_at FROM journey_progress
         WHERE tenant_id = ${tenantId} AND journey_id = ${journeyId} AND player_id = ${playerId}
         ORDER BY cycle DESC LIMIT 1 FOR NO KEY UPDATE`;
      const latest = rows[0] ? toProgress(rows[0]) : null;
      if (latest && (latest.completedAt === null || !nextIfCompleted)) return latest;
      if (!mayStart) return null;
      const cycle = latest ? latest.cycle + 1 : 1;
      await this.db.txClient.$executeRaw`
        INSERT INTO journey_progress (id, tenant_id, journey_id, player_id, cycle)
        VALUES (${newId('jpr')}, ${tenantId}, ${journeyId}, ${playerId}, ${cycle})
        ON CONFLICT (journey_id, player_id, cycle) DO NOTHING`;
    }
  }

  /** Counts an event towards a journey once: false when it was counted already. */
  async claimEvent(tenantId: TenantId, journeyId: string, playerId: string, eventKey: string): Promise<boolean> {
    const count = await this.db.txClient.$executeRaw`
      INSERT INTO journey_event_applications (journey_id, player_id, event_key)
      SELECT ${journeyId}, ${playerId}, ${eventKey} WHERE EXISTS (SELECT 1 FROM journeys WHERE id = ${journeyId} AND tenant_id = ${tenantId})
      ON CONFLICT DO NOTHING`;
    return count === 1;
  }

  async saveProgress(tenantId: TenantId, p: Progress): Promise<void> {
    await this.db.txClient.journeyProgress.update({
      where: { id: p.id, tenantId },
      data: { stepIndex: p.stepIndex, stepCount: p.stepCount, completedAt: p.completedAt, updatedAt: new Date() },
    });
  }

  /** The player's latest run of each journey, by journey id; `limit + 1` rows after the cursor (a journey id). */
  async playerJourneys(tenantId: TenantId, playerId: string, page: PageRequest): Promise<PlayerJourneyView[]> {
    const rows = await this.db.client.$queryRaw<
      Array<{ journey_id: string; name: string; steps: unknown[]; cycle: number; step_index: number; step_count: number; completed_at: Date | null; cycles_completed: number }>
    >`
      SELECT DISTINCT ON (p.journey_id) p.journey_id, j.name, j.steps, p.cycle, p.step_index, p.step_count, p.completed_at,
             (SELECT count(*)::int FROM journey_progress c WHERE c.journey_id = p.journey_id AND c.player_id = p.player_id AND c.completed_at IS NOT NULL) AS cycles_completed
        FROM journey_progress p JOIN journeys j ON j.id = p.journey_id
       WHERE p.tenant_id = ${tenantId} AND p.player_id = ${playerId} AND p.journey_id > ${page.cursor ?? ''}
       ORDER BY p.journey_id, p.cycle DESC
       LIMIT ${page.limit + 1}`;
    return rows.map((r) => ({
      journey_id: r.journey_id,
      name: r.name,
      cycle: r.cycle,
      step_index: r.step_index,
      step_count: r.step_count,
      steps_total: r.steps.length,
      completed: r.completed_at !== null,
      completed_at: r.completed_at ? r.completed_at.toISOString() : null,
      cycles_completed: r.cycles_completed,
    }));
  }
}
