import type { Logger } from '@nestjs/common';
import { leaseKey } from './webhook.types.js';
import type { WebhooksRepository } from './webhooks.repository.js';

/** A delivery attempt this process leased: sent, and recorded, only while `token` still holds it. */
export interface HeldLease {
  readonly deliveryId: string;
  readonly token: string;
  /** performance.now() before which the lease cannot have run out */
  validUntil: number;
  /** another worker took it (it ran out), or it was recorded */
  lost: boolean;
}

/**
 * The leases of every delivery this process holds — waiting for a send slot, in flight, or sent and
 * not yet recorded — renewed every `renewEveryMs` while they are held. A lease that runs out therefore
 * means that its worker died or lost the database, and never that a delivery waited long for a slot:
 * the sweeper may re-drive it at once.
 *
 * A lease's end is known locally, on the monotonic clock: the database sets it to its `now()` plus
 * `leaseMs`, and its `now()` is later than the moment the statement was sent.
 */
export class LeaseKeeper {
  private readonly held = new Set<HeldLease>();
  private timer: NodeJS.Timeout | undefined;
  private renewing = false;

  constructor(
    private readonly repo: WebhooksRepository,
    readonly leaseMs: number,
    private readonly renewEveryMs: number,
    private readonly logger: Logger,
  ) {}

  /** Leases just taken under `token`; `askedAt` is performance.now() from before the lease statement. */
  hold(deliveryIds: string[], token: string, askedAt: number): HeldLease[] {
    const leases = deliveryIds.map((deliveryId) => ({ deliveryId, token, validUntil: askedAt + this.leaseMs, lost: false }));
    for (const l of leases) this.held.add(l);
    if (this.timer === undefined && this.held.size > 0) {
      this.timer = setInterval(() => void this.renewHeld(), this.renewEveryMs);
      this.timer.unref();
    }
    return leases;
  }

  release(leases: readonly HeldLease[]): void {
    for (const l of leases) this.held.delete(l);
    if (this.held.size === 0) this.stopTimer();
  }

  /**
   * True if `lease` is still this process's and cannot run out within `forMs`, renewing it first if
   * the last renewal is too old to tell; false once another worker has it.
   */
  async confirm(lease: HeldLease, forMs: number): Promise<boolean> {
    if (lease.lost) return false;
    if (lease.validUntil - performance.now() >= forMs) return true;
    await this.renew([lease]);
    return !lease.lost && lease.validUntil - performance.now() >= forMs;
  }

  close(): void {
    this.stopTimer();
  }

  private async renewHeld(): Promise<void> {
    if (this.renewing) return;
    this.renewing = true;
    const leases = [...this.held].filter((l) => !l.lost);
    try {
      await this.renew(leases);
    } catch (err) {
      // Each send confirms its own lease first: a missed renewal costs a statement, never a double send.
      this.logger.warn('could not renew webhook delivery leases', { count: leases.length, error: String(err) });
    } finally {
      this.renewing = false;
    }
  }

  private async renew(leases: HeldLease[]): Promise<void> {
    const askedAt = performance.now();
    const kept = await this.repo.renewLeases(leases, this.leaseMs);
    for (const l of leases) {
      if (kept.has(leaseKey(l.deliveryId, l.token))) l.validUntil = Math.max(l.validUntil, askedAt + this.leaseMs);
      else l.lost = true;
    }
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
