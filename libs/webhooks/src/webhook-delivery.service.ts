import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type AppConfig, InjectConfig } from '@app/common';
import { DEFAULT_RETRY_DELAYS_SECONDS, retryDelayMs } from './retry-schedule.js';
import { decryptSecret } from './secret-box.js';
import { signatureHeader } from './signature.js';
import { WebhookQueue } from './webhook-queue.js';
import { WebhookSender } from './webhook-sender.js';
import { eventEnvelope } from './webhook.types.js';
import { WebhooksRepository } from './webhooks.repository.js';

export type AttemptResult = 'succeeded' | 'retrying' | 'failed' | 'skipped';

/**
 * Sends one attempt of one delivery. Safe to run twice for the same attempt (BullMQ is
 * at-least-once): the state is reloaded, the attempt is leased in PostgreSQL, and its result is
 * recorded only if no one recorded it first.
 */
@Injectable()
export class WebhookDeliveryService implements OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private readonly sender = new WebhookSender();
  private readonly delays: readonly number[];

  constructor(
    private readonly repo: WebhooksRepository,
    private readonly queue: WebhookQueue,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.delays = config.webhook.retryDelaysSeconds ?? DEFAULT_RETRY_DELAYS_SECONDS;
  }

  async attempt(deliveryId: string, attempt: number): Promise<AttemptResult> {
    const work = await this.repo.loadWork(deliveryId);
    if (!work || work.status !== 'pending' || work.attempts !== attempt - 1) return 'skipped';
    if (work.endpointDeleted) {
      await this.repo.failForDeletedEndpoint(deliveryId);
      return 'failed';
    }
    // The lease outlives the request's own timeout, so it only runs out for a worker that died.
    if (!(await this.repo.lease(deliveryId, attempt, this.config.webhook.timeoutMs + 5_000))) return 'skipped';

    const body = eventEnvelope(work.event);
    const secret = decryptSecret(this.config.webhook.secretKey, work.secretCiphertext);
    const startedAt = new Date();
    const result = await this.sender.send(
      work.url,
      {
        'content-type': 'application/json',
        'user-agent': 'WOWsino-Webhooks/1',
        // signed afresh on every attempt: the timestamp is the attempt's own
        'x-wowsino-signature': signatureHeader(secret, body, startedAt.getTime() / 1000),
        'x-wowsino-event': work.event.type,
        'x-wowsino-delivery': deliveryId,
      },
      body,
      { timeoutMs: this.config.webhook.timeoutMs, allowPrivateNetworks: this.config.webhook.allowPrivateNetworks },
    );

    const delay = result.ok ? undefined : retryDelayMs(attempt, work.maxAttempts, this.delays);
    const status = result.ok ? 'succeeded' : delay === undefined ? 'failed' : 'pending';
    const recorded = await this.repo.recordAttempt(deliveryId, {
      attempt,
      startedAt,
      durationMs: result.durationMs,
      statusCode: result.statusCode,
      error: result.error,
      status,
      nextAttemptAt: delay === undefined ? null : new Date(Date.now() + delay),
    });
    if (!recorded) return 'skipped';
    if (status === 'pending') {
      // If this fails (Redis away), the sweeper re-drives the delivery from PostgreSQL when it is due.
      await this.queue.ensure(deliveryId, attempt + 1, delay).catch((err: unknown) =>
        this.logger.warn('could not queue the next attempt; the sweeper will', { delivery_id: deliveryId, error: String(err) }),
      );
      return 'retrying';
    }
    return status;
  }

  onModuleDestroy(): void {
    this.sender.close();
  }
}
