import { Injectable } from '@nestjs/common';
import { DbService, Prisma } from '@app/db';
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
  createdAt: Date;
}

@Injectable()
export class WagersRepository {
  constructor(private readonly db: DbService) {}

  async findBySource(tenantId: TenantId, sourceWagerId: string): Promise<{ requestHash: string; response: unknown } | null> {
    return this.db.client.wager.findUnique({
      where: { tenantId_sourceWagerId: { tenantId, sourceWagerId } },
      select: { requestHash: true, response: true },
    });
  }

  /** INSERT … ON CONFLICT DO NOTHING: false when the source_wager_id was taken (a concurrent one waits for the winner). */
  async insert(tenantId: TenantId, w: WagerRow): Promise<boolean> {
    const count = await this.db.txClient.$executeRaw`
      INSERT INTO wagers (id, tenant_id, source_wager_id, player_id, bet_amount, win_amount, currency, game_code, game_category, settled_at, request_hash, created_at)
      VALUES (${w.id}, ${tenantId}, ${w.sourceWagerId}, ${w.playerId}, ${w.betAmount}, ${w.winAmount}, ${w.currency}, ${w.gameCode}, ${w.gameCategory},
              ${w.settledAt}, ${w.requestHash}, ${w.createdAt})
      ON CONFLICT (tenant_id, source_wager_id) DO NOTHING`;
    return count === 1;
  }

  async setResponse(tenantId: TenantId, id: string, response: object): Promise<void> {
    await this.db.txClient.wager.update({ where: { id, tenantId }, data: { response: response as Prisma.InputJsonObject } });
  }
}
