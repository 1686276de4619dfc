import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { type AppProcess, startApiProcess, startWorkerProcess, type RunningApi } from '../support/processes.js';
import { Receiver } from '../support/receiver.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { createTenant, type TestTenant, uniqueRef } from '../support/factories.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { eventually } from '../support/wait.js';

const UNIT = 1_000; // millis per currency unit
const DAY = 86_400_000;

let env: TestEnv;
let api: RunningApi;
let worker: AppProcess;

beforeAll(async () => {
  env = await createTestEnv({ WEBHOOK_RETRY_DELAYS_SECONDS: '1,1', OUTBOX_POLL_MS: '50', TIMERS_POLL_MS: '200' });
  api = await startApiProcess(env.env);
  worker = await startWorkerProcess(env.env);
});

afterAll(async () => {
  await worker?.stop();
  await api?.stop();
  await env?.close();
});

async function player(tenant: TestTenant, body: Record<string, unknown>, depositDaysAgo?: number): Promise<any> {
  const res = await tenant.server.post('/v1/players', { external_ref: uniqueRef('pam'), currency: 'USD', ...body });
  expect(res.status).toBe(201);
  if (depositDaysAgo !== undefined) {
    const dep = await tenant.server.post('/v1/journeys/event', {
      player_id: res.body.id, trigger: 'deposit', event_id: uniqueRef('dep'), amount: 20 * UNIT, currency: 'USD',
      occurred_at: new Date(Date.now() - depositDaysAgo * DAY).toISOString(),
    });
    expect(dep.status).toBe(201);
  }
  return res.body;
}

async function finished(tenant: TestTenant, campaign: string, execution: string, timeoutMs = 60_000): Promise<any> {
  return eventually(async () => {
    const res = await tenant.admin.get(`/v1/campaigns/${campaign}/executions/${encodeURIComponent(execution)}`);
    expect(res.status).toBe(200);
    return ['completed', 'failed'].includes(res.body.status) ? res.body : null;
  }, timeoutMs, `execution ${execution} to finish`);
}

/** The worker's campaign queue in a test environment, to add jobs as a scheduler or a sweep would. */
function campaignQueue(e: TestEnv): Queue {
  const redis = new URL(TEST_REDIS_URL);
  return new Queue('campaign-execution', { connection: { host: redis.hostname, port: Number(redis.port || 6379) }, prefix: e.env.QUEUE_PREFIX });
}

async function count(sql: string, params: unknown[], pool = env.pool): Promise<number> {
  const { rows } = await pool.query(sql, params);
  return Number(rows[0].n);
}

