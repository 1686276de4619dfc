import { Injectable } from '@nestjs/common';
import { DbService, Prisma } from '@app/db';
import type { TenantId } from '@app/common';

export interface PlayerEventRow {
  id: string;
  eventKey: string;
  playerId: string;
  trigger: string;
  amount: bigint | null;
  currency: string | null;
  occurredAt: Date;
  properties: Record<string, unknown> | null;
  requestHash: string;
  createdAt: Date;
}

@Injectable()
export class PlayerEventsRepository {
  constructor(private readonly db: DbService) {}

  async findByKey(tenantId: TenantId, eventKey: string): Promise<{ requestHash: string; response: unknown } | null> {
    return this.db.client.playerEvent.findUnique({ where: { tenantId_eventKey: { tenantId, eventKey } }, select: { requestHash: true, response: true } });
  }

  /** INSERT … ON CONFLICT DO NOTHING: false when the event key was taken (a concurrent one waits for the winner). */
  async insert(tenantId: TenantId, e: PlayerEventRow): Promise<boolean> {
    const count = await this.db.txClient.$executeRaw`
      INSERT INTO player_events (id, tenant_id, event_key, player_id, trigger, amount, currency, occurred_at, properties, request_hash, created_at)
      VALUES (${e.id}, ${tenantId}, ${e.eventKey}, ${e.playerId}, ${e.trigger}, ${e.amount}, ${e.currency}, ${e.occurredAt},
              ${e.properties === null ? null : JSON.stringify(e.properties)}::jsonb, ${e.requestHash}, ${e.createdAt})
      ON CONFLICT (tenant_id, event_key) DO NOTHING`;
    return count === 1;
  }

  async setResponse(tenantId: TenantId, id: string, response: object): Promise<void> {
    await this.db.txClient.playerEvent.update({ where: { id, tenantId }, data: { response: response as Prisma.InputJsonObject } });
  }
}
