import { Injectable } from '@nestjs/common';
import type { Answer, Replayable, TenantId } from '@app/common';
import type { ContributionResult } from '@app/jackpots';
import type { ScoreResult } from '@app/tournaments';
import { IngestBatcher } from './ingest-batcher.js';
import type { ContributeInput, ScoreInput, WagerInput, WagerResponse } from './ingest.types.js';

/**
 * The hot path of API.md §5: settled wagers, tournament scores and jackpot contributions, each
 * idempotent on its source_wager_id, all through the same batched transactions.
 */
@Injectable()
export class IngestService {
  constructor(private readonly batcher: IngestBatcher) {}

  /**
   * POST /v1/wagers: the player's stats at settled_at, wagering on their active bonuses, the `wager`
   * journey trigger, and the wager applied to the tournaments and jackpots it names plus the
   * auto_enroll ones of its currency.
   */
  wager(tenantId: TenantId, input: WagerInput): Promise<Replayable<Answer<WagerResponse>>> {
    return this.batcher.submit(tenantId, { kind: 'wager', input });
  }

  /** POST /v1/tournaments/:id/score. */
  score(tenantId: TenantId, tournamentId: string, input: ScoreInput): Promise<Replayable<ScoreResult>> {
    return this.batcher.submit(tenantId, { kind: 'score', tournamentId, input });
  }

  /** POST /v1/jackpots/:id/contribute. */
  contribute(tenantId: TenantId, jackpotId: string, input: ContributeInput): Promise<Replayable<ContributionResult>> {
    return this.batcher.submit(tenantId, { kind: 'contribute', jackpotId, input });
  }
}