describe('Recipe 3: a "Reload Friday" campaign, end to end with signed webhooks', () => {
  it('grants the reload once per matching player per execution id, skips the excluded, and the deposit activates it', async () => {
    const tenant = await createTenant(api.platform);
    const receiver = await Receiver.start();
    try {
      const hook = await tenant.admin.post('/v1/webhooks', { url: receiver.url, events: ['bonus.granted', 'campaign.execution_completed'] });
      await receiver.configure({ secret: hook.body.secret });
      const reload = await tenant.admin.post('/v1/bonus-templates', {
        name: 'Reload Friday', kind: 'reload', currency: 'USD', match_percent: 50, max_amount: 200 * UNIT, wagering_multiplier: 25, wagering_base: 'deposit_plus_bonus',
      });
      expect(reload.status).toBe(201);

      const lapsedVip = await player(tenant, { vip_level: 3 }, 10);
      const lapsedVip2 = await player(tenant, { vip_level: 2 }, 30);
      const excluded = await player(tenant, { vip_level: 4 }, 8);
      expect((await tenant.server.patch(`/v1/players/${excluded.id}`, { self_excluded: true })).status).toBe(200);
      await player(tenant, { vip_level: 1 }, 10); // VIP level too low
      await player(tenant, { vip_level: 2 }, 2); // deposited recently
      await player(tenant, { vip_level: 5 }); // never deposited: a comparison with an empty field is false

      const segment = await tenant.admin.post('/v1/segments', { name: 'Lapsed VIPs', rule: 'min_vip_level=2 AND last_deposit_at < now() - 7d' });
      expect(segment.status).toBe(201);
      expect(segment.body.canonical_rule).toBe('vip_level >= 2 AND last_deposit_at < now() - 7d');
      const preview = await tenant.admin.get(`/v1/segments/${segment.body.id}/preview`);
      expect(preview.status).toBe(200);
      expect(preview.body.count).toBe(3);
      expect(preview.body.sample.map((p: any) => p.id).sort()).toEqual([lapsedVip.id, lapsedVip2.id, excluded.id].sort());

      const campaign = await tenant.admin.post('/v1/campaigns', { name: 'Reload Friday', segment_id: segment.body.id, reward: { type: 'bonus', bonus_template_id: reload.body.id } });
      expect(campaign.status).toBe(201);

      // the same execution id, concurrently and again: one execution
      const executionId = `reload-${uniqueRef('w')}`;
      const asks = await Promise.all(Array.from({ length: 5 }, () => tenant.admin.post(`/v1/campaigns/${campaign.body.id}/executions`, { execution_id: executionId })));
      expect(asks.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 202]);
      const first = asks.find((r) => r.status === 202)!;
      expect(first.body).toMatchObject({ execution_id: executionId, status: 'queued' });
      for (const r of asks.filter((x) => x.status === 200)) {
        expect(r.headers.get('idempotent-replayed')).toBe('true');
        expect(r.body).toEqual(first.body);
      }

      const done = await finished(tenant, campaign.body.id, executionId);
      expect(done).toMatchObject({ status: 'completed', matched: 3, granted: 2, skipped: 1, failed: 0 });
      expect(done.completed_at).not.toBeNull();
      const again = await tenant.admin.post(`/v1/campaigns/${campaign.body.id}/executions`, { execution_id: executionId });
      expect(again.status).toBe(200);
      // a replay answers the first answer, whatever happened since (API.md section 2, rule 2)
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('idempotent-replayed')).toBe('true');

      // signed webhooks: one bonus.granted per granted member, one campaign.execution_completed
      const got = await receiver.waitFor((r) => r.filter((x) => x.verified).length >= 3);
      const events = got.filter((r) => r.verified).map((r) => JSON.parse(r.raw));
      const granted = events.filter((e) => e.type === 'bonus.granted');
      expect(granted.map((e) => e.data.player_id).sort()).toEqual([lapsedVip.id, lapsedVip2.id].sort());
      expect(granted.every((e) => e.data.status === 'offered')).toBe(true);
      const completed = events.filter((e) => e.type === 'campaign.execution_completed');
      expect(completed).toHaveLength(1);
      expect(completed[0].data).toMatchObject({ campaign_id: campaign.body.id, execution_id: executionId, matched: 3, granted: 2, skipped: 1, failed: 0 });
      expect(got.every((r) => r.verified)).toBe(true);

      // nothing more arrives, and the database holds one grant per member
      await new Promise((r) => setTimeout(r, 1_000));
      expect((await receiver.received()).filter((r) => JSON.parse(r.raw).type === 'bonus.granted')).toHaveLength(2);
      expect(await count(`SELECT count(*) n FROM reward_grants WHERE grant_key LIKE $1`, [`campaign:${campaign.body.id}:${executionId}:%`])).toBe(2);
      expect(await count(`SELECT count(*) n FROM bonus_grants WHERE player_id = $1`, [excluded.id])).toBe(0);

      // then a deposit activates the reload: 50% of 300 = 150 (under the 200 cap), 25 × (300 + 150) to wager
      const dep = await tenant.server.post('/v1/journeys/event', { player_id: lapsedVip.id, trigger: 'deposit', event_id: uniqueRef('dep'), amount: 300 * UNIT, currency: 'USD' });
      expect(dep.status).toBe(201);
      const bonuses = await tenant.server.get(`/v1/players/${lapsedVip.id}/bonuses`);
      expect(bonuses.body.data).toHaveLength(1);
      expect(bonuses.body.data[0]).toMatchObject({ status: 'active', amount: 150 * UNIT, wagering_required: 25 * 450 * UNIT });
      // and a big deposit is capped at 200
      await tenant.server.post('/v1/journeys/event', { player_id: lapsedVip2.id, trigger: 'deposit', event_id: uniqueRef('dep'), amount: 1_000 * UNIT, currency: 'USD' });
      expect((await tenant.server.get(`/v1/players/${lapsedVip2.id}/bonuses`)).body.data[0]).toMatchObject({ status: 'active', amount: 200 * UNIT });

      // another execution id is another run: lapsedVip deposited just now and no longer matches
      const next = await tenant.admin.post(`/v1/campaigns/${campaign.body.id}/executions`, { execution_id: `${executionId}-next` });
      expect(next.status).toBe(202);
      expect(await finished(tenant, campaign.body.id, `${executionId}-next`)).toMatchObject({ status: 'completed', matched: 1, granted: 0, skipped: 1 });
      const list = await tenant.admin.get(`/v1/campaigns/${campaign.body.id}/executions`);
      expect(list.body.data.map((e: any) => e.execution_id).sort()).toEqual([executionId, `${executionId}-next`].sort());
    } finally {
      await receiver.stop();
    }
  });
});

