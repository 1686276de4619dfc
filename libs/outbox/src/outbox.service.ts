import { Injectable } from '@nestjs/common';
import { newId, type TenantId } from '@app/common';
import type { EventType } from './event-types.js';
import { OutboxRepository } from './outbox.repository.js';

@Injectable()
export class OutboxService {
  constructor(private readonly outbox: OutboxRepository) {}

  /**
   * Records an event for webhook delivery. Call it inside the transaction of the change it announces:
   * nothing is announced that did not happen, nothing that happened goes unannounced.
   */
  async emit(tenantId: TenantId, type: EventType, data: Record<string, unknown>, at = new Date()): Promise<string> {
    const id = newId('evt', at.getTime());
    await this.outbox.insert(tenantId, { id, type, data, createdAt: at });
    return id;
  }
}
