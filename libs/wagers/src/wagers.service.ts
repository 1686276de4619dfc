import { Injectable } from '@nestjs/common';
import { AppError, newId, Replayable, requestHash, type TenantId } from '@app/common';
import { DbService } from '@app/db';
import { BonusEngine, type WageringResult } from '@app/bonuses';
import { JourneyEngine } from '@app/journeys';
import { type PlayerRef, PlayersService } from '@app/players';
import { WagersRepository } from './wagers.repository.js';

export interface WagerInput {
  sourceWagerId: string;
  player: PlayerRef;
  betAmount: bigint;
  winAmount: bigint;
  currency: string;
  gameCode: string;
  gameCategory: string;
  settledAt?: Date;
  tournamentIds?: string[];
  jackpotIds?: string[];
}

export interface WagerResponse {
  wager_id: string;
  source_wager_id: string;
  tournaments: unknown[];
  jackpots: unknown[];
  bonuses: WageringResult[];
}

/**
 * POST /v1/wagers, idempotent on source_wager_id (tenant): in one transaction the wager row is
 * claimed, and only a new one applies its effects — the player's stats at settled_at, wagering on the
 * player's active bonuses, the `wager` trigger of journeys — and stores the answer replays return.
 */
@Injectable()
export class WagersService {
  constructor(
    private readonly db: DbService,
    private readonly repo: WagersRepository,
    private readonly players: PlayersService,
    private readonly bonuses: BonusEngine,
    private readonly journeys: JourneyEngine,
  ) {}

  async ingest(tenantId: TenantId, input: WagerInput): Promise<Replayable<WagerResponse>> {
    const hash = requestHash(input);
    return this.db.transaction(async () => {
      const earlier = await this.repo.findBySource(tenantId, input.sourceWagerId);
      if (earlier) return replayOf(earlier, hash);
      const now = new Date();
      const settledAt = input.settledAt ?? now;
      const player = await this.players.resolveForEvent(tenantId, input.player, now);
      const id = newId('wgr', now.getTime());
      const claimed = await this.repo.insert(tenantId, {
        id,
        sourceWagerId: input.sourceWagerId,
        playerId: player.id,
        betAmount: input.betAmount,
        winAmount: input.winAmount,
        currency: input.currency,
        gameCode: input.gameCode,
        gameCategory: input.gameCategory,
        settledAt,
        requestHash: hash,
        createdAt: now,
      });
      if (!claimed) return replayOf((await this.repo.findBySource(tenantId, input.sourceWagerId))!, hash);

      await this.players.recordWager(tenantId, player, input.betAmount, input.currency, settledAt);
      const bonuses = await this.bonuses.onWager(tenantId, player, {
        betAmount: input.betAmount,
        winAmount: input.winAmount,
        currency: input.currency,
        gameCategory: input.gameCategory,
        settledAt,
      });
      await this.journeys.onTrigger(tenantId, player, { trigger: 'wager', eventKey: `w:${input.sourceWagerId}`, amount: input.betAmount, occurredAt: settledAt }, now);
      const response: WagerResponse = { wager_id: id, source_wager_id: input.sourceWagerId, tournaments: [], jackpots: [], bonuses };
      await this.repo.setResponse(tenantId, id, response);
      return Replayable.first(response);
    });
  }
}

function replayOf(earlier: { requestHash: string; response: unknown }, hash: string): Replayable<WagerResponse> {
  if (earlier.requestHash !== hash || earlier.response === null) throw AppError.idempotencyKeyReused('source_wager_id');
  return Replayable.replay(earlier.response as WagerResponse);
}
