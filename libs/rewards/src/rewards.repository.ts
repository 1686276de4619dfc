import { Injectable } from '@nestjs/common';
import { DbService, Prisma } from '@app/db';
import type { TenantId } from '@app/common';
import type { Reward, RewardGrantView, RewardResult } from './reward.types.js';

@Injectable()
export class RewardsRepository {
  constructor(private readonly db: DbService) {}

  /** Claims a grant key; false when it was claimed before (a concurrent claim waits for the winner). */
  async claim(tenantId: TenantId, id: string, grantKey: string, playerId: string, reward: Reward, at: Date): Promise<boolean> {
    const rows = await this.db.txClient.$queryRaw<{ id: string }[]>`
      INSERT INTO reward_grants (id, tenant_id, grant_key, player_id, reward, result, created_at)
      VALUES (${id}, ${tenantId}, ${grantKey}, ${playerId}, ${JSON.stringify(reward)}::jsonb, '{}'::jsonb, ${at})
      ON CONFLICT (tenant_id, grant_key) DO NOTHING
      RETURNING id`;
    return rows.length === 1;
  }

  async setResult(tenantId: TenantId, id: string, result: RewardResult): Promise<void> {
    await this.db.txClient.rewardGrant.update({ where: { id, tenantId }, data: { result: result as unknown as Prisma.InputJsonObject } });
  }

  async find(tenantId: TenantId, grantKey: string): Promise<RewardGrantView | null> {
    const row = await this.db.client.rewardGrant.findUnique({ where: { tenantId_grantKey: { tenantId, grantKey } } });
    return (
      row && {
        grant_id: row.id,
        grant_key: row.grantKey,
        player_id: row.playerId,
        reward: row.reward as Reward,
        result: row.result as RewardResult,
        created_at: row.createdAt.toISOString(),
      }
    );
  }
}
