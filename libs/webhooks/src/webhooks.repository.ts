import { Injectable } from '@nestjs/common';
import { DbService, Prisma } from '@app/db';
import { newId, type PageRequest, type TenantId } from '@app/common';
import { type DeliveryStatus, type Endpoint, type Delivery, type DeliveryAttempt, type DeliveryWork, leaseKey, type NewEndpoint } from './webhook.types.js';

type EndpointRow = Prisma.WebhookEndpointGetPayload<object>;
type DeliveryRow = Prisma.WebhookDeliveryGetPayload<{ include: { attemptsLog: true } }>;

const toEndpoint = (r: EndpointRow): Endpoint => ({
  id: r.id,
  url: r.url,
  events: r.events,
  description: r.description,
  createdAt: r.createdAt,
});

const toDelivery = (r: DeliveryRow): Delivery => ({
  id: r.id,
  endpointId: r.endpointId,
  eventId: r.eventId,
  eventType: r.eventType,
  status: r.status as DeliveryStatus,
  attempts: r.attempts,
  maxAttempts: r.maxAttempts,
  lastStatusCode: r.lastStatusCode,
  lastError: r.lastError,
  nextAttemptAt: r.nextAttemptAt,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  attemptLog: r.attemptsLog
    .sort((a, b) => a.attempt - b.attempt)
    .map((a): DeliveryAttempt => ({ attempt: a.attempt, startedAt: a.startedAt, durationMs: a.durationMs, statusCode: a.statusCode, error: a.error })),
});

export interface AttemptOutcome {
  attempt: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
}

@Injectable()
export class WebhooksRepository {
  constructor(private readonly db: DbService) {}

  // ---- endpoints (API) -------------------------------------------------------------------------

  async createEndpoint(tenantId: TenantId, e: NewEndpoint): Promise<Endpoint> {
    const row = await this.db.client.webhookEndpoint.create({
      data: { id: e.id, tenantId, url: e.url, events: e.events, description: e.description, secretCiphertext: e.secretCiphertext, createdAt: e.createdAt },
    });
    return toEndpoint(row);
  }

  async listEndpoints(tenantId: TenantId, page: PageRequest): Promise<Endpoint[]> {
    const rows = await this.db.client.webhookEndpoint.findMany({
      where: { tenantId, deletedAt: null, ...(page.cursor && { id: { lt: page.cursor } }) },
      orderBy: { id: 'desc' },
      take: page.limit + 1,
    });
    return rows.map(toEndpoint);
  }

  async findEndpoint(tenantId: TenantId, id: string): Promise<Endpoint | null> {
    const row = await this.db.client.webhookEndpoint.findFirst({ where: { id, tenantId, deletedAt: null } });
    return row && toEndpoint(row);
  }

  async deleteEndpoint(tenantId: TenantId, id: string): Promise<boolean> {
    const { count } = await this.db.client.webhookEndpoint.updateMany({ where: { id, tenantId, deletedAt: null }, data: { deletedAt: new Date() } });
    return count === 1;
  }

  // ---- deliveries (API) ------------------------------------------------------------------------

  async listDeliveries(tenantId: TenantId, endpointId: string, status: DeliveryStatus | undefined, page: PageRequest): Promise<Delivery[]> {
    const rows = await this.db.client.webhookDelivery.findMany({
      where: { tenantId, endpointId, ...(status && { status }), ...(page.cursor && { id: { lt: page.cursor } }) },
      include: { attemptsLog: true },
      orderBy: { id: 'desc' },
      take: page.limit + 1,
    });
    return rows.map(toDelivery);
  }

  async findDelivery(tenantId: TenantId, endpointId: string, id: string): Promise<Delivery | null> {
    const row = await this.db.client.webhookDelivery.findFirst({ where: { id, tenantId, endpointId }, include: { attemptsLog: true } });
    return row && toDelivery(row);
  }

  /**
   * A manual retry: one more attempt, now. A failed delivery becomes pending again with room for one
   * attempt; a pending one just moves its next attempt to now. Succeeded deliveries are left alone.
   */
  async scheduleManualRetry(tenantId: TenantId, id: string): Promise<boolean> {
    const count = await this.db.client.$executeRaw`
      UPDATE webhook_deliveries
         SET status = 'pending',
             max_attempts = CASE WHEN status = 'failed' THEN attempts + 1 ELSE max_attempts END,
             next_attempt_at = now(),
             updated_at = now()
       WHERE id = ${id} AND tenant_id = ${tenantId} AND status IN ('failed', 'pending')`;
    return count === 1;
  }