describe('segments and campaigns', () => {
  let tenant: TestTenant;
  beforeAll(async () => {
    tenant = await createTenant(api.platform);
  });

  it('a rule that does not parse is a 400 with the position and what was expected; nothing is stored', async () => {
    const res = await tenant.admin.post('/v1/segments', { name: 'Broken', rule: 'min_vip_level=2 AND' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details[0]).toMatchObject({ field: 'rule', position: 19 });
    expect(res.body.error.details[0].expected.length).toBeGreaterThan(0);
    expect((await tenant.admin.get('/v1/segments')).body.data).toEqual([]);
  });

  it('hostile rule text never reaches SQL: it is a value or a 400, and the players are untouched', async () => {
    const p = await player(tenant, { vip_level: 1, country: 'DE' });
    const before = await count(`SELECT count(*) n FROM players`, []);
    for (const rule of ["country = 'x''; DROP TABLE players; --'", 'country = "DE" OR 1=1', "vip_level = 1; DELETE FROM players", "country IN ('DE') /* */"]) {
      const res = await tenant.admin.post('/v1/segments', { name: 'Hostile', rule });
      if (res.status === 201) {
        const preview = await tenant.admin.get(`/v1/segments/${res.body.id}/preview`);
        expect(preview.status).toBe(200);
        expect(preview.body.count).toBeLessThanOrEqual(1);
      } else {
        expect(res.status).toBe(400);
      }
    }
    expect(await count(`SELECT count(*) n FROM players`, [])).toBe(before);
    expect((await tenant.server.get(`/v1/players/${p.id}`)).status).toBe(200);
  });

  it('segments: get, list, patch, delete; a segment a campaign uses cannot be deleted', async () => {
    const s = (await tenant.admin.post('/v1/segments', { name: 'Everyone', rule: null })).body;
    expect(s).toMatchObject({ rule: '', canonical_rule: '' });
    expect((await tenant.admin.get(`/v1/segments/${s.id}`)).body).toEqual(s);
    const patched = await tenant.admin.patch(`/v1/segments/${s.id}`, { rule: "tags = 'vip' OR country IN ('DE', 'AT')" });
    expect(patched.status).toBe(200);
    expect(patched.body.canonical_rule).toBe("tags = 'vip' OR country IN ('DE', 'AT')");
    const c = await tenant.admin.post('/v1/campaigns', { name: 'C', segment_id: s.id, reward: { type: 'winz', amount: 5 } });
    expect(c.status).toBe(201);
    const del = await tenant.admin.delete(`/v1/segments/${s.id}`);
    expect(del.status).toBe(409);
    expect(del.body.error.code).toBe('segment_in_use');
    expect((await tenant.admin.delete(`/v1/campaigns/${c.body.id}`)).status).toBe(204);
    expect((await tenant.admin.get(`/v1/campaigns/${c.body.id}`)).status).toBe(404);
    expect((await tenant.admin.delete(`/v1/segments/${s.id}`)).status).toBe(204);
    expect((await tenant.admin.get(`/v1/segments/${s.id}`)).status).toBe(404);
  });

  it('campaigns refuse unknown segments and rewards, bad schedules, and run only while active', async () => {
    const s = (await tenant.admin.post('/v1/segments', { name: 'S', rule: 'vip_level >= 0' })).body;
    const unknownSegment = await tenant.admin.post('/v1/campaigns', { name: 'C', segment_id: 'seg_01jd5x3k8q7m2n4p6r8s0t2v4w', reward: { type: 'winz', amount: 5 } });
    expect(unknownSegment.status).toBe(422);
    expect(unknownSegment.body.error.code).toBe('invalid_segment');
    const unknownReward = await tenant.admin.post('/v1/campaigns', { name: 'C', segment_id: s.id, reward: { type: 'bonus', bonus_template_id: 'btp_01jd5x3k8q7m2n4p6r8s0t2v4w' } });
    expect(unknownReward.status).toBe(422);
    expect(unknownReward.body.error.code).toBe('invalid_reward');
    const badCron = await tenant.admin.post('/v1/campaigns', { name: 'C', segment_id: s.id, reward: { type: 'winz', amount: 5 }, schedule: '61 * * * *' });
    expect(badCron.status).toBe(400);
    expect(badCron.body.error.details[0].field).toBe('schedule');

    const c = (await tenant.admin.post('/v1/campaigns', { name: 'C', segment_id: s.id, reward: { type: 'winz', amount: 5 } })).body;
    expect((await tenant.admin.patch(`/v1/campaigns/${c.id}`, { active: false })).body.active).toBe(false);
    const refused = await tenant.admin.post(`/v1/campaigns/${c.id}/executions`, { execution_id: 'x1' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('campaign_inactive');
    const reserved = await tenant.admin.post(`/v1/campaigns/${c.id}/executions`, { execution_id: 'scheduled:2026-01-01T00:00:00.000Z' });
    expect(reserved.status).toBe(400);
    expect(await count(`SELECT count(*) n FROM campaign_executions WHERE campaign_id = $1`, [c.id])).toBe(0);
  });
});

describe('cron schedules', () => {
  it('each slot is one execution with a derived id, also when a slot fires twice; deactivation stops it', async () => {
    const tenant = await createTenant(api.platform);
    const a = await player(tenant, { vip_level: 7 });
    const b = await player(tenant, { vip_level: 7 });
    await player(tenant, { vip_level: 1 });
    const s = (await tenant.admin.post('/v1/segments', { name: 'Sevens', rule: 'vip_level = 7' })).body;
    const c = (await tenant.admin.post('/v1/campaigns', { name: 'Every 2 s', segment_id: s.id, reward: { type: 'winz', amount: 3 }, schedule: '*/2 * * * * *' })).body;
    expect(c.schedule).toBe('*/2 * * * * *');

    const executions = async () => (await tenant.admin.get(`/v1/campaigns/${c.id}/executions`)).body.data as any[];
    await eventually(async () => ((await executions()).filter((e) => e.status === 'completed').length >= 2 ? true : null), 30_000, 'two scheduled runs');

    // a slot fired twice (two jobs for one slot, as two schedulers or a replayed job would make)
    const slot = Math.ceil(Date.now() / 1000) * 1000 + 1000; // an odd or even second: never mind, it is a slot of its own
    const queue = campaignQueue(env);
    try {
      await Promise.all(['dup-a', 'dup-b'].map((k) => queue.add('scheduled', { tenantId: tenant.id, campaignId: c.id }, { jobId: `${k}-${slot}`, removeOnComplete: true })));
    } finally {
      await queue.close();
    }
    const dupId = `scheduled:${new Date(slot).toISOString()}`;
    await eventually(async () => ((await executions()).find((e) => e.execution_id === dupId && e.status === 'completed') ? true : null), 20_000, 'the doubled slot');

    expect((await tenant.admin.patch(`/v1/campaigns/${c.id}`, { active: false })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2_500)); // a run already due may still finish
    const settled = await executions();
    await new Promise((r) => setTimeout(r, 4_000));
    const after = await executions();
    expect(after.length).toBe(settled.length); // no new slot after deactivation

    for (const e of after) {
      expect(e.execution_id).toMatch(/^scheduled:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
      expect(e.scheduled_for).toBe(e.execution_id.slice('scheduled:'.length));
      expect(e).toMatchObject({ status: 'completed', matched: 2, granted: 2, skipped: 0, failed: 0 });
    }
    expect(new Set(after.map((e) => e.execution_id)).size).toBe(after.length);
    expect(after.filter((e) => e.execution_id === dupId)).toHaveLength(1);
    // one WINZ credit per member per slot
    for (const p of [a, b]) {
      const wallet = (await tenant.server.get(`/v1/players/${p.id}/wallet`)).body;
      expect(wallet.balance).toBe(3 * after.length);
    }
  });
});

describe('crash midway: kill -9 the worker during a large execution, restart, each member granted once', () => {
  let crashEnv: TestEnv;
  let crashApi: RunningApi;
  beforeAll(async () => {
    crashEnv = await createTestEnv({ QUEUE_LOCK_MS: '2000', TIMERS_POLL_MS: '200', OUTBOX_POLL_MS: '50' });
    crashApi = await startApiProcess(crashEnv.env);
  });
  afterAll(async () => {
    await crashApi?.stop();
    await crashEnv?.close();
  });

  it('resumes where it stopped; counters, grants, ledger and events add up exactly', async () => {
    const tenant = await createTenant(crashApi.platform);
    const N = 3_000;
    // a large tenant, written straight into the table (creating 3,000 players over HTTP would only slow the test)
    await crashEnv.pool.query(
      `INSERT INTO players (id, tenant_id, external_ref, vip_level, self_excluded, currency)
       SELECT 'plr_crash' || lpad(i::text, 8, '0'), $1, 'crash-' || i, i % 3, i % 100 = 0, 'EUR' FROM generate_series(1, $2::int) i`,
      [tenant.id, N],
    );
    const expectedMatched = Math.floor(N / 3) * 2; // vip_level 1 or 2
    const expectedSkipped = Array.from({ length: N }, (_, k) => k + 1).filter((i) => i % 3 !== 0 && i % 100 === 0).length;

    const s = (await tenant.admin.post('/v1/segments', { name: 'VIP 1+', rule: 'min_vip_level=1' })).body;
    const c = (await tenant.admin.post('/v1/campaigns', { name: 'Big', segment_id: s.id, reward: { type: 'winz', amount: 7 } })).body;
    const executionId = 'big-1';
    expect((await tenant.admin.post(`/v1/campaigns/${c.id}/executions`, { execution_id: executionId })).status).toBe(202);

    let w = await startWorkerProcess(crashEnv.env);
    const midway = await eventually(async () => {
      const e = (await tenant.admin.get(`/v1/campaigns/${c.id}/executions/${executionId}`)).body;
      return e.granted >= 200 && e.granted < expectedMatched - 800 ? e : null;
    }, 60_000, 'the execution to be midway');
    await w.crash();
    const frozen = (await tenant.admin.get(`/v1/campaigns/${c.id}/executions/${executionId}`)).body;
    expect(frozen.status).toBe('running');
    expect(frozen.matched).toBe(expectedMatched);
    expect(frozen.granted).toBeGreaterThanOrEqual(midway.granted);
    expect(frozen.granted + frozen.skipped).toBeLessThan(expectedMatched);
    // what the counters say is exactly what was granted: chunks commit with their counters
    expect(await count(`SELECT count(*) n FROM reward_grants WHERE grant_key LIKE $1`, [`campaign:${c.id}:${executionId}:%`], crashEnv.pool)).toBe(frozen.granted);

    // two workers take over: the job comes back after its lock lapses, the sweep queues nothing twice,
    // and whichever runs it, chunks are claimed with SKIP LOCKED
    w = await startWorkerProcess(crashEnv.env);
    const w2 = await startWorkerProcess(crashEnv.env);
    try {
      const done = await finished(tenant, c.id, executionId, 120_000);
      expect(done).toMatchObject({ status: 'completed', matched: expectedMatched, granted: expectedMatched - expectedSkipped, skipped: expectedSkipped, failed: 0 });
      const key = `campaign:${c.id}:${executionId}:%`;
      expect(await count(`SELECT count(*) n FROM reward_grants WHERE grant_key LIKE $1`, [key], crashEnv.pool)).toBe(done.granted);
      expect(await count(`SELECT count(DISTINCT player_id) n FROM reward_grants WHERE grant_key LIKE $1`, [key], crashEnv.pool)).toBe(done.granted);
      // every granted member holds exactly 7 WINZ; nobody else holds any
      expect(await count(`SELECT count(*) n FROM players WHERE tenant_id = $1 AND winz_balance = 7`, [tenant.id], crashEnv.pool)).toBe(done.granted);
      expect(await count(`SELECT count(*) n FROM players WHERE tenant_id = $1 AND winz_balance NOT IN (0, 7)`, [tenant.id], crashEnv.pool)).toBe(0);
      expect(await count(`SELECT count(*) n FROM players WHERE tenant_id = $1 AND self_excluded AND winz_balance <> 0`, [tenant.id], crashEnv.pool)).toBe(0);
      expect(await count(`SELECT count(*) n FROM outbox_events WHERE tenant_id = $1 AND type = 'winz.credited'`, [tenant.id], crashEnv.pool)).toBe(done.granted);
      expect(await count(`SELECT count(*) n FROM outbox_events WHERE tenant_id = $1 AND type = 'campaign.execution_completed'`, [tenant.id], crashEnv.pool)).toBe(1);
      expect(await count(`SELECT count(*) n FROM campaign_execution_members m JOIN campaign_executions e ON e.id = m.execution_id WHERE e.campaign_id = $1 AND m.state = 'pending'`, [c.id], crashEnv.pool)).toBe(0);
    } finally {
      await Promise.all([w.stop(), w2.stop()]);
    }
  });

  it('two workers racing on one execution grant each member once', async () => {
    const tenant = await createTenant(crashApi.platform);
    await crashEnv.pool.query(
      `INSERT INTO players (id, tenant_id, external_ref, vip_level, currency)
       SELECT 'plr_race' || lpad(i::text, 8, '0'), $1, 'race-' || i, 1, 'EUR' FROM generate_series(1, 1500) i`,
      [tenant.id],
    );
    const s = (await tenant.admin.post('/v1/segments', { name: 'All', rule: 'vip_level = 1' })).body;
    const c = (await tenant.admin.post('/v1/campaigns', { name: 'Race', segment_id: s.id, reward: { type: 'winz', amount: 2 } })).body;
    const [w1, w2] = await Promise.all([startWorkerProcess(crashEnv.env), startWorkerProcess(crashEnv.env)]);
    try {
      // the same execution queued under two job ids, as a sweep and the API could: both workers run it at once
      expect((await tenant.admin.post(`/v1/campaigns/${c.id}/executions`, { execution_id: 'race-1' })).status).toBe(202);
      const { rows } = await crashEnv.pool.query(`SELECT id FROM campaign_executions WHERE campaign_id = $1`, [c.id]);
      const queue = campaignQueue(crashEnv);
      try {
        await queue.add('execute', { executionId: rows[0].id }, { jobId: `${rows[0].id}-again`, removeOnComplete: true });
      } finally {
        await queue.close();
      }
      const done = await finished(tenant, c.id, 'race-1', 120_000);
      expect(done).toMatchObject({ status: 'completed', matched: 1500, granted: 1500, skipped: 0, failed: 0 });
      expect(await count(`SELECT count(*) n FROM players WHERE tenant_id = $1 AND winz_balance = 2`, [tenant.id], crashEnv.pool)).toBe(1500);
      expect(await count(`SELECT count(*) n FROM reward_grants WHERE tenant_id = $1`, [tenant.id], crashEnv.pool)).toBe(1500);
      expect(await count(`SELECT count(*) n FROM outbox_events WHERE tenant_id = $1 AND type = 'campaign.execution_completed'`, [tenant.id], crashEnv.pool)).toBe(1);
    } finally {
      await Promise.all([w1.stop(), w2.stop()]);
    }
  });
});
