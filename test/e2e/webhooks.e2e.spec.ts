import { createHmac } from 'node:crypto';
import { hostname } from 'node:os';
import { lookup } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AppProcess, startApiProcess, startWorkerProcess, type RunningApi } from '../support/processes.js';
import { Receiver } from '../support/receiver.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { createTenant, type TestTenant, uniqueRef } from '../support/factories.js';
import { eventually, nonEmpty } from '../support/wait.js';

let env: TestEnv;
let api: RunningApi;
let worker: AppProcess;
let acme: TestTenant;

const FAST = {
  WEBHOOK_RETRY_DELAYS_SECONDS: '1,1,1',
  WEBHOOK_TIMEOUT_MS: '1000',
  OUTBOX_POLL_MS: '50',
};

beforeAll(async () => {
  env = await createTestEnv(FAST);
  api = await startApiProcess(env.env);
  worker = await startWorkerProcess(env.env);
  acme = await createTenant(api.platform, 'Acme');
});

afterAll(async () => {
  await worker?.stop();
  await api?.stop();
  await env?.close();
});

async function subscribe(receiver: Receiver, events: string[] = ['*'], tenant = acme): Promise<{ id: string; secret: string }> {
  const res = await tenant.admin.post('/v1/webhooks', { url: receiver.url, events });
  expect(res.status).toBe(201);
  await receiver.configure({ secret: res.body.secret });
  return res.body;
}

async function deliveries(webhookId: string, tenant = acme, query = ''): Promise<any[]> {
  const res = await tenant.admin.get(`/v1/webhooks/${webhookId}/deliveries${query}`);
  expect(res.status).toBe(200);
  return res.body.data;
}

