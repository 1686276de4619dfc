import { Injectable, Logger } from '@nestjs/common';
import { AppError, type TenantId } from '@app/common';
import { DbService, isTransient } from '@app/db';
import { OutboxService } from '@app/outbox';
import { isExcluded, PlayersService } from '@app/players';
import { RewardsService } from '@app/rewards';
import { lastPrizeRank, prizeFor } from './prizes.js';
import type { TournamentResult } from './tournament.types.js';
import { TournamentsRepository } from './tournaments.repository.js';

const DUE_BATCH = 20;

/**
 * The worker's end of a tournament, at finalize_at (ends_at + grace): in one transaction, with the
 * tournament locked FOR UPDATE (which waits for batches still scoring it, and makes later ones see it
 * finished), the ranking is frozen, each prize rank is granted once through the reward service (grant
 * key tournament:<id>:rank:<n>), and tournament.finished is emitted. A second run, or a run after a
 * crash midway (the transaction rolled back), finds the state and the grant keys and does nothing twice.
 */
@Injectable()
export class TournamentFinalizer {
  private readonly logger = new Logger(TournamentFinalizer.name);

  constructor(
    private readonly db: DbService,
    private readonly repo: TournamentsRepository,
    private readonly players: PlayersService,
    private readonly rewards: RewardsService,
    private readonly outbox: OutboxService,
  ) {}

  /** One round over the due tournaments; true while there may be more. */
  async tick(): Promise<boolean> {
    const due = await this.repo.due(new Date(), DUE_BATCH);
    for (const { tenantId, id } of due) {
      try {
        await this.finalize(tenantId, id);
      } catch (err) {
        this.logger.error('tournament finalization failed; retried next round', { tournamentId: id, error: (err as Error).message });
      }
    }
    return due.length === DUE_BATCH;
  }

  async finalize(tenantId: TenantId, id: string, now = new Date()): Promise<'finished' | 'skipped'> {
    return this.db.transaction(
      async () => {
        const t = await this.repo.lock(tenantId, id);
        if (!t || t.state !== 'open' || now < t.finalizeAt) return 'skipped';
        const { total, standings } = await this.repo.ranking(tenantId, id, lastPrizeRank(t.prizes));
        const refs = await this.repo.externalRefs(tenantId, standings.map((s) => s.playerId));
        const results: TournamentResult[] = [];
        for (const [i, s] of standings.entries()) {
          const rank = i + 1;
          const reward = prizeFor(t.prizes, rank);
          if (!reward) continue;
          const player = await this.players.require(tenantId, s.playerId);
          const base = { rank, player_id: s.playerId, external_ref: refs.get(s.playerId) ?? player.externalRef, score: Number(s.score), reward };
          if (isExcluded(player, now)) {
            results.push({ ...base, granted: false, grant_id: null, result: null, error: 'player_excluded' });
            continue;
          }
          // A prize that cannot be granted (a balance at its ceiling, a lootbox that refuses) is
          // recorded as not granted with the reason; the others are paid and the tournament finishes.
          // Only the database being unavailable fails the whole run, to be retried.
          try {
            const { grant } = await this.db.savepoint(() => this.rewards.grant(tenantId, player, reward, `tournament:${id}:rank:${rank}`, now));
            results.push({ ...base, granted: true, grant_id: grant.grant_id, result: grant.result });
          } catch (err) {
            if (isTransient(err)) throw err;
            const error = err instanceof AppError ? err.code : 'internal_error';
            this.logger.error('a tournament prize could not be granted', { tournamentId: id, rank, error: err instanceof Error ? err.message : String(err) });
            results.push({ ...base, granted: false, grant_id: null, result: null, error });
          }
        }
        await this.repo.finish(tenantId, id, results, total, now);
        await this.outbox.emit(
          tenantId,
          'tournament.finished',
          {
            tournament_id: t.id,
            name: t.name,
            currency: t.currency,
            starts_at: t.startsAt.toISOString(),
            ends_at: t.endsAt.toISOString(),
            finished_at: now.toISOString(),
            total_players: total,
            results,
          },
          now,
        );
        this.logger.log('tournament finished', { tournamentId: id, totalPlayers: total, prizes: results.length });
        return 'finished';
      },
      { timeoutMs: 300_000 },
    );
  }
}
