import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type AppConfig, decryptSecret, InjectConfig, Semaphore } from '@app/common';
import { DEFAULT_RETRY_DELAYS_SECONDS, retryDelayMs } from './retry-schedule.js';
import { signatureHeader } from './signature.js';
import { type HeldLease, LeaseKeeper } from './webhook-leases.js';
import { WebhookQueue } from './webhook-queue.js';
import { type SendResult, WebhookSender } from './webhook-sender.js';
import { type DeliveryWork, eventEnvelope } from './webhook.types.js';
import { type AttemptOutcome, WebhooksRepository } from './webhooks.repository.js';
import { AttemptRecorder } from './attempt-recorder.js';

export interface DeliverResult {
  succeeded: number;
  retrying: number;
  failed: number;
  skipped: number;
}

const SECRET_CACHE_MAX = 10_000;

/**
 * A lease lasts the request timeout plus this: what a dead worker's deliveries wait before the sweeper
 * can re-drive them. Held leases are renewed four times in this span; a send goes ahead without a
 * statement of its own while its lease is known to outlast the request by half of it.
 */
const LEASE_SLACK_MS = 5_000;

/** Recorded as a failed attempt: the cause is the key, and the error must carry nothing of it. */
export const SECRET_UNREADABLE = "cannot decrypt the endpoint's secret with the current WEBHOOK_SECRET_KEY (was the key changed?)";

type Outcome = AttemptOutcome & { deliveryId: string; leaseToken: string };

/** How long an ended attempt waits for others of its batch to end, to be recorded in one statement. */
const RECORD_GATHER_MS = 50;

/**
 * Sends one attempt of each of a few deliveries (a batch of first attempts from the relay, or one
 * retry). Safe to run twice for the same attempt (BullMQ is at-least-once): attempts are leased in
 * PostgreSQL under a token, an attempt is sent only while its lease is still this job's (checked in
 * the send slot: waiting for one can be long), and recorded only under that same lease.
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
  private readonly leases: LeaseKeeper;

  constructor(
    private readonly repo: WebhooksRepository,
    private readonly queue: WebhookQueue,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.delays = config.webhook.retryDelaysSeconds ?? DEFAULT_RETRY_DELAYS_SECONDS;
    this.inFlight = new Semaphore(config.webhook.concurrency);
    this.leases = new LeaseKeeper(repo, config.webhook.timeoutMs + LEASE_SLACK_MS, LEASE_SLACK_MS / 4, this.logger);
  }

  async deliver(deliveryIds: string[], attempt: number): Promise<DeliverResult> {
    const token = randomUUID();
    const askedAt = performance.now();
    const works = await this.repo.leaseWork(deliveryIds, attempt, this.leases.leaseMs, token);
    const leases = this.leases.hold(works.map((w) => w.deliveryId), token, askedAt);
    try {
      const result: DeliverResult = { succeeded: 0, retrying: 0, failed: 0, skipped: deliveryIds.length - works.length };
      for (const w of works.filter((x) => x.endpointDeleted)) {
        await this.repo.failForDeletedEndpoint(w.deliveryId, token);
        result.failed++;
      }
      // each attempt is recorded soon after it ends, with those that ended about then: a receiver
      // that answered at once is not shown pending until the batch's slowest one times out
      const recorder = new AttemptRecorder<Outcome>((batch) => this.repo.recordAttempts(batch), RECORD_GATHER_MS);
      const attemptAndRecord = async (w: DeliveryWork, lease: HeldLease): Promise<Outcome | undefined> => {
        const outcome = await this.attemptOnce(w, lease, attempt);
        if (outcome) recorder.add(outcome);
        return outcome;
      };
      const attempted = await Promise.all(works.flatMap((w, i) => (w.endpointDeleted ? [] : [attemptAndRecord(w, leases[i])])));
      const outcomes = attempted.filter((o) => o !== undefined);
      result.skipped += attempted.length - outcomes.length;
      const recorded = await recorder.finish();
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
    } finally {
      this.leases.release(leases);
    }
  }

  /**
   * One attempt of one delivery, or undefined when it is not this job's to send: its lease was lost to
   * another worker, or could not be confirmed (that lease runs out and the sweeper re-drives it).
   * Never rejects: the batch's other attempts, already sent, must still be recorded.
   */
  private async attemptOnce(work: DeliveryWork, lease: HeldLease, attempt: number): Promise<Outcome | undefined> {
    const body = eventEnvelope(work.event);
    let secret: string;
    try {
      secret = this.secretOf(work.secretCiphertext);
    } catch {
      // Nothing is sent. The error itself is left out: it says nothing more, and is no place for key material.
      this.logger.error('cannot decrypt the secret of a webhook endpoint', { endpoint_id: work.endpointId, delivery_id: work.deliveryId });
      return this.outcome(work, lease, attempt, new Date(), { ok: false, statusCode: null, error: SECRET_UNREADABLE, durationMs: 0 });
    }
    try {
      const sent = await this.inFlight.run(async () => {
        // The request must end, and its result be recorded, while the lease is still this job's.
        if (!(await this.leases.confirm(lease, this.config.webhook.timeoutMs + LEASE_SLACK_MS / 2))) return undefined;
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
      return sent && this.outcome(work, lease, attempt, sent.startedAt, sent.result);
    } catch (err) {
      this.logger.warn('could not confirm a delivery lease; the sweeper will re-drive it', { delivery_id: work.deliveryId, error: String(err) });
      return undefined;
    }
  }

  private outcome(work: DeliveryWork, lease: HeldLease, attempt: number, startedAt: Date, result: SendResult): Outcome {
    const delay = result.ok ? undefined : retryDelayMs(attempt, work.maxAttempts, this.delays);
    return {
      deliveryId: work.deliveryId,
      leaseToken: lease.token,
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
    this.leases.close();
    this.sender.close();
  }
}