  // ---- the worker ------------------------------------------------------------------------------

  /**
   * @crossTenant the outbox relay serves every tenant: it turns up to `limit` undispatched events
   * into one delivery per subscribed endpoint and marks them dispatched, in one transaction. Several
   * relays can run at once (SKIP LOCKED); the unique (endpoint, event) key makes a repeat a no-op.
   */
  async dispatchOutboxBatch(limit: number, maxAttempts: number): Promise<{ events: number; deliveries: string[] }> {
    return this.db.transaction(async () => {
      const c = this.db.client;
      const events = await c.$queryRaw<{ id: string; tenant_id: string; type: string }[]>`
        SELECT id, tenant_id, type FROM outbox_events
         WHERE dispatched_at IS NULL
         ORDER BY created_at, id
         LIMIT ${limit}
         FOR UPDATE SKIP LOCKED`;
      if (events.length === 0) return { events: 0, deliveries: [] };
      const tenantIds = [...new Set(events.map((e) => e.tenant_id))];
      const endpoints = await c.$queryRaw<{ id: string; tenant_id: string; events: string[] }[]>`
        SELECT id, tenant_id, events FROM webhook_endpoints
         WHERE tenant_id = ANY(${tenantIds}::text[]) AND deleted_at IS NULL`;
      const rows = events.flatMap((e) =>
        endpoints
          .filter((ep) => ep.tenant_id === e.tenant_id && (ep.events.includes('*') || ep.events.includes(e.type)))
          .map((ep) => ({ id: newId('dlv'), tenantId: e.tenant_id, endpointId: ep.id, eventId: e.id, type: e.type })),
      );
      let created: string[] = [];
      if (rows.length > 0) {
        const inserted = await c.$queryRaw<{ id: string }[]>`
          INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type, max_attempts, next_attempt_at)
          SELECT d.id, d.tenant_id, d.endpoint_id, d.event_id, d.event_type, ${maxAttempts}, now()
            FROM unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.tenantId)}::text[], ${rows.map((r) => r.endpointId)}::text[],
                        ${rows.map((r) => r.eventId)}::text[], ${rows.map((r) => r.type)}::text[])
                 AS d(id, tenant_id, endpoint_id, event_id, event_type)
          ON CONFLICT (endpoint_id, event_id) DO NOTHING
          RETURNING id`;
        created = inserted.map((r) => r.id);
      }
      await c.$executeRaw`UPDATE outbox_events SET dispatched_at = now() WHERE id = ANY(${events.map((e) => e.id)}::text[])`;
      return { events: events.length, deliveries: created };
    });
  }

  /**
   * @crossTenant the delivery worker takes the lease of attempt `attempt` of each delivery under
   * `token` and loads what it needs to send them, in one statement: only one worker holds a given
   * attempt at a time, a crashed worker's lease simply runs out, and a delivery left out has nothing to
   * do (done, or leased by a live worker).
   */
  async leaseWork(deliveryIds: string[], attempt: number, leaseMs: number, token: string): Promise<DeliveryWork[]> {
    const rows = await this.db.client.$queryRaw<
      {
        id: string;
        max_attempts: number;
        url: string;
        endpoint_id: string;
        secret_ciphertext: string;
        endpoint_deleted: boolean;
        event_id: string;
        event_type: string;
        tenant_id: string;
        event_created_at: Date;
        data: Record<string, unknown>;
      }[]
    >`
      UPDATE webhook_deliveries d
         SET leased_until = now() + make_interval(secs => ${leaseMs / 1000}::float8), lease_token = ${token}, updated_at = now()
        FROM webhook_endpoints e, outbox_events o
       WHERE d.id = ANY(${deliveryIds}::text[]) AND d.status = 'pending' AND d.attempts = ${attempt - 1}
         AND (d.leased_until IS NULL OR d.leased_until < now())
         AND e.id = d.endpoint_id AND o.id = d.event_id
      RETURNING d.id, d.max_attempts, e.url, e.id AS endpoint_id, e.secret_ciphertext, e.deleted_at IS NOT NULL AS endpoint_deleted,
                o.id AS event_id, o.type AS event_type, o.tenant_id, o.created_at AS event_created_at, o.data`;
    return rows.map((r) => ({
      deliveryId: r.id,
      maxAttempts: r.max_attempts,
      url: r.url,
      endpointId: r.endpoint_id,
      secretCiphertext: r.secret_ciphertext,
      endpointDeleted: r.endpoint_deleted,
      event: { id: r.event_id, type: r.event_type, tenantId: r.tenant_id, createdAt: r.event_created_at, data: r.data },
    }));
  }

