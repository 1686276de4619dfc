import { Injectable } from '@nestjs/common';
import { AppError, newId, Replayable, requestHash, type TenantId } from '@app/common';
import { DbService } from '@app/db';
import { BonusEngine } from '@app/bonuses';
import { JourneyEngine, type JourneyProgress, registrationKey } from './journey-engine.service.js';
import { type PlayerRef, PlayersService } from '@app/players';
import { PlayerEventsRepository } from './player-events.repository.js';

export const DEPOSIT_TRIGGERS = ['deposit', 'first_deposit'] as const;

export interface PlayerEventInput {
  player: PlayerRef;
  trigger: string;
  /** exactly one of the two keys */
  eventId?: string;
  sourceWagerId?: string;
  amount?: bigint;
  currency?: string;
  occurredAt?: Date;
  properties?: Record<string, unknown>;
}

export interface PlayerEventResponse {
  event_id: string;
  progressed: JourneyProgress[];
}

/**
 * POST /v1/journeys/event, idempotent on event_id (or source_wager_id for a wager) per tenant. A
 * deposit (`deposit` or `first_deposit`) updates the player's deposit stats at the event's own time
 * and, when it names an amount, activates a qualifying offered deposit bonus; a `login` moves
 * last_login_at.
 */
@Injectable()
export class PlayerEventsService {
  constructor(
    private readonly db: DbService,
    private readonly repo: PlayerEventsRepository,
    private readonly players: PlayersService,
    private readonly bonuses: BonusEngine,
    private readonly journeys: JourneyEngine,
  ) {}

  async record(tenantId: TenantId, input: PlayerEventInput): Promise<Replayable<PlayerEventResponse>> {
    const isDeposit = (DEPOSIT_TRIGGERS as readonly string[]).includes(input.trigger);
    const eventKey = input.eventId !== undefined ? `e:${input.eventId}` : `w:${input.sourceWagerId}`;
    return this.db.transaction(async () => {
      const now = new Date();
      // The payload is compared with the player resolved, so naming them by plr_ id or by external_ref
      // is the same event. A player made on the fly here is rolled back with a refused replay.
      const player = await this.players.resolveForEvent(tenantId, input.player, now);
      const hash = requestHash({ ...input, player: player.id });
      const earlier = await this.repo.findByKey(tenantId, eventKey);
      if (earlier) return replayOf(earlier, hash, input);
      const occurredAt = input.occurredAt ?? now;
      const id = newId('jev', now.getTime());
      const claimed = await this.repo.insert(tenantId, {
        id,
        eventKey,
        playerId: player.id,
        trigger: input.trigger,
        amount: input.amount ?? null,
        currency: input.currency ?? null,
        occurredAt,
        properties: input.properties ?? null,
        requestHash: hash,
        createdAt: now,
      });
      if (!claimed) return replayOf((await this.repo.findByKey(tenantId, eventKey))!, hash, input);

      // A deposit is a deposit whichever trigger named it; it also fires first_deposit if it is the
      // player's first deposit ever.
      let triggers = [input.trigger];
      if (isDeposit) {
        // Recipe 1 fires `{ trigger: "first_deposit" }` alone: such a deposit counts, adds nothing to
        // total_deposited and activates no bonus (a match needs an amount). The currency defaults to
        // the player's.
        const currency = input.currency ?? player.currency;
        const first = await this.players.recordDeposit(tenantId, player, input.amount ?? null, currency, occurredAt);
        if (input.amount !== undefined && currency !== null) {
          await this.bonuses.onDeposit(tenantId, player, { amount: input.amount, currency, occurredAt }, now);
        }
        triggers = first ? ['deposit', 'first_deposit'] : ['deposit'];
      } else if (input.trigger === 'login') {
        await this.players.recordLogin(tenantId, player, occurredAt);
      }
      const progressed: JourneyProgress[] = [];
      for (const trigger of triggers) {
        // A player registers once: a registration event shares the key of the one fired when the player
        // was created, so it moves each journey at most once (as first_deposit fires only once).
        const key = trigger === 'registration' ? registrationKey(player.id) : eventKey;
        progressed.push(...(await this.journeys.onTrigger(tenantId, player, { trigger, eventKey: key, amount: input.amount, occurredAt }, now)));
      }
      const response: PlayerEventResponse = { event_id: input.eventId ?? input.sourceWagerId!, progressed };
      await this.repo.setResponse(tenantId, id, response);
      return Replayable.first(response);
    });
  }
}

function replayOf(earlier: { requestHash: string; response: unknown }, hash: string, input: PlayerEventInput): Replayable<PlayerEventResponse> {
  if (earlier.requestHash !== hash || earlier.response === null) throw AppError.idempotencyKeyReused(input.eventId !== undefined ? 'event_id' : 'source_wager_id');
  return Replayable.replay(earlier.response as PlayerEventResponse);
}
