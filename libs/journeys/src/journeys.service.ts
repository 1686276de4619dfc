import { Injectable } from '@nestjs/common';
import { AppError, newId, type Page, type PageRequest, type TenantId, toPage } from '@app/common';
import { RewardReferences } from '@app/lootbox';
import { PlayersService } from '@app/players';
import type { Reward } from '@app/rewards';
import { type JourneyStep, type JourneyView, type PlayerJourneyView, toJourneyView } from './journey.types.js';
import { JourneysRepository } from './journeys.repository.js';

export interface CreateJourneyInput {
  name: string;
  steps: JourneyStep[];
  reward: Reward;
  startsAt?: Date;
  endsAt?: Date;
  repeatable?: boolean;
}

@Injectable()
export class JourneysService {
  constructor(
    private readonly repo: JourneysRepository,
    private readonly players: PlayersService,
    private readonly references: RewardReferences,
  ) {}

  async create(tenantId: TenantId, input: CreateJourneyInput): Promise<JourneyView> {
    if (input.startsAt && input.endsAt && input.startsAt >= input.endsAt) {
      throw AppError.validation([{ field: 'ends_at', issue: 'must be after starts_at' }]);
    }
    await this.references.requireKnown(tenantId, input.reward);
    const journey = await this.repo.create(tenantId, {
      id: newId('jny'),
      name: input.name,
      steps: input.steps,
      reward: input.reward,
      startsAt: input.startsAt ?? null,
      endsAt: input.endsAt ?? null,
      repeatable: input.repeatable ?? false,
      createdAt: new Date(),
      deactivatedAt: null,
    });
    return toJourneyView(journey);
  }

  async list(tenantId: TenantId, page: PageRequest): Promise<Page<JourneyView>> {
    return toPage(await this.repo.list(tenantId, page), page.limit, (j) => j.id, toJourneyView);
  }

  async get(tenantId: TenantId, id: string): Promise<JourneyView> {
    const j = await this.repo.find(tenantId, id);
    if (!j) throw AppError.notFound('journey');
    return toJourneyView(j);
  }

  /** No more progress; rewards already granted stay. */
  async deactivate(tenantId: TenantId, id: string): Promise<JourneyView> {
    await this.get(tenantId, id);
    return toJourneyView((await this.repo.deactivate(tenantId, id))!);
  }

  async forPlayer(tenantId: TenantId, ref: string, page: PageRequest): Promise<Page<PlayerJourneyView>> {
    const player = await this.players.require(tenantId, ref);
    return toPage(await this.repo.playerJourneys(tenantId, player.id, page), page.limit, (j) => j.journey_id, (j) => j);
  }
}
