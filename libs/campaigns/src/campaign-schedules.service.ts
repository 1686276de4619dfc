import { Injectable } from '@nestjs/common';
import { CampaignQueue } from './campaign-queue.service.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { schedulerId } from './campaign.types.js';

/**
 * Keeps BullMQ's job schedulers equal to the active scheduled campaigns in PostgreSQL: the API
 * changes them as campaigns change; the worker repairs them at boot and then periodically (Redis
 * flushed, an API that died between its commit and BullMQ).
 */
@Injectable()
export class CampaignSchedules {
  constructor(
    private readonly repo: CampaignsRepository,
    private readonly queue: CampaignQueue,
  ) {}

  async reconcile(): Promise<{ added: number; removed: number }> {
    // BullMQ first: a campaign the API commits between the two reads then has its scheduler in neither
    // (added again below), never in Redis alone (which would be removed as stale)
    const held = await this.queue.schedulers();
    const wanted = await this.repo.scheduledEverywhere();
    let added = 0;
    let removed = 0;
    const keep = new Set<string>();
    for (const c of wanted) {
      const key = schedulerId(c.id);
      keep.add(key);
      if (held.get(key) !== c.schedule) {
        await this.queue.schedule(c.tenantId, c.id, c.schedule);
        added++;
      }
    }
    for (const key of held.keys()) {
      if (!keep.has(key) && key.startsWith('campaign:')) {
        await this.queue.unschedule(key.slice('campaign:'.length));
        removed++;
      }
    }
    return { added, removed };
  }
}
