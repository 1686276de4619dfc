import { Injectable } from '@nestjs/common';
import { DbService } from '@app/db';
import type { TenantId } from '@app/common';
import type { EventType } from './event-types.js';

export interface OutboxEventRow {
  id: string;
  type: EventType;
  data: Record<string, unknown>;
  createdAt: Date;
}

@Injectable()
export class OutboxRepository {
  constructor(private readonly db: DbService) {}

  /** Only inside a transaction: the event commits, or rolls back, with the change it describes. */
  async insert(tenantId: TenantId, event: OutboxEventRow): Promise<void> {
    await this.db.txClient.outboxEvent.create({
      data: { id: event.id, tenantId, type: event.type, data: event.data as object, createdAt: event.createdAt },
    });
  }
}
