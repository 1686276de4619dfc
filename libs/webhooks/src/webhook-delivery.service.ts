import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type AppConfig, decryptSecret, InjectConfig, Semaphore } from '@app/common';
import { DEFAULT_RETRY_DELAYS_SECONDS, retryDelayMs } from './retry-schedule.js';
import { signatureHeader } from './signature.js';
import { WebhookQueue } from './webhook-queue.js';
import { WebhookSender } from './webhook-sender.js';
import { type DeliveryWork, eventEnvelope } from './webhook.types.js';
import { type AttemptOutcome, WebhooksRepository } from './webhooks.repository.js';

export interface DeliverResult {
  succeeded: number;
  retrying: number;
  failed: number;
  skipped: number;
}

const SECRET_CACHE_MAX = 10_000;

/**
 * Sends one attempt of each of a few deliveries (a batch of first attempts from the relay, or one
 * retry). Safe to run twice for the same attempt (BullMQ is at-least-once): attempts are leased in
 * PostgreSQL, and a result is recorded only if no one recorded it first.
 */
@Injectable()
export class WebhookDeliveryService implements OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private readonly sender = new WebhookSender();
  private readonly delays: readonly number[];
  /** ciphertext → secret: decrypting once per endpoint, not once per delivery */
  private readonly secrets = new Map<string, string>();
  /** WEBHOOK_CONCURRENCY requests in flight per process, however the deliveries are batched into jobs */
  private readonly inFlight: Semaphore;

  constructor(
    private readonly repo: WebhooksRepository,
    private readonly queue: WebhookQueue,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.delays = config.webhook.retryDelaysSeconds ?? DEFAULT_RETRY_DELAYS_SECONDS;
    this.inFlight = new Semaphore(config.webhook.concurrency);
  }

  async deliver(deliveryIds: string[], attempt: number): Promise<DeliverResult> {
    // The lease outlives the request's own timeout, so it only runs out for a worker that died.
    const works = await this.repo.leaseWork(deliveryIds, attempt, this.config.webhook.timeoutMs + 5_000);
    const result: DeliverResult = { succeeded: 0, retrying: 0, failed: 0, skipped: deliveryIds.length - works.length };
    for (const w of works.filter((x) => x.endpointDeleted)) {
      await this.repo.failForDeletedEndpoint(w.deliveryId);
      result.failed++;
    }
    const outcomes = await Promise.all(works.filter((w) => !w.endpointDeleted).map((w) => this.send(w, attempt)));
    const recorded = await this.repo.recordAttempts(outcomes);
    const retries: Array<{ deliveryId: string; delayMs: number }> = [];
    for (const o of outcomes) {
      if (!recorded.has(o.deliveryId)) result.skipped++;
      else if (o.status === 'succeeded') result.succeeded++;
      else if (o.status === 'failed') result.failed++;
      else {
        result.retrying++;
        retries.push({ deliveryId: o.deliveryId, delayMs: o.nextAttemptAt!.getTime() - Date.now() });
      }
    }
    // If this fails (Redis away), the sweeper re-drives them from PostgreSQL when they are due.
    await this.queue.addRetries(retries, attempt + 1).catch((err: unknown) =>
      this.logger.warn('could not queue retries; the sweeper will', { count: retries.length, error: String(err) }),
    );
    return result;
  }

  private async send(work: DeliveryWork, attempt: number): Promise<AttemptOutcome & { deliveryId: string }> {
    const body = eventEnvelope(work.event);
    const secret = this.secretOf(work.secretCiphertext);
    const { startedAt, result } = await this.inFlight.run(async () => {
      const startedAt = new Date();
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'WOWsino-Webhooks/1',
        // signed afresh on every attempt: the timestamp is the attempt's own
        'x-wowsino-signature': signatureHeader(secret, body, startedAt.getTime() / 1000),
        'x-wowsino-event': work.event.type,
        'x-wowsino-delivery': work.deliveryId,
      };
      const options = { timeoutMs: this.config.webhook.timeoutMs, allowPrivateNetworks: this.config.webhook.allowPrivateNetworks };
      return { startedAt, result: await this.sender.send(work.url, headers, body, options) };
    });
    const delay = result.ok ? undefined : retryDelayMs(attempt, work.maxAttempts, this.delays);
    return {
      deliveryId: work.deliveryId,
      attempt,
      startedAt,
      durationMs: result.durationMs,
      statusCode: result.statusCode,
      error: result.error,
      status: result.ok ? 'succeeded' : delay === undefined ? 'failed' : 'pending',
      nextAttemptAt: delay === undefined ? null : new Date(Date.now() + delay),
    };
  }

  private secretOf(ciphertext: string): string {
    let secret = this.secrets.get(ciphertext);
    if (secret === undefined) {
      secret = decryptSecret(this.config.webhook.secretKey, ciphertext);
      if (this.secrets.size >= SECRET_CACHE_MAX) this.secrets.clear();
      this.secrets.set(ciphertext, secret);
    }
    return secret;
  }

  onModuleDestroy(): void {
    this.sender.close();
  }
}
