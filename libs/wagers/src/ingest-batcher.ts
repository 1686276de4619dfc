import { Injectable, Logger } from '@nestjs/common';
import { type AppConfig, InjectConfig, type Replayable, type TenantId } from '@app/common';
import { IngestBatch } from './ingest-batch.service.js';
import { IngestThread } from './ingest-thread.js';
import type { IngestItem } from './ingest.types.js';

interface Pending {
  item: IngestItem;
  resolve: (value: Replayable<unknown>) => void;
  reject: (error: unknown) => void;
}

/**
 * Groups concurrent wagers, scores and contributions into shared transactions. A request that finds
 * the process idle runs at once, alone; requests that arrive while batches are in flight wait for the
 * next free slot and go together (up to INGEST_BATCH_MAX, one tenant per batch). Under load a batch
 * carries many events for the price of one commit; at rest nothing waits.
 */
@Injectable()
export class IngestBatcher {
  private readonly logger = new Logger(IngestBatcher.name);
  /** waiting items per tenant; Map order is the order tenants are served in (a served tenant goes last) */
  private readonly waiting = new Map<TenantId, Pending[]>();
  private running = 0;

  constructor(
    private readonly batch: IngestBatch,
    private readonly thread: IngestThread,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  submit<T>(tenantId: TenantId, item: IngestItem): Promise<Replayable<T>> {
    return new Promise<Replayable<T>>((resolve, reject) => {
      const queue = this.waiting.get(tenantId);
      const pending = { item, resolve: resolve as Pending['resolve'], reject };
      if (queue) queue.push(pending);
      else this.waiting.set(tenantId, [pending]);
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.config.ingest.concurrency && this.waiting.size > 0) {
      const [tenantId, queue] = this.waiting.entries().next().value!;
      const taken = queue.splice(0, this.config.ingest.batchMax);
      this.waiting.delete(tenantId);
      if (queue.length > 0) this.waiting.set(tenantId, queue);
      this.running += 1;
      void this.run(tenantId, taken).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  private async run(tenantId: TenantId, taken: Pending[]): Promise<void> {
    try {
      const items = taken.map((p) => p.item);
      const outcomes = await (this.config.ingest.thread ? this.thread.run(tenantId, items) : this.batch.run(tenantId, items));
      outcomes.forEach((o, i) => (o.ok ? taken[i].resolve(o.value) : taken[i].reject(o.error)));
    } catch (err) {
      if (taken.length === 1) {
        taken[0].reject(err);
        return;
      }
      // something failed the whole batch: run each item alone, so only the item at fault fails
      this.logger.warn('a batch failed; running its items one by one', { size: taken.length, error: (err as Error).message });
      for (const p of taken) await this.run(tenantId, [p]);
    }
  }
}