  /**
   * @crossTenant extends the leases still held under their tokens; returns those, named by leaseKey. A
   * lease missing from the answer was lost: it ran out and another worker took it, or it was recorded.
   */
  async renewLeases(leases: ReadonlyArray<{ deliveryId: string; token: string }>, leaseMs: number): Promise<Set<string>> {
    if (leases.length === 0) return new Set();
    const rows = await this.db.client.$queryRaw<{ id: string; lease_token: string }[]>`
      UPDATE webhook_deliveries d
         SET leased_until = now() + make_interval(secs => ${leaseMs / 1000}::float8)
        FROM unnest(${leases.map((l) => l.deliveryId)}::text[], ${leases.map((l) => l.token)}::text[]) AS h(id, token)
       WHERE d.id = h.id AND d.lease_token = h.token AND d.status = 'pending'
      RETURNING d.id, d.lease_token`;
    return new Set(rows.map((r) => leaseKey(r.id, r.lease_token)));
  }

  /**
   * @crossTenant records attempts and the deliveries' new states in one statement, each once and only
   * under the lease it was sent under: a second record of the same attempt (a job that ran twice), or
   * one whose lease another worker took, changes nothing. Returns the ids recorded.
   */
  async recordAttempts(outcomes: Array<AttemptOutcome & { deliveryId: string; leaseToken: string }>): Promise<Set<string>> {
    if (outcomes.length === 0) return new Set();
    const rows = await this.db.client.$queryRaw<{ delivery_id: string }[]>`
      WITH o AS (
        SELECT * FROM unnest(
          ${outcomes.map((x) => x.deliveryId)}::text[], ${outcomes.map((x) => x.attempt)}::int[],
          ${outcomes.map((x) => x.startedAt.toISOString())}::timestamptz[], ${outcomes.map((x) => x.durationMs)}::int[],
          ${outcomes.map((x) => x.statusCode)}::int[], ${outcomes.map((x) => x.error)}::text[], ${outcomes.map((x) => x.status)}::text[],
          ${outcomes.map((x) => x.nextAttemptAt?.toISOString() ?? null)}::timestamptz[], ${outcomes.map((x) => x.leaseToken)}::text[]
        ) AS o(id, attempt, started_at, duration_ms, status_code, error, status, next_attempt_at, lease_token)
      ), updated AS (
        UPDATE webhook_deliveries d
           SET attempts = o.attempt, status = o.status, last_status_code = o.status_code, last_error = o.error,
               next_attempt_at = o.next_attempt_at, leased_until = NULL, lease_token = NULL, updated_at = now()
          FROM o
         WHERE d.id = o.id AND d.attempts = o.attempt - 1 AND d.status = 'pending' AND d.lease_token = o.lease_token
        RETURNING d.id
      )
      INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error)
      SELECT o.id, o.attempt, o.started_at, o.duration_ms, o.status_code, o.error FROM o JOIN updated u ON u.id = o.id
      RETURNING delivery_id`;
    return new Set(rows.map((r) => r.delivery_id));
  }

  /** @crossTenant gives up on a delivery whose endpoint was deleted, if its lease is still `token`'s. */
  async failForDeletedEndpoint(deliveryId: string, token: string): Promise<void> {
    await this.db.client.$executeRaw`
      UPDATE webhook_deliveries
         SET status = 'failed', last_error = 'endpoint deleted', next_attempt_at = NULL, leased_until = NULL, lease_token = NULL, updated_at = now()
       WHERE id = ${deliveryId} AND status = 'pending' AND lease_token = ${token}`;
  }

  /**
   * @crossTenant the sweeper's work: pending deliveries overdue by `graceMs` whose lease (if any) ran
   * out. Live workers renew the leases they hold, so their job was lost (Redis flushed, a crash between
   * commit and enqueue), its worker died, or it is late.
   */
  async overdue(graceMs: number, limit: number): Promise<{ id: string; attempts: number }[]> {
    return this.db.client.$queryRaw<{ id: string; attempts: number }[]>`
      SELECT id, attempts FROM webhook_deliveries
       WHERE status = 'pending' AND next_attempt_at <= now() - make_interval(secs => ${graceMs / 1000}::float8)
         AND (leased_until IS NULL OR leased_until < now())
       ORDER BY next_attempt_at
       LIMIT ${limit}`;
  }
}
