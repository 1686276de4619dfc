import { Injectable, Logger } from '@nestjs/common';
import { type AppConfig, InjectConfig, Loop } from '@app/common';
import { DEFAULT_RETRY_DELAYS_SECONDS, maxAttemptsFor } from './retry-schedule.js';
import { WebhookQueue } from './webhook-queue.js';
import { WebhooksRepository } from './webhooks.repository.js';

const RELAY_BATCH = 500;
const SWEEP_EVERY_MS = 5_000;
const SWEEP_BATCH = 500;

/**
 * The worker's two loops that keep webhooks flowing from PostgreSQL, whatever happens to Redis:
 *
 * - the outbox relay turns new outbox events into deliveries (one per subscribed endpoint) and queues
 *   their first attempt;
 * - the sweeper finds pending deliveries that are overdue with no live lease (their job was lost: Redis
 *   flushed, a crash between commit and enqueue; or its worker died, since a live one renews the leases
 *   it holds) and queues them again, without waiting for BullMQ to notice a dead worker's job.
 *
 * Both run in every worker process; SKIP LOCKED, leases and deterministic job ids keep them from
 * doubling anything.
 */
@Injectable()
export class WebhookLoops {
  private readonly logger = new Logger('Webhooks');
  private readonly relay: Loop;
  private readonly sweeper: Loop;
  private readonly maxAttempts: number;
  private readonly sweepGraceMs: number;

  constructor(
    private readonly repo: WebhooksRepository,
    private readonly queue: WebhookQueue,
    @InjectConfig() config: AppConfig,
  ) {
    this.maxAttempts = maxAttemptsFor(config.webhook.retryDelaysSeconds ?? DEFAULT_RETRY_DELAYS_SECONDS);
    // Overdue means later than a queued job would normally start.
    this.sweepGraceMs = Math.max(10_000, config.webhook.timeoutMs);
    this.relay = new Loop('outbox relay', () => this.relayOnce(), config.webhook.outboxPollMs, this.logger);
    this.sweeper = new Loop('delivery sweeper', () => this.sweepOnce(), SWEEP_EVERY_MS, this.logger);
  }

  start(): void {
    this.relay.start();
    this.sweeper.start();
  }

  async stop(): Promise<void> {
    await Promise.all([this.relay.stop(), this.sweeper.stop()]);
  }

  /** One batch; true while there may be more. */
  async relayOnce(): Promise<boolean> {
    const { events, deliveries } = await this.repo.dispatchOutboxBatch(RELAY_BATCH, this.maxAttempts);
    if (deliveries.length > 0) {
      await this.queue.addFirstAttempts(deliveries).catch((err: unknown) =>
        this.logger.warn('could not queue new deliveries; the sweeper will', { count: deliveries.length, error: String(err) }),
      );
    }
    return events === RELAY_BATCH;
  }

  async sweepOnce(): Promise<boolean> {
    const overdue = await this.repo.overdue(this.sweepGraceMs, SWEEP_BATCH);
    let requeued = 0;
    for (const d of overdue) if (await this.queue.redrive(d.id, d.attempts + 1)) requeued++;
    if (requeued > 0) this.logger.log('re-queued overdue deliveries', { count: requeued });
    return false;
  }
}
