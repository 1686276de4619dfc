import { Injectable } from '@nestjs/common';
import { DbService } from '@app/db';
import type { TenantId } from '@app/common';

export interface WagerRow {
  id: string;
  sourceWagerId: string;
  playerId: string;
  betAmount: bigint;
  winAmount: bigint;
  currency: string;
  gameCode: string;
  gameCategory: string;
  settledAt: Date;
  requestHash: string;
  response: object;
  createdAt: Date;
}

@Injectable()
export class WagersRepository {
  constructor(private readonly db: DbService) {}

  /** Stored answers of these source_wager_ids. */
  async findBySources(tenantId: TenantId, sourceWagerIds: readonly string[]): Promise<Map<string, { requestHash: string; response: unknown }>> {
    if (sourceWagerIds.length === 0) return new Map();
    const rows = await this.db.client.wager.findMany({
      where: { tenantId, sourceWagerId: { in: [...sourceWagerIds] } },
      select: { sourceWagerId: true, requestHash: true, response: true },
    });
    return new Map(rows.map((r) => [r.sourceWagerId, { requestHash: r.requestHash, response: r.response }]));
  }

  /**
   * Claims a batch's source_wager_ids with their answers, INSERT … ON CONFLICT DO NOTHING in one
   * statement; returns how many were new (fewer: a duplicate committed meanwhile, after which this
   * insert waited for it).
   */
  async insertMany(tenantId: TenantId, rows: readonly WagerRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    return this.db.txClient.$executeRaw`
      INSERT INTO wagers (id, tenant_id, source_wager_id, player_id, bet_amount, win_amount, currency, game_code, game_category, settled_at,
                          request_hash, response, created_at)
      SELECT id, ${tenantId}, k, p, b, w, c, g, gc, s, h, r::json, ${rows[0].createdAt}
        FROM unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.sourceWagerId)}::text[], ${rows.map((r) => r.playerId)}::text[],
                    ${rows.map((r) => r.betAmount)}::bigint[], ${rows.map((r) => r.winAmount)}::bigint[], ${rows.map((r) => r.currency)}::text[],
                    ${rows.map((r) => r.gameCode)}::text[], ${rows.map((r) => r.gameCategory)}::text[], ${rows.map((r) => r.settledAt)}::timestamptz[],
                    ${rows.map((r) => r.requestHash)}::text[], ${rows.map((r) => JSON.stringify(r.response))}::text[])
             AS v(id, k, p, b, w, c, g, gc, s, h, r)
      ON CONFLICT (tenant_id, source_wager_id) DO NOTHING`;
  }
}