describe('webhook endpoints', () => {
  it('creates an endpoint, shows its secret once, lists it without the secret, stores it encrypted', async () => {
    const url = 'https://hooks.example.com/wowsino?x=1';
    const res = await acme.admin.post('/v1/webhooks', { url, events: ['bonus.granted', 'lootbox.opened'], description: 'CRM' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^whk_/),
      url,
      events: ['bonus.granted', 'lootbox.opened'],
      description: 'CRM',
      created_at: expect.any(String),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
    });
    const list = await acme.admin.get('/v1/webhooks');
    const listed = list.body.data.find((w: { id: string }) => w.id === res.body.id);
    expect(listed).toEqual({ id: res.body.id, url, events: ['bonus.granted', 'lootbox.opened'], description: 'CRM', created_at: res.body.created_at });
    expect(list.text).not.toContain(res.body.secret);
    const { rows } = await env.pool.query('SELECT secret_ciphertext FROM webhook_endpoints WHERE id = $1', [res.body.id]);
    expect(rows[0].secret_ciphertext).toMatch(/^v1\./);
    expect(JSON.stringify(rows)).not.toContain(res.body.secret);
    expect(worker.lines.join('\n') + api.process.lines.join('\n')).not.toContain(res.body.secret);
  });

  it.each([
    [{ url: 'ftp://example.com/x', events: ['*'] }, 'url'],
    [{ url: 'example.com/hook', events: ['*'] }, 'url'],
    [{ url: 'https://user:pass@example.com/hook', events: ['*'] }, 'url'],
    [{ url: 'https://example.com/hook', events: ['bonus.grantd'] }, 'events'],
    [{ url: 'https://example.com/hook', events: [] }, 'events'],
    [{ url: 'https://example.com/hook', events: ['*', 'bonus.granted'] }, 'events'],
    [{ url: 'https://example.com/hook', events: 'bonus.granted' }, 'events'],
    [{ url: 'https://example.com/hook' }, 'events'],
    [{ events: ['*'] }, 'url'],
    [{ url: 'https://example.com/hook', events: ['*'], secret: 'mine' }, 'secret'],
  ])('refuses %j with 400 naming %s, storing nothing', async (body, field) => {
    const before = (await env.pool.query('SELECT count(*)::int n FROM webhook_endpoints')).rows[0].n;
    const res = await acme.admin.post('/v1/webhooks', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect((await env.pool.query('SELECT count(*)::int n FROM webhook_endpoints')).rows[0].n).toBe(before);
  });

  it('changes are admin-only: a server key gets 403 on every webhook write', async () => {
    for (const res of [
      await acme.server.post('/v1/webhooks', { url: 'https://example.com/h', events: ['*'] }),
      await acme.server.delete('/v1/webhooks/whk_x'),
      await acme.server.post('/v1/webhooks/whk_x/deliveries/dlv_x/retry'),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });

  it('reads are open to the server key: the same list and deliveries as the admin key, never the secret', async () => {
    const mine = await acme.admin.post('/v1/webhooks', { url: 'https://example.com/server-reads', events: ['*'] });
    expect(mine.status).toBe(201);
    const asServer = await acme.server.get('/v1/webhooks?limit=500');
    expect(asServer.status).toBe(200);
    expect(asServer.body).toEqual((await acme.admin.get('/v1/webhooks?limit=500')).body);
    const listed = asServer.body.data.find((w: { id: string }) => w.id === mine.body.id);
    expect(listed).toMatchObject({ id: mine.body.id, url: 'https://example.com/server-reads' });
    expect(listed).not.toHaveProperty('secret');
    const deliveries = await acme.server.get(`/v1/webhooks/${mine.body.id}/deliveries`);
    expect(deliveries.status).toBe(200);
    expect(deliveries.body).toEqual((await acme.admin.get(`/v1/webhooks/${mine.body.id}/deliveries`)).body);
    expect((await acme.server.get('/v1/webhooks/whk_x/deliveries')).status).toBe(404);
    expect((await acme.admin.delete(`/v1/webhooks/${mine.body.id}`)).status).toBe(204);
  });

  it("hides another tenant's endpoints and deliveries (404)", async () => {
    const other = await createTenant(api.platform);
    const mine = await acme.admin.post('/v1/webhooks', { url: 'https://example.com/h', events: ['*'] });
    expect((await other.admin.get(`/v1/webhooks/${mine.body.id}/deliveries`)).status).toBe(404);
    expect((await other.admin.delete(`/v1/webhooks/${mine.body.id}`)).status).toBe(404);
    expect((await other.admin.get('/v1/webhooks')).body.data.map((w: { id: string }) => w.id)).not.toContain(mine.body.id);
    expect((await acme.admin.delete(`/v1/webhooks/${mine.body.id}`)).status).toBe(204);
    expect((await acme.admin.delete(`/v1/webhooks/${mine.body.id}`)).status).toBe(404);
  });
});

describe('delivery', () => {
  it('signs every delivery so the Recipe 6 receiver accepts it, and the receiver refuses a tampered body or an old timestamp', async () => {
    const receiver = await Receiver.start();
    try {
      const hook = await subscribe(receiver);
      const created = await acme.server.post('/v1/players', { external_ref: uniqueRef('signed') });
      const [got] = await receiver.waitFor((r) => r.some((x) => x.verified && x.event_id));
      expect(got.verified).toBe(true);
      const envelope = JSON.parse(got.raw);
      expect(envelope).toEqual({ id: expect.stringMatching(/^evt_/), type: 'player.created', created_at: expect.any(String), tenant_id: acme.id, data: created.body });
      expect(got.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(got.event_type).toBe('player.created');
      expect(got.delivery).toMatch(/^dlv_/);

      // The same receiver refuses a tampered copy of that delivery, and a correctly signed but old one.
      const post = (raw: string, signature: string) =>
        fetch(receiver.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wowsino-signature': signature }, body: raw });
      expect((await post(got.raw.replace('"player.created"', '"bonus.granted"'), got.signature)).status).toBe(400);
      const old = Math.floor(Date.now() / 1000) - 301;
      const oldSig = `t=${old},v1=${createHmac('sha256', hook.secret).update(`${old}.${got.raw}`).digest('hex')}`;
      expect((await post(got.raw, oldSig)).status).toBe(400);
      const fresh = Math.floor(Date.now() / 1000);
      expect((await post(got.raw, `t=${fresh},v1=${createHmac('sha256', hook.secret).update(`${fresh}.${got.raw}`).digest('hex')}`)).status).toBe(200);

      const [d] = await eventually(async () => nonEmpty((await deliveries(hook.id)).filter((x) => x.status === 'succeeded')));
      expect(d).toMatchObject({ event_type: 'player.created', status: 'succeeded', attempts: 1, last_status_code: 200, last_error: null, next_attempt_at: null });
      expect(d.attempt_log).toEqual([{ attempt: 1, started_at: expect.any(String), duration_ms: expect.any(Number), status_code: 200, error: null }]);
    } finally {
      await receiver.stop();
    }
  });

  it('retries a receiver that answers 500 twice: three attempts, re-signed each time, one success', async () => {
    const receiver = await Receiver.start();
    try {
      const hook = await subscribe(receiver);
      await receiver.configure({ failFirst: 2 });
      await acme.server.post('/v1/players', { external_ref: uniqueRef('flaky') });
      const got = await receiver.waitFor((r) => r.some((x) => x.answered === 200));
      expect(got.map((r) => r.answered)).toEqual([500, 500, 200]);
      expect(new Set(got.map((r) => r.event_id)).size).toBe(1);
      expect(new Set(got.map((r) => r.delivery)).size).toBe(1);
      expect(got.every((r) => r.verified)).toBe(true);
      // a fresh timestamp each attempt (the delays are at least a second)
      expect(new Set(got.map((r) => r.t)).size).toBe(3);
      const [d] = await eventually(async () => nonEmpty((await deliveries(hook.id)).filter((x) => x.status === 'succeeded')));
      expect(d.attempts).toBe(3);
      expect(d.attempt_log.map((a: { status_code: number }) => a.status_code)).toEqual([500, 500, 200]);
      expect(d.attempt_log[0].error).toBe('HTTP 500: temporarily broken');
    } finally {
      await receiver.stop();
    }
  });

  it('counts a redirect (not followed) and a receiver slower than the timeout as failures, then gives up: failed', async () => {
    const redirecting = await Receiver.start();
    const slow = await Receiver.start();
    try {
      const r1 = await subscribe(redirecting);
      const r2 = await subscribe(slow);
      await redirecting.configure({ redirect: slow.url });
      await slow.configure({ delayMs: 2_500 });
      await acme.server.post('/v1/players', { external_ref: uniqueRef('fail') });

      const [redirected] = await eventually(async () => nonEmpty((await deliveries(r1.id, acme, '?status=failed')).filter((x) => x.event_type === 'player.created')), 30_000);
      expect(redirected.attempts).toBe(4);
      expect(redirected.last_status_code).toBe(302);
      expect(redirected.last_error).toMatch(/^redirect not followed/);
      expect(redirected.next_attempt_at).toBeNull();
      // the redirect target only ever saw its own deliveries: nothing was followed
      const [timedOut] = await eventually(async () => nonEmpty((await deliveries(r2.id, acme, '?status=failed')).filter((x) => x.event_type === 'player.created')), 30_000);
      expect(timedOut.attempts).toBe(4);
      expect(timedOut.last_status_code).toBeNull();
      expect(timedOut.last_error).toBe('timed out after 1000 ms');
      const slowGot = await slow.received();
      expect(slowGot.every((r) => r.delivery !== redirected.id)).toBe(true);
      expect((await deliveries(r1.id, acme, '?status=succeeded')).length).toBe(0);
    } finally {
      await redirecting.stop();
      await slow.stop();
    }
  });

  it('records a fast receiver\'s success without waiting for a slow receiver of the same batch to time out', async () => {
    const fast = await Receiver.start();
    const slow = await Receiver.start();
    try {
      const f = await subscribe(fast, ['player.created']);
      const s = await subscribe(slow, ['player.created']);
      await slow.configure({ delayMs: 2_500 }); // beyond the 1 s timeout
      const created = await acme.server.post('/v1/players', { external_ref: uniqueRef('split') });
      expect(created.status).toBe(201);
      const mine = (list: any[]) => list.filter((d) => d.event_type === 'player.created');
      const [ok] = await eventually(async () => nonEmpty(mine(await deliveries(f.id, acme, '?status=succeeded'))), 30_000);
      const [late] = await eventually(async () => nonEmpty(mine(await deliveries(s.id)).filter((d) => d.attempts >= 1)), 30_000);
      expect(late.last_error).toBe('timed out after 1000 ms');
      // the fast success was recorded (updated_at, the database's clock) before the slow attempt ended
      // (its start + duration): not in one statement with it once the whole batch was done
      const { rows } = await env.pool.query(
        `SELECT (SELECT updated_at FROM webhook_deliveries WHERE id = $1) < a.started_at + make_interval(secs => a.duration_ms / 1000.0) AS first
           FROM webhook_attempts a WHERE a.delivery_id = $2 AND a.attempt = 1`,
        [ok.id, late.id],
      );
      expect(rows).toEqual([{ first: true }]);
      for (const id of [f.id, s.id]) expect((await acme.admin.delete(`/v1/webhooks/${id}`)).status).toBe(204);
    } finally {
      await fast.stop();
      await slow.stop();
    }
  });

  it('lets a failed delivery be retried by hand, and refuses to retry a succeeded one (409)', async () => {
    const receiver = await Receiver.start();
    try {
      const hook = await subscribe(receiver);
      await receiver.configure({ status: 503 });
      await acme.server.post('/v1/players', { external_ref: uniqueRef('manual') });
      const [failed] = await eventually(async () => nonEmpty((await deliveries(hook.id, acme, '?status=failed')).filter((x) => x.event_type === 'player.created')), 30_000);
      expect(failed.attempts).toBe(4);

      await receiver.configure({ status: 200 });
      const retry = await acme.admin.post(`/v1/webhooks/${hook.id}/deliveries/${failed.id}/retry`);
      expect(retry.status).toBe(202);
      expect(retry.body).toMatchObject({ id: failed.id, status: 'pending', attempts: 4 });
      const [ok] = await eventually(async () => nonEmpty((await deliveries(hook.id, acme, '?status=succeeded')).filter((x) => x.id === failed.id)));
      expect(ok.attempts).toBe(5);
      expect(ok.attempt_log.map((a: { status_code: number }) => a.status_code)).toEqual([503, 503, 503, 503, 200]);

      const again = await acme.admin.post(`/v1/webhooks/${hook.id}/deliveries/${failed.id}/retry`);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('conflict');
      expect((await acme.admin.post(`/v1/webhooks/${hook.id}/deliveries/dlv_nope/retry`)).status).toBe(404);
    } finally {
      await receiver.stop();
    }
  });

  it('answers a manual retry while Redis is unreachable: the worker re-drives it from PostgreSQL', async () => {
    const receiver = await Receiver.start();
    // an API whose Redis is away (the worker's is not): BullMQ would wait for it indefinitely
    const redisless = await startApiProcess({ ...env.env, REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const hook = await subscribe(receiver);
      await receiver.configure({ status: 503 });
      await acme.server.post('/v1/players', { external_ref: uniqueRef('redisless') });
      const [failed] = await eventually(async () => nonEmpty((await deliveries(hook.id, acme, '?status=failed')).filter((x) => x.event_type === 'player.created')), 30_000);

      await receiver.configure({ status: 200 });
      const retry = await redisless.http.withKey(acme.adminKey).post(`/v1/webhooks/${hook.id}/deliveries/${failed.id}/retry`);
      expect(retry.status).toBe(202);
      expect(retry.body).toMatchObject({ id: failed.id, status: 'pending', attempts: 4 });
      const [ok] = await eventually(async () => nonEmpty((await deliveries(hook.id, acme, '?status=succeeded')).filter((x) => x.id === failed.id)), 30_000);
      expect(ok.attempts).toBe(5);
      expect(ok.attempt_log.at(-1).status_code).toBe(200);
    } finally {
      await redisless.stop();
      await receiver.stop();
    }
  });

  it("records an attempt whose endpoint secret cannot be decrypted as failed, and the rest of its batch as sent", async () => {
    const receiver = await Receiver.start();
    // an API under another WEBHOOK_SECRET_KEY: what the worker meets after the key was changed under it
    const rekeyed = await startApiProcess({ ...env.env, WEBHOOK_SECRET_KEY: 'a5'.repeat(32) });
    try {
      const other = await createTenant(api.platform);
      const readable = await subscribe(receiver, ['player.created'], other);
      const sealed = await rekeyed.http.withKey(other.adminKey).post('/v1/webhooks', { url: receiver.url, events: ['player.created'] });
      expect(sealed.status).toBe(201);
      // one event, two deliveries: one batch, one job
      await other.server.post('/v1/players', { external_ref: uniqueRef('rekeyed') });

      const [unreadable] = await eventually(async () => nonEmpty(await deliveries(sealed.body.id, other, '?status=failed')), 30_000);
      expect(unreadable.attempts).toBe(4);
      expect(unreadable.last_status_code).toBeNull();
      expect(unreadable.last_error).toBe("cannot decrypt the endpoint's secret with the current WEBHOOK_SECRET_KEY (was the key changed?)");
      expect(unreadable.attempt_log.map((a: { error: string }) => a.error)).toEqual(Array(4).fill(unreadable.last_error));
      // the other delivery of the batch was sent once and recorded once
      const [sent] = await deliveries(readable.id, other);
      expect(sent).toMatchObject({ status: 'succeeded', attempts: 1 });
      expect((await receiver.received()).map((r) => [r.delivery, r.answered])).toEqual([[sent.id, 200]]);
    } finally {
      await rekeyed.stop();
      await receiver.stop();
    }
  });

  it('sends only subscribed event types, and nothing after the endpoint is deleted', async () => {
    const receiver = await Receiver.start();
    try {
      const other = await createTenant(api.platform);
      const none = await subscribe(receiver, ['bonus.granted'], other);
      const hook = await subscribe(receiver, ['player.created'], other);
      await other.server.post('/v1/players', { external_ref: uniqueRef('sub') });
      await receiver.waitFor((r) => r.filter((x) => x.verified).length === 1);
      expect(await deliveries(none.id, other)).toEqual([]);
      expect((await other.admin.delete(`/v1/webhooks/${hook.id}`)).status).toBe(204);
      await other.server.post('/v1/players', { external_ref: uniqueRef('sub') });
      await new Promise((r) => setTimeout(r, 1500));
      expect((await receiver.received()).length).toBe(1);
    } finally {
      await receiver.stop();
    }
  });

  it('emits no second event for a replayed player create', async () => {
    const receiver = await Receiver.start();
    try {
      const other = await createTenant(api.platform);
      const hook = await subscribe(receiver, ['*'], other);
      const body = { external_ref: uniqueRef('replay'), vip_level: 1 };
      expect((await other.server.post('/v1/players', body)).status).toBe(201);
      expect((await other.server.post('/v1/players', body)).status).toBe(200);
      expect((await other.server.post('/v1/players', body)).status).toBe(200);
      await receiver.waitFor((r) => r.length >= 1);
      await new Promise((r) => setTimeout(r, 1500));
      expect((await receiver.received()).length).toBe(1);
      expect(await deliveries(hook.id, other)).toHaveLength(1);
    } finally {
      await receiver.stop();
    }
  });
});

describe('SSRF guard', () => {
  const PRIVATE_LITERALS = [
    'http://127.0.0.1:8080/h',
    'http://localhost/h',
    'http://app.localhost/h',
    'http://[::1]/h',
    'http://[::ffff:127.0.0.1]/h',
    'http://[::ffff:a9fe:a9fe]/h',
    'http://0.0.0.0/h',
    'http://10.0.0.1/h',
    'http://172.16.5.4/h',
    'http://192.168.1.10/h',
    'http://169.254.169.254/latest/meta-data',
    'http://100.64.0.1/h',
    'http://100.100.100.200/h',
    'http://224.0.0.1/h',
    'http://[fe80::1]/h',
    'http://[fc00::1]/h',
    'http://[fd00:ec2::254]/h',
    'http://2130706433/h',
    'http://0x7f.1/h',
  ];

  let strictApi: RunningApi;
  let strictWorker: AppProcess;
  let strictEnv: TestEnv;
  let tenant: TestTenant;

  beforeAll(async () => {
    // The API accepts private URLs (as one configured for development would); the worker does not,
    // so the connect-time check is what stands between the delivery and the address.
    strictEnv = await createTestEnv({ ...FAST, WEBHOOK_RETRY_DELAYS_SECONDS: '1' });
    strictApi = await startApiProcess(strictEnv.env);
    strictWorker = await startWorkerProcess({ ...strictEnv.env, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' });
    tenant = await createTenant(strictApi.platform);
  });

  afterAll(async () => {
    await strictWorker?.stop();
    await strictApi?.stop();
    await strictEnv?.close();
  });

  it('refuses to register each private address form when not lifted', async () => {
    const guarded = await startApiProcess({ ...strictEnv.env, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'false' });
    try {
      const admin = guarded.http.withKey(tenant.adminKey);
      for (const url of PRIVATE_LITERALS) {
        const res = await admin.post('/v1/webhooks', { url, events: ['*'] });
        expect({ url, status: res.status, field: res.body.error?.details?.[0]?.field }).toEqual({ url, status: 400, field: 'url' });
      }
      expect((await admin.post('/v1/webhooks', { url: 'https://hooks.example.com/h', events: ['*'] })).status).toBe(201);
    } finally {
      await guarded.stop();
    }
  });

  it('refuses at delivery, on the address connected to: literals, localhost, and a name that resolves to loopback', async () => {
    const receiver = await Receiver.start();
    try {
      const host = hostname();
      const resolved = await lookup(host);
      expect(['127.0.0.1', '::1'].includes(resolved.address) || /^(10|172|192)\./.test(resolved.address)).toBe(true);
      const urls = [
        receiver.url,
        receiver.url.replace('127.0.0.1', 'localhost'),
        receiver.url.replace('127.0.0.1', '[::ffff:127.0.0.1]'),
        receiver.url.replace('127.0.0.1', host),
      ];
      const hooks = [];
      for (const url of urls) {
        const res = await tenant.admin.post('/v1/webhooks', { url, events: ['player.created'] });
        expect(res.status).toBe(201);
        hooks.push(res.body.id as string);
      }
      await tenant.server.post('/v1/players', { external_ref: uniqueRef('ssrf') });
      for (const id of hooks) {
        const [d] = await eventually(async () => strictApi.http.withKey(tenant.adminKey).get(`/v1/webhooks/${id}/deliveries?status=failed`).then((r) => nonEmpty(r.body.data)), 20_000, `delivery of ${id} failed`);
        expect(d.attempts).toBe(2);
        expect(d.last_status_code).toBeNull();
        expect(d.last_error).toMatch(/^refused: /);
      }
      expect(await receiver.received()).toEqual([]);
    } finally {
      await receiver.stop();
    }
  });
});
