import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AppProcess, startApiProcess, startWorkerProcess, type RunningApi } from '../support/processes.js';
import { Receiver, type ReceivedRecord } from '../support/receiver.js';
import { clearRedisPrefix, createTestEnv, type TestEnv } from '../support/test-env.js';
import { createTenant, type TestTenant, uniqueRef } from '../support/factories.js';
import { eventually } from '../support/wait.js';

let env: TestEnv;
let api: RunningApi;
let worker: AppProcess;

beforeAll(async () => {
  env = await createTestEnv({
    WEBHOOK_RETRY_DELAYS_SECONDS: '1,1,1,1,1,1,1,1,1,1,1,1',
    WEBHOOK_TIMEOUT_MS: '2000',
    OUTBOX_POLL_MS: '50',
    // BullMQ would hand a crashed worker's jobs on only after 5 minutes, far beyond what these tests
    // wait: re-driving them is the sweeper's, from PostgreSQL
    QUEUE_LOCK_MS: '300000',
  });
  api = await startApiProcess(env.env);
  worker = await startWorkerProcess(env.env);
});

afterAll(async () => {
  await worker?.stop();
  await api?.stop();
  await env?.close();
});

interface Subscription {
  tenant: TestTenant;
  hookId: string;
  secret: string;
}

async function subscribe(receiver: Receiver): Promise<Subscription> {
  const tenant = await createTenant(api.platform);
  const res = await tenant.admin.post('/v1/webhooks', { url: receiver.url, events: ['player.created'] });
  expect(res.status).toBe(201);
  await receiver.configure({ secret: res.body.secret });
  return { tenant, hookId: res.body.id, secret: res.body.secret };
}

async function createPlayers(tenant: TestTenant, n: number): Promise<string[]> {
  const results = await Promise.all(Array.from({ length: n }, () => tenant.server.post('/v1/players', { external_ref: uniqueRef('res') })));
  for (const r of results) expect(r.status).toBe(201);
  return results.map((r) => r.body.id as string).sort();
}

/** The player ids whose player.created arrived verified and was answered 2xx. */
const deliveredPlayers = (got: ReceivedRecord[]): string[] =>
  got.filter((r) => r.verified && r.answered === 200).map((r) => JSON.parse(r.raw).data.id as string);

const allDelivered = (players: string[]) => (got: ReceivedRecord[]) => players.every((p) => deliveredPlayers(got).includes(p));

async function deliveryStates(hookId: string): Promise<Record<string, number>> {
  const { rows } = await env.pool.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int n FROM webhook_deliveries WHERE endpoint_id = $1 GROUP BY status',
    [hookId],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

async function failedAttempts(hookId: string): Promise<number> {
  const { rows } = await env.pool.query(
    'SELECT count(*)::int n FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = $1 AND a.status_code IS NULL',
    [hookId],
  );
  return rows[0].n;
}

describe('webhook delivery survives failures', () => {
  it('delivers every event, each once, to a receiver that was down for a while', async () => {
    let receiver = await Receiver.start();
    const { tenant, hookId, secret } = await subscribe(receiver);
    const port = receiver.port;
    await receiver.stop();
    try {
      const players = await createPlayers(tenant, 10);
      // the receiver is down: attempts fail (connection refused) and are retried
      await eventually(async () => (await failedAttempts(hookId)) >= 20, 20_000, 'failed attempts while down');
      receiver = await Receiver.start(port);
      await receiver.configure({ secret });
      const got = await receiver.waitFor(allDelivered(players), 30_000);
      expect(deliveredPlayers(got).sort()).toEqual(players);
      // each event id arrived exactly once: nothing reached the receiver while it was down
      expect(new Set(got.map((r) => JSON.parse(r.raw).id)).size).toBe(got.length);
      expect(await eventually(async () => ((await deliveryStates(hookId)).succeeded === 10 ? deliveryStates(hookId) : undefined))).toEqual({ succeeded: 10 });
    } finally {
      await receiver.stop();
    }
  });

  it('kill -9 of the worker mid-delivery, then a restart: every event still delivered', async () => {
    const receiver = await Receiver.start();
    try {
      const { tenant, hookId } = await subscribe(receiver);
      // slow answers keep deliveries in flight when the worker dies
      await receiver.configure({ delayMs: 400 });
      const players = await createPlayers(tenant, 40);
      await receiver.waitFor((got) => got.length >= 5);
      await worker.crash();
      const before = deliveredPlayers(await receiver.received()).length;
      expect(before).toBeLessThan(40);

      worker = await startWorkerProcess(env.env);
      const got = await receiver.waitFor(allDelivered(players), 60_000);
      expect([...new Set(deliveredPlayers(got))].sort()).toEqual(players);
      // at least once: a delivery the dead worker had in flight may arrive twice, never more
      const perEvent = new Map<string, number>();
      for (const r of got) perEvent.set(JSON.parse(r.raw).id, (perEvent.get(JSON.parse(r.raw).id) ?? 0) + 1);
      expect(Math.max(...perEvent.values())).toBeLessThanOrEqual(2);
      expect(await eventually(async () => ((await deliveryStates(hookId)).succeeded === 40 ? deliveryStates(hookId) : undefined))).toEqual({ succeeded: 40 });
    } finally {
      await receiver.stop();
    }
  });

  it('Redis flushed with deliveries pending: every delivery is re-driven from PostgreSQL', async () => {
    let receiver = await Receiver.start();
    const { tenant, hookId, secret } = await subscribe(receiver);
    const port = receiver.port;
    await receiver.stop();
    try {
      const players = await createPlayers(tenant, 10);
      await eventually(async () => (await failedAttempts(hookId)) >= 10, 20_000, 'a first failed attempt of each delivery');
      // everything BullMQ held for this deployment is gone: waiting, delayed and active jobs alike
      await clearRedisPrefix(env.queuePrefix);
      receiver = await Receiver.start(port);
      await receiver.configure({ secret });
      const got = await receiver.waitFor(allDelivered(players), 45_000);
      expect([...new Set(deliveredPlayers(got))].sort()).toEqual(players);
      expect(await eventually(async () => ((await deliveryStates(hookId)).succeeded === 10 ? deliveryStates(hookId) : undefined))).toEqual({ succeeded: 10 });
      expect(worker.lines.some((l) => l.includes('re-queued overdue deliveries'))).toBe(true);
    } finally {
      await receiver.stop();
    }
  });

  it('events written while no worker runs and Redis is empty are delivered once one starts', async () => {
    const receiver = await Receiver.start();
    try {
      const { tenant, hookId } = await subscribe(receiver);
      await worker.stop();
      await clearRedisPrefix(env.queuePrefix);
      const players = await createPlayers(tenant, 5);
      expect(await deliveryStates(hookId)).toEqual({});
      worker = await startWorkerProcess(env.env);
      const got = await receiver.waitFor(allDelivered(players), 20_000);
      expect(deliveredPlayers(got).sort()).toEqual(players);
    } finally {
      await receiver.stop();
    }
  });
});
