export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'succeeded', 'failed'];

export interface Endpoint {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  createdAt: Date;
}

export interface NewEndpoint extends Endpoint {
  secretCiphertext: string;
}

export interface DeliveryAttempt {
  attempt: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
}

export interface Delivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  maxAttempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  attemptLog: DeliveryAttempt[];
}

/** How a held lease (a delivery and the token it was leased under) is named in a set. */
export const leaseKey = (deliveryId: string, token: string): string => `${deliveryId} ${token}`;

/** What the worker needs to send one attempt of a delivery. */
export interface DeliveryWork {
  deliveryId: string;
  maxAttempts: number;
  url: string;
  endpointId: string;
  secretCiphertext: string;
  endpointDeleted: boolean;
  event: { id: string; type: string; tenantId: string; createdAt: Date; data: Record<string, unknown> };
}

export interface EndpointView {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  created_at: string;
}

export interface DeliveryView {
  id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
  attempt_log: { attempt: number; started_at: string; duration_ms: number; status_code: number | null; error: string | null }[];
}

export const toEndpointView = (e: Endpoint): EndpointView => ({
  id: e.id,
  url: e.url,
  events: e.events,
  description: e.description,
  created_at: e.createdAt.toISOString(),
});

export const toDeliveryView = (d: Delivery): DeliveryView => ({
  id: d.id,
  event_id: d.eventId,
  event_type: d.eventType,
  status: d.status,
  attempts: d.attempts,
  last_status_code: d.lastStatusCode,
  last_error: d.lastError,
  next_attempt_at: d.nextAttemptAt ? d.nextAttemptAt.toISOString() : null,
  created_at: d.createdAt.toISOString(),
  updated_at: d.updatedAt.toISOString(),
  attempt_log: d.attemptLog.map((a) => ({
    attempt: a.attempt,
    started_at: a.startedAt.toISOString(),
    duration_ms: a.durationMs,
    status_code: a.statusCode,
    error: a.error,
  })),
});

/**
 * The body of every delivery of an event: the same bytes on every attempt (only the signature's
 * timestamp changes), so receivers dedupe on `id`.
 */
export function eventEnvelope(e: DeliveryWork['event']): string {
  return JSON.stringify({ id: e.id, type: e.type, created_at: e.createdAt.toISOString(), tenant_id: e.tenantId, data: e.data });
}
