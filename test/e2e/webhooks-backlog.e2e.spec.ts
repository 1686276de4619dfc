import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AppProcess, startApiProcess, startWorkerProcess, type RunningApi } from '../support/processes.js';
import { Receiver } from '../support/receiver.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { createTenant, uniqueRef } from '../support/factories.js';
import { eventually } from '../support/wait.js';

// A worker with few send slots and a short timeout, facing a slow receiver and a backlog: the
// deliveries of a job wait far longer for a slot than a lease lasts (timeout + 5 s), and the sweeper
// looks for deliveries due 10 s ago with no live lease.
const SLOTS = 10;
const DELIVERIES = 500;
const RECEIVER_DELAY_MS = 400;

let env: TestEnv;
let api: RunningApi;
let worker: AppProcess;

beforeAll(async () => {
  env = await createTestEnv({
    WEBHOOK_CONCURRENCY: String(SLOTS),
    WEBHOOK_TIMEOUT_MS: '1000',
    WEBHOOK_RETRY_DELAYS_SECONDS: '1,1,1',
    OUTBOX_POLL_MS: '50',
  });
  api = await startApiProcess(env.env);
  worker = await startWorkerProcess(env.env);
});

afterAll(async () => {
  await worker?.stop();
  await api?.stop();
  await env?.close();
});

describe('a slow receiver and a backlog longer than a lease', () => {
  it('POSTs every attempt of every delivery exactly once', async () => {
    const receiver = await Receiver.start();
    try {
      const tenant = await createTenant(api.platform);
      const hook = await tenant.admin.post('/v1/webhooks', { url: receiver.url, events: ['player.created'] });
      expect(hook.status).toBe(201);
      await receiver.configure({ secret: hook.body.secret, delayMs: RECEIVER_DELAY_MS });
      // The backlog builds up while no worker runs, so that the worker leases full batches.
      await worker.stop();
      for (let i = 0; i < DELIVERIES; i += 50) {
        const created = await Promise.all(Array.from({ length: 50 }, () => tenant.server.post('/v1/players', { external_ref: uniqueRef('backlog') })));
        for (const r of created) expect(r.status).toBe(201);
      }

      worker = await startWorkerProcess(env.env);
      const settled = async () => {
        const { rows } = await env.pool.query<{ n: number }>("SELECT count(*)::int n FROM webhook_deliveries WHERE endpoint_id = $1 AND status <> 'pending'", [hook.body.id]);
        return rows[0].n === DELIVERIES;
      };
      await eventually(settled, 120_000, 'every delivery settled');
      // Nothing can reach the receiver once the worker is gone: what it saw is final.
      await worker.stop();

      const { rows: attempts } = await env.pool.query<{ delivery_id: string; t: number }>(
        `SELECT a.delivery_id, floor(extract(epoch FROM a.started_at))::int t
           FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
          WHERE d.endpoint_id = $1`,
        [hook.body.id],
      );
      const received = await receiver.received();
      // Each POST carries its attempt's own signing time: per delivery, the POSTs and the recorded
      // attempts must be the same list. A delivery sent twice for one attempt shows a POST too many.
      const tally = (keys: string[]) => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>());
      const posts = tally(received.map((r) => r.delivery));
      const recorded = tally(attempts.map((a) => a.delivery_id));
      const postedTooOften = [...posts].filter(([id, n]) => n !== recorded.get(id)).map(([id, n]) => `${id}: ${n} POSTs, ${recorded.get(id) ?? 0} attempts`);
      expect(postedTooOften).toEqual([]);
      const key = (delivery: string, t: number) => `${delivery} t=${t}`;
      expect(received.map((r) => key(r.delivery, Number(/^t=(\d+)/.exec(r.signature)![1]))).sort()).toEqual(attempts.map((a) => key(a.delivery_id, a.t)).sort());
      expect(recorded.size).toBe(DELIVERIES);
      // the backlog did outlast a lease (timeout + 5 s): without renewals, leases would have run out
      const times = attempts.map((a) => a.t);
      expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(6);
    } finally {
      await receiver.stop();
    }
  }, 180_000);
});
