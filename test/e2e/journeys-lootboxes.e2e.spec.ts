import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ROOT } from '../support/env.js';
import type { HttpResponse } from '../support/http.js';
import { type AppProcess, startApiProcess, startWorkerProcess, type RunningApi } from '../support/processes.js';
import { Receiver } from '../support/receiver.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { createPlayer, createTenant, type TestTenant, uniqueRef } from '../support/factories.js';
import { eventually } from '../support/wait.js';

let env: TestEnv;
let api: RunningApi;
let worker: AppProcess;
let acme: TestTenant;

/** The API's connections: the seed-rotation race holds this many requests in transactions at once. */
const POOL_SIZE = 10;

beforeAll(async () => {
  env = await createTestEnv({ WEBHOOK_RETRY_DELAYS_SECONDS: '1,1', OUTBOX_POLL_MS: '50', DATABASE_POOL_SIZE: String(POOL_SIZE) });
  api = await startApiProcess(env.env);
  worker = await startWorkerProcess(env.env);
  acme = await createTenant(api.platform);
});

afterAll(async () => {
  await worker?.stop();
  await api?.stop();
  await env?.close();
});

async function journey(body: Record<string, unknown>, tenant = acme): Promise<any> {
  const res = await tenant.admin.post('/v1/journeys', { name: 'J', reward: { type: 'winz', amount: 100 }, ...body });
  expect(res.status).toBe(201);
  return res.body;
}

async function event(player: string, trigger: string, extra: Record<string, unknown> = {}, tenant = acme): Promise<any> {
  const res = await tenant.server.post('/v1/journeys/event', { player_id: player, trigger, event_id: uniqueRef('ev'), ...extra });
  expect(res.status).toBe(201);
  return res.body;
}

async function lootbox(body: Record<string, unknown>, tenant = acme): Promise<any> {
  const res = await tenant.admin.post('/v1/lootbox', { name: 'Box', currency: 'WINZ', ...body });
  expect(res.status).toBe(201);
  return res.body;
}

async function outboxCount(type: string, where = "true", params: unknown[] = []): Promise<number> {
  const { rows } = await env.pool.query(`SELECT count(*)::int n FROM outbox_events WHERE type = $1 AND ${where}`, [type, ...params]);
  return rows[0].n;
}

const balance = async (player: string, tenant = acme) => (await tenant.server.get(`/v1/players/${player}/wallet`)).body.balance;

/** Runs scripts/verify-lootbox-open.mjs on an open, and on the box's published JSON when given. */
function verify(seed: string, open: unknown, box?: unknown): { status: number | null; out: string } {
  const file = (what: string, json: unknown) => {
    const name = path.join(tmpdir(), `${what}-${uniqueRef('v')}.json`);
    writeFileSync(name, JSON.stringify(json));
    return name;
  };
  const args = ['--seed', seed, '--open', file('open', open), ...(box === undefined ? [] : ['--box', file('box', box)])];
  const res = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'verify-lootbox-open.mjs'), ...args], { encoding: 'utf8' });
  return { status: res.status, out: res.stdout + res.stderr };
}

describe('Recipe 1: a first_deposit welcome journey, end to end with signed webhooks', () => {
  it('completes on the first deposit, grants the bonus once, and Recipe 5 replays change nothing', async () => {
    const tenant = await createTenant(api.platform);
    const receiver = await Receiver.start();
    try {
      const hook = await tenant.admin.post('/v1/webhooks', { url: receiver.url, events: ['bonus.granted', 'lootbox.opened', 'journey.completed'] });
      await receiver.configure({ secret: hook.body.secret });
      const welcome = await tenant.admin.post('/v1/bonus-templates', {
        name: 'Welcome 10', kind: 'no_deposit', currency: 'USD', fixed_amount: 10_000, wagering_multiplier: 20, wagering_base: 'bonus',
      });
      const j = await journey({ name: 'Welcome', steps: [{ trigger: 'first_deposit' }], reward: { type: 'bonus', bonus_template_id: welcome.body.id } }, tenant);

      // signup in the PAM, then the first deposit
      const signup = { external_ref: uniqueRef('pam'), currency: 'USD' };
      const player = (await tenant.server.post('/v1/players', signup)).body;
      const deposit = { external_ref: signup.external_ref, trigger: 'first_deposit', event_id: uniqueRef('dep'), amount: 50_000, currency: 'USD' };
      const first = await tenant.server.post('/v1/journeys/event', deposit);
      expect(first.status).toBe(201);
      expect(first.body.progressed).toEqual([{ journey_id: j.id, step_index: 0, step_completed: true, journey_completed: true }]);

      const got = await receiver.waitFor((r) => r.filter((x) => x.verified).length >= 2);
      const events = got.filter((r) => r.verified).map((r) => JSON.parse(r.raw));
      const completed = events.find((e) => e.type === 'journey.completed');
      const granted = events.find((e) => e.type === 'bonus.granted');
      expect(completed.data).toMatchObject({ journey_id: j.id, player_id: player.id, external_ref: signup.external_ref, cycle: 1, rewarded: true, reward_result: { type: 'bonus', bonus_id: granted.data.id } });
      expect(granted.data).toMatchObject({ player_id: player.id, status: 'active', amount: 10_000 });

      // Recipe 5: the operator re-fires everything after a crash
      for (let i = 0; i < 3; i++) {
        expect((await tenant.server.post('/v1/players', signup)).status).toBe(200);
        const again = await tenant.server.post('/v1/journeys/event', deposit);
        expect(again.status).toBe(200);
        expect(again.body).toEqual(first.body);
      }
      await new Promise((r) => setTimeout(r, 1500));
      expect((await receiver.received()).filter((r) => r.verified)).toHaveLength(2);
      expect((await tenant.server.get(`/v1/players/${player.id}/bonuses`)).body.data).toHaveLength(1);
      expect((await tenant.server.get(`/v1/players/${player.id}`)).body.stats).toMatchObject({ deposit_count: 1, total_deposited: 50_000 });
      expect((await tenant.server.get(`/v1/players/${player.id}/journeys`)).body.data).toEqual([
        { journey_id: j.id, name: 'Welcome', cycle: 1, step_index: 1, step_count: 0, steps_total: 1, completed: true, completed_at: expect.any(String), cycles_completed: 1 },
      ]);
    } finally {
      await receiver.stop();
    }
  });

  it("fires first_deposit only for the player's first deposit ever, whichever trigger names it", async () => {
    const tenant = await createTenant(api.platform);
    const early = await createPlayer(tenant.server);
    await event(early.id, 'deposit', { amount: 1_000, currency: 'USD' }, tenant);
    const j = await journey({ steps: [{ trigger: 'first_deposit' }] }, tenant);
    expect((await event(early.id, 'first_deposit', { amount: 1_000, currency: 'USD' }, tenant)).progressed).toEqual([]);
    const fresh = await createPlayer(tenant.server);
    expect((await event(fresh.id, 'deposit', { amount: 1_000, currency: 'USD' }, tenant)).progressed).toEqual([
      { journey_id: j.id, step_index: 0, step_completed: true, journey_completed: true },
    ]);
  });
});

describe('journey mechanics', () => {
  it('completes steps in order, counts each event once, and respects min_amount', async () => {
    const tenant = await createTenant(api.platform);
    const j = await journey({ steps: [{ trigger: 'login', count: 2 }, { trigger: 'wager', min_amount: 5_000 }], reward: { type: 'winz', amount: 777 } }, tenant);
    const p = await createPlayer(tenant.server, { currency: 'USD' });
    const wager = (swid: string, bet: number) =>
      tenant.server.post('/v1/wagers', { source_wager_id: swid, player_id: p.id, bet_amount: bet, win_amount: 0, currency: 'USD', game_code: 'g', game_category: 'slots' });

    await wager(uniqueRef('early'), 10_000); // the wager step is not current yet
    // nor does the wager start the journey: only an event that moves the first step does
    expect((await tenant.server.get(`/v1/players/${p.id}/journeys`)).body.data).toEqual([]);
    const login = { player_id: p.id, trigger: 'login', event_id: uniqueRef('login') };
    expect((await tenant.server.post('/v1/journeys/event', login)).body.progressed).toEqual([{ journey_id: j.id, step_index: 0, step_completed: false, journey_completed: false }]);
    expect((await tenant.server.post('/v1/journeys/event', login)).status).toBe(200); // a replay counts nothing
    expect((await event(p.id, 'login', {}, tenant)).progressed).toEqual([{ journey_id: j.id, step_index: 0, step_completed: true, journey_completed: false }]);
    await wager(uniqueRef('small'), 4_999); // below min_amount
    expect((await tenant.server.get(`/v1/players/${p.id}/journeys`)).body.data[0]).toMatchObject({ step_index: 1, step_count: 0, completed: false });

    // one wager reported to both endpoints counts once
    const swid = uniqueRef('both');
    expect((await tenant.server.post('/v1/journeys/event', { player_id: p.id, trigger: 'wager', source_wager_id: swid, amount: 5_000 })).body.progressed).toEqual([
      { journey_id: j.id, step_index: 1, step_completed: true, journey_completed: true },
    ]);
    await wager(swid, 5_000);
    expect(await balance(p.id, tenant)).toBe(777);
    expect(await outboxCount('journey.completed', "data->>'journey_id' = $2", [j.id])).toBe(1);
  });

  it('starts a repeatable journey over, each cycle rewarded once with its own grant key', async () => {
    const tenant = await createTenant(api.platform);
    const j = await journey({ steps: [{ trigger: 'login' }], repeatable: true, reward: { type: 'winz', amount: 100 } }, tenant);
    const p = await createPlayer(tenant.server);
    for (let i = 0; i < 3; i++) await event(p.id, 'login', {}, tenant);
    expect(await balance(p.id, tenant)).toBe(300);
    expect((await tenant.server.get(`/v1/players/${p.id}/journeys`)).body.data[0]).toMatchObject({ cycle: 3, completed: true, cycles_completed: 3 });
    const { rows } = await env.pool.query("SELECT grant_key FROM reward_grants WHERE player_id = $1 ORDER BY grant_key", [p.id]);
    expect(rows.map((r) => r.grant_key)).toEqual([1, 2, 3].map((c) => `journey:${j.id}:${p.id}:${c}`));
  });

  it('opens the next cycle of a repeatable journey only with an event that moves its first step', async () => {
    const tenant = await createTenant(api.platform);
    await journey({ steps: [{ trigger: 'login' }, { trigger: 'spin' }], repeatable: true, reward: { type: 'winz', amount: 10 } }, tenant);
    const p = await createPlayer(tenant.server);
    await event(p.id, 'spin', {}, tenant); // not the first step: nothing starts
    expect((await tenant.server.get(`/v1/players/${p.id}/journeys`)).body.data).toEqual([]);
    await event(p.id, 'login', {}, tenant);
    await event(p.id, 'spin', {}, tenant);
    await event(p.id, 'spin', {}, tenant); // cycle 1 is complete; a spin does not open cycle 2
    expect((await tenant.server.get(`/v1/players/${p.id}/journeys`)).body.data).toEqual([expect.objectContaining({ cycle: 1, completed: true, cycles_completed: 1 })]);
    await event(p.id, 'login', {}, tenant);
    expect((await tenant.server.get(`/v1/players/${p.id}/journeys`)).body.data).toEqual([expect.objectContaining({ cycle: 2, completed: false, step_index: 1 })]);
    expect(await balance(p.id, tenant)).toBe(10);
  });

  it("pages a player's journeys by journey id (?limit, ?cursor)", async () => {
    const tenant = await createTenant(api.platform);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await journey({ steps: [{ trigger: 'login' }, { trigger: 'login' }], reward: { type: 'winz', amount: 1 } }, tenant)).id);
    const p = await createPlayer(tenant.server);
    await event(p.id, 'login', {}, tenant);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await tenant.server.get(`/v1/players/${p.id}/journeys?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((j: { journey_id: string }) => j.journey_id));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].sort());
    expect((await tenant.server.get(`/v1/players/${p.id}/journeys?limit=0`)).status).toBe(400);
  });

  it('lets an excluded player progress and complete, without the reward', async () => {
    const tenant = await createTenant(api.platform);
    const j = await journey({ steps: [{ trigger: 'login' }], reward: { type: 'winz', amount: 500 } }, tenant);
    const p = await createPlayer(tenant.server);
    await tenant.server.patch(`/v1/players/${p.id}`, { self_excluded: true });
    expect((await event(p.id, 'login', {}, tenant)).progressed[0].journey_completed).toBe(true);
    expect(await balance(p.id, tenant)).toBe(0);
    const { rows } = await env.pool.query("SELECT data FROM outbox_events WHERE type = 'journey.completed' AND data->>'journey_id' = $1", [j.id]);
    expect(rows[0].data).toMatchObject({ rewarded: false, reward_result: null, player_id: p.id });
  });

  it('fires registration when a player is created, by signup or by an event naming a new external_ref', async () => {
    const tenant = await createTenant(api.platform);
    await journey({ steps: [{ trigger: 'registration' }], reward: { type: 'winz', amount: 50 } }, tenant);
    const signed = await createPlayer(tenant.server);
    const ref = uniqueRef('late');
    await tenant.server.post('/v1/wagers', { source_wager_id: uniqueRef('w'), external_ref: ref, bet_amount: 1, win_amount: 0, currency: 'USD', game_code: 'g', game_category: 'slots' });
    expect(await balance(signed.id, tenant)).toBe(50);
    expect(await balance(ref, tenant)).toBe(50);
    expect((await tenant.server.post('/v1/players', { external_ref: ref })).status).toBe(201);
    expect(await balance(ref, tenant)).toBe(50);
  });

  it('counts a player\'s registration once per journey, even when an event fires it again', async () => {
    const tenant = await createTenant(api.platform);
    await journey({ steps: [{ trigger: 'registration' }], repeatable: true, reward: { type: 'winz', amount: 50 } }, tenant);
    const p = await createPlayer(tenant.server);
    expect(await balance(p.id, tenant)).toBe(50);
    // fired by hand after the signup: no second cycle of the repeatable journey
    expect((await event(p.id, 'registration', {}, tenant)).progressed).toEqual([]);
    expect((await event(p.id, 'registration', {}, tenant)).progressed).toEqual([]);
    expect(await balance(p.id, tenant)).toBe(50);
    // a journey made after the player registered counts that registration once, when an event reports it
    const after = await journey({ steps: [{ trigger: 'registration' }], repeatable: true, reward: { type: 'winz', amount: 7 } }, tenant);
    expect((await event(p.id, 'registration', {}, tenant)).progressed).toEqual([expect.objectContaining({ journey_id: after.id, journey_completed: true })]);
    expect((await event(p.id, 'registration', {}, tenant)).progressed).toEqual([]);
    expect(await balance(p.id, tenant)).toBe(57);
  });

  it('moves only while active and inside its window', async () => {
    const tenant = await createTenant(api.platform);
    const future = await journey({ steps: [{ trigger: 'login' }], starts_at: new Date(Date.now() + 3_600_000).toISOString() }, tenant);
    const past = await journey({ steps: [{ trigger: 'login' }], starts_at: '2020-01-01T00:00:00Z', ends_at: '2020-02-01T00:00:00Z' }, tenant);
    const off = await journey({ steps: [{ trigger: 'login' }] }, tenant);
    const deactivated = await tenant.admin.post(`/v1/journeys/${off.id}/deactivate`);
    expect(deactivated.body).toMatchObject({ active: false, deactivated_at: expect.any(String) });
    const p = await createPlayer(tenant.server);
    expect((await event(p.id, 'login', {}, tenant)).progressed).toEqual([]);
    // an event that happened inside the old window still counts there
    expect((await event(p.id, 'login', { occurred_at: '2020-01-15T00:00:00Z' }, tenant)).progressed.map((x: { journey_id: string }) => x.journey_id)).toEqual([past.id]);
    expect((await tenant.admin.get(`/v1/journeys/${future.id}`)).body.active).toBe(true);
  });

  it('lists, gets and hides journeys across tenants', async () => {
    const j = await journey({ steps: [{ trigger: 'login' }] });
    expect((await acme.admin.get(`/v1/journeys/${j.id}`)).body).toEqual(j);
    expect((await acme.admin.get('/v1/journeys')).body.data.map((x: { id: string }) => x.id)).toContain(j.id);
    const other = await createTenant(api.platform);
    expect((await other.admin.get(`/v1/journeys/${j.id}`)).status).toBe(404);
    expect((await other.admin.post(`/v1/journeys/${j.id}/deactivate`)).status).toBe(404);
    const asServer = await acme.server.get(`/v1/journeys/${j.id}`);
    expect(asServer.status).toBe(200);
    expect(asServer.body).toEqual(j);
    expect((await other.server.get(`/v1/journeys/${j.id}`)).status).toBe(404);
    expect((await acme.server.post(`/v1/journeys/${j.id}/deactivate`)).status).toBe(403);
  });
});

describe('Recipe 4: a daily gold lootbox for VIPs', () => {
  it('opens provably fair prizes per daily key, announces each, replays the same prize, and verifies after rotation', async () => {
    const tenant = await createTenant(api.platform);
    const receiver = await Receiver.start();
    try {
      const hook = await tenant.admin.post('/v1/webhooks', { url: receiver.url, events: ['lootbox.opened'] });
      await receiver.configure({ secret: hook.body.secret });
      const box = await lootbox({ name: 'Gold daily', tier: 'gold', currency: 'USD', ev_target: 2_500 }, tenant);
      expect(box).toMatchObject({ tier: 'gold', currency: 'USD', ev_target: 2_500, total_weight: 100, seed_commit: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(Math.abs(box.ev - 2_500)).toBeLessThanOrEqual(25);
      expect(box.prize_table.reduce((a: number, p: { probability: number }) => a + p.probability, 0)).toBeCloseTo(1, 6);

      const players = await Promise.all([1, 2, 3].map(() => createPlayer(tenant.server, { vip_level: 3 })));
      const opens: any[] = [];
      for (const day of ['2025-05-19', '2025-05-20']) {
        for (const p of players) {
          const res = await tenant.server.post(`/v1/lootbox/${box.id}/open`, { player_id: p.id, idempotency_key: `daily-lb-${day}-${p.id}` });
          expect(res.status).toBe(201);
          expect(res.body).toMatchObject({ lootbox_id: box.id, player_id: p.id, proof: { seed_commit: box.seed_commit, seed_id: box.seed_id } });
          opens.push(res.body);
        }
      }
      // the same key opens the same prize, forever
      const again = await tenant.server.post(`/v1/lootbox/${box.id}/open`, { player_id: players[0].id, idempotency_key: `daily-lb-2025-05-19-${players[0].id}` });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(opens[0]);

      const got = await receiver.waitFor((r) => r.filter((x) => x.verified).length >= 6);
      expect(new Set(got.filter((r) => r.verified).map((r) => JSON.parse(r.raw).data.open_id))).toEqual(new Set(opens.map((o) => o.open_id)));

      const rotation = await tenant.admin.post(`/v1/lootbox/${box.id}/rotate-seed`);
      expect(rotation.status).toBe(200);
      const { seed, commit } = rotation.body.revealed;
      expect(commit).toBe(box.seed_commit);
      expect(createHash('sha256').update(seed).digest('hex')).toBe(commit);
      for (const open of opens) {
        const v = verify(seed, open);
        expect({ status: v.status, out: v.out }).toEqual({ status: 0, out: expect.stringContaining(`verified: prize ${open.proof.prize_index} `) });
      }
      const webhookOpen = JSON.parse(got.find((r) => r.verified)!.raw);
      expect(verify(seed, webhookOpen).status).toBe(0);
      const forged = { ...opens[0], proof: { ...opens[0].proof, prize_index: (opens[0].proof.prize_index + 1) % 5 } };
      expect(verify(seed, forged).status).toBe(1);
      expect(verify('0'.repeat(64), opens[0]).status).toBe(1);

      // --box checks the open against the box's published prize table, which the proof alone cannot
      const published = (await tenant.server.get(`/v1/lootbox/${box.id}`)).body;
      for (const open of [...opens, webhookOpen]) {
        const v = verify(seed, open, published);
        expect({ status: v.status, out: v.out }).toEqual({ status: 0, out: expect.stringContaining("ok   the prize is the box's prize") });
      }
      const jackpot = published.prize_table[4].reward;
      const forgeries = {
        // another prize claimed than the one the draw picked
        reward: { ...opens[0], reward: published.prize_table[(opens[0].proof.prize_index + 1) % 5].reward },
        // weights that put every ticket on the top prize: the draw checks out against them
        weights: { ...opens[0], reward: jackpot, proof: { ...opens[0].proof, weights: [0, 0, 0, 0, 100], prize_index: 4 } },
      };
      for (const [what, forgery] of Object.entries(forgeries)) {
        expect({ what, status: verify(seed, forgery).status }).toEqual({ what, status: 0 }); // the proof alone is consistent
        const v = verify(seed, forgery, published);
        expect({ what, status: v.status, out: v.out }).toEqual({ what, status: 1, out: expect.stringContaining('NOT VERIFIED') });
      }
      expect(verify(seed, forgeries.reward, published).out).toContain("FAIL the prize is the box's prize");
      expect(verify(seed, forgeries.weights, published).out).toContain("FAIL the weights are the box's prize table's");
      const otherBox = { ...published, id: 'lbx_01m815s5g0tv8swys7gz4j0g32' };
      expect(verify(seed, opens[0], otherBox).out).toContain('FAIL the open is of this box');

      // opens after the rotation use the new seed
      const next = await tenant.server.post(`/v1/lootbox/${box.id}/open`, { player_id: players[0].id, idempotency_key: `daily-lb-2025-05-21-${players[0].id}` });
      expect(next.body.proof).toMatchObject({ seed_id: rotation.body.current.seed_id, seed_commit: rotation.body.current.commit });
      const seeds = (await tenant.server.get(`/v1/lootbox/${box.id}/seeds`)).body.data;
      expect(seeds.map((s: { seed: string | null }) => s.seed)).toEqual([null, seed]);
      expect((await tenant.server.get(`/v1/players/${players[0].id}/lootbox-opens`)).body.data).toHaveLength(3);
    } finally {
      await receiver.stop();
    }
  });

  it('has one prize, one ledger effect and one event for 20 concurrent opens with one key', async () => {
    const box = await lootbox({ prize_table: [{ weight: 1, reward: { type: 'winz', amount: 1_000 } }, { weight: 1, reward: { type: 'winz', amount: 3_000 } }] });
    const p = await createPlayer(acme.server);
    const body = { player_id: p.id, idempotency_key: uniqueRef('race') };
    const results = await Promise.all(Array.from({ length: 20 }, () => acme.server.post(`/v1/lootbox/${box.id}/open`, body)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const first = results.find((r) => r.status === 201)!;
    for (const r of results) {
      expect([200, 201, 409]).toContain(r.status);
      if (r.status === 200) expect(r.body).toEqual(first.body);
    }
    expect(await balance(p.id)).toBe(first.body.reward.amount);
    expect((await acme.server.get(`/v1/players/${p.id}/wallet`)).body.entries).toHaveLength(1);
    expect(await outboxCount('lootbox.opened', "data->>'open_id' = $2", [first.body.open_id])).toBe(1);
    const { rows } = await env.pool.query('SELECT count(*)::int n FROM lootbox_opens WHERE lootbox_id = $1', [box.id]);
    expect(rows[0].n).toBe(1);
  });

  it('scopes keys to the box, refuses a changed payload, and refuses excluded players but replays their earlier opens', async () => {
    const a = await lootbox({ prize_table: [{ weight: 1, reward: { type: 'nothing' } }] });
    const b = await lootbox({ prize_table: [{ weight: 1, reward: { type: 'nothing' } }] });
    const p = await createPlayer(acme.server);
    const q = await createPlayer(acme.server);
    const key = uniqueRef('k');
    const first = await acme.server.post(`/v1/lootbox/${a.id}/open`, { player_id: p.id, idempotency_key: key });
    expect((await acme.server.post(`/v1/lootbox/${b.id}/open`, { player_id: p.id, idempotency_key: key })).status).toBe(201);
    const changed = await acme.server.post(`/v1/lootbox/${a.id}/open`, { player_id: q.id, idempotency_key: key });
    expect(changed.status).toBe(422);
    expect(changed.body.error.code).toBe('idempotency_key_reused');
    expect((await acme.server.post(`/v1/lootbox/${a.id}/open`, { external_ref: p.external_ref, idempotency_key: key })).body).toEqual(first.body);

    await acme.server.patch(`/v1/players/${p.id}`, { excluded_until: new Date(Date.now() + 86_400_000).toISOString() });
    const refused = await acme.server.post(`/v1/lootbox/${a.id}/open`, { player_id: p.id, idempotency_key: uniqueRef('k') });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('player_excluded');
    expect((await acme.server.post(`/v1/lootbox/${a.id}/open`, { player_id: p.id, idempotency_key: key })).status).toBe(200);
  });

  it('opens a lootbox reward at once: a journey that rewards a box', async () => {
    const tenant = await createTenant(api.platform);
    const box = await lootbox({ prize_table: [{ weight: 1, reward: { type: 'winz', amount: 2_222 } }] }, tenant);
    await journey({ steps: [{ trigger: 'login' }], reward: { type: 'lootbox', lootbox_id: box.id } }, tenant);
    const p = await createPlayer(tenant.server);
    await event(p.id, 'login', {}, tenant);
    expect(await balance(p.id, tenant)).toBe(2_222);
    const opens = (await tenant.server.get(`/v1/players/${p.id}/lootbox-opens`)).body.data;
    expect(opens).toHaveLength(1);
    expect(opens[0]).toMatchObject({ lootbox_id: box.id, reward: { type: 'winz', amount: 2_222 } });
    expect(await outboxCount('lootbox.opened', "data->>'open_id' = $2", [opens[0].open_id])).toBe(1);
  });

  it('opens a lootbox granted directly (POST /v1/players/:player/rewards) once per grant key; an unknown box is a 404 that stores nothing', async () => {
    const tenant = await createTenant(api.platform);
    const box = await lootbox({ prize_table: [{ weight: 1, reward: { type: 'winz', amount: 3_333 } }] }, tenant);
    const p = await createPlayer(tenant.server);
    const body = { reward: { type: 'lootbox', lootbox_id: box.id }, grant_key: uniqueRef('g') };
    const first = await tenant.admin.post(`/v1/players/${p.id}/rewards`, body);
    expect(first.status).toBe(201);
    const replay = await tenant.admin.post(`/v1/players/${p.id}/rewards`, body);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expect(await balance(p.id, tenant)).toBe(3_333);
    expect((await tenant.server.get(`/v1/players/${p.id}/lootbox-opens`)).body.data).toHaveLength(1);

    const countRows = async () => (await env.pool.query('SELECT (SELECT count(*) FROM reward_grants)::int + (SELECT count(*) FROM lootbox_opens)::int n')).rows[0].n;
    const before = await countRows();
    const unknown = await tenant.admin.post(`/v1/players/${p.id}/rewards`, { reward: { type: 'lootbox', lootbox_id: 'lbx_01m815s5g0tv8swys7gz4j0g32' }, grant_key: uniqueRef('g') });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    expect(await countRows()).toBe(before);
  });

  it('opens a box that is the prize of a box at once, in the same open: both announced, once each, replayed as the first answer', async () => {
    const tenant = await createTenant(api.platform);
    const inner = await lootbox({ name: 'Inner', prize_table: [{ weight: 1, reward: { type: 'winz', amount: 1_000 } }, { weight: 3, reward: { type: 'winz', amount: 3_000 } }] }, tenant);
    expect(inner.ev).toBe(2_500);
    // a lootbox prize counts the EV of its box: (1·2500 + 1·0) / 2
    const outer = await lootbox({ name: 'Outer', ev_target: 1_250, prize_table: [{ weight: 1, reward: { type: 'lootbox', lootbox_id: inner.id } }, { weight: 1, reward: { type: 'nothing' } }] }, tenant);
    expect(outer.ev).toBe(1_250);
    const only = await lootbox({ name: 'Only a box', prize_table: [{ weight: 1, reward: { type: 'lootbox', lootbox_id: inner.id } }] }, tenant);
    expect(only.ev).toBe(2_500);

    const p = await createPlayer(tenant.server);
    const body = { player_id: p.id, idempotency_key: uniqueRef('nest') };
    const results = await Promise.all(Array.from({ length: 8 }, () => tenant.server.post(`/v1/lootbox/${only.id}/open`, body)));
    const first = results.find((r) => r.status === 201)!;
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results) {
      expect([200, 201, 409]).toContain(r.status);
      if (r.status !== 409) expect(r.body).toEqual(first.body);
    }
    expect(first.body.reward).toEqual({ type: 'lootbox', lootbox_id: inner.id });
    const won = first.body.result.reward.amount;
    expect(first.body.result).toEqual({ type: 'lootbox', open_id: expect.stringMatching(/^opn_/), reward: { type: 'winz', amount: won } });
    expect([1_000, 3_000]).toContain(won);

    const opens = (await tenant.server.get(`/v1/players/${p.id}/lootbox-opens`)).body.data;
    expect(opens.map((o: { lootbox_id: string }) => o.lootbox_id).sort()).toEqual([inner.id, only.id].sort());
    const nested = opens.find((o: { lootbox_id: string }) => o.lootbox_id === inner.id);
    expect(nested).toMatchObject({ open_id: first.body.result.open_id, reward: { type: 'winz', amount: won } });
    // the nested draw is fixed by the outer box and the caller's key, not by an id the service made up
    expect(nested.idempotency_key).toBe(`reward:lootbox:${only.id}:${body.idempotency_key}`);
    expect(nested.proof.message).toBe(`${inner.id}:${nested.idempotency_key}`);
    expect(await balance(p.id, tenant)).toBe(won);
    for (const open of [first.body, nested]) expect(await outboxCount('lootbox.opened', "data->>'open_id' = $2", [open.open_id])).toBe(1);

    // Recipe 5: the same open again changes nothing
    const again = await tenant.server.post(`/v1/lootbox/${only.id}/open`, body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await balance(p.id, tenant)).toBe(won);
    expect((await tenant.server.get(`/v1/players/${p.id}/lootbox-opens`)).body.data).toHaveLength(2);

    // the nested open verifies against the inner box's seed once it is revealed
    const rotation = await tenant.admin.post(`/v1/lootbox/${inner.id}/rotate-seed`);
    const v = verify(rotation.body.revealed.seed, nested, (await tenant.server.get(`/v1/lootbox/${inner.id}`)).body);
    expect({ status: v.status, out: v.out }).toEqual({ status: 0, out: expect.stringContaining("ok   the prize is the box's prize") });
  });

  it('holds boxes down to 3 levels below the box opened, and refuses a 4th (422 invalid_prize, storing nothing)', async () => {
    const tenant = await createTenant(api.platform);
    let box = await lootbox({ name: 'Level 0', prize_table: [{ weight: 1, reward: { type: 'winz', amount: 700 } }] }, tenant);
    for (const level of [1, 2, 3]) {
      box = await lootbox({ name: `Level ${level}`, prize_table: [{ weight: 1, reward: { type: 'lootbox', lootbox_id: box.id } }] }, tenant);
      expect(box.ev).toBe(700);
    }
    const count = async () => (await env.pool.query('SELECT count(*)::int n FROM lootboxes WHERE tenant_id = $1', [tenant.id])).rows[0].n;
    const before = await count();
    const deeper = await tenant.admin.post('/v1/lootbox', { name: 'Level 4', currency: 'WINZ', prize_table: [{ weight: 1, reward: { type: 'lootbox', lootbox_id: box.id } }] });
    expect(deeper.status).toBe(422);
    expect(deeper.body.error).toMatchObject({ code: 'invalid_prize', details: [{ field: 'prize_table[0].reward', issue: expect.stringContaining('3 levels') }] });
    expect(await count()).toBe(before);

    const p = await createPlayer(tenant.server);
    const res = await tenant.server.post(`/v1/lootbox/${box.id}/open`, { player_id: p.id, idempotency_key: 'deep' });
    expect(res.status).toBe(201);
    expect(await balance(p.id, tenant)).toBe(700);
    expect((await tenant.server.get(`/v1/players/${p.id}/lootbox-opens`)).body.data).toHaveLength(4);
  });
});

describe('direct reward grants to an excluded player', () => {
  it('refuses every reward (422 player_excluded) and stores nothing, as journeys skip them; a grant made before the exclusion replays', async () => {
    const tenant = await createTenant(api.platform);
    const box = await lootbox({ prize_table: [{ weight: 1, reward: { type: 'winz', amount: 4_444 } }] }, tenant);
    const template = await tenant.admin.post('/v1/bonus-templates', { name: 'B', kind: 'free_bet', currency: 'USD', fixed_amount: 1_000, wagering_multiplier: 1, wagering_base: 'bonus' });
    const rewards = [
      { type: 'lootbox', lootbox_id: box.id },
      { type: 'winz', amount: 500 },
      { type: 'bonus', bonus_template_id: template.body.id },
      { type: 'external', amount: 100_000, currency: 'USD', description: 'iPhone' },
    ];
    const p = await createPlayer(tenant.server, { currency: 'USD' });
    const before = { reward: { type: 'lootbox', lootbox_id: box.id }, grant_key: uniqueRef('before') };
    const first = await tenant.admin.post(`/v1/players/${p.id}/rewards`, before);
    expect(first.status).toBe(201);

    const excluded = { self_excluded: true };
    const until = { excluded_until: new Date(Date.now() + 86_400_000).toISOString() };
    for (const exclusion of [excluded, until]) {
      const q = await createPlayer(tenant.server, { currency: 'USD' });
      expect((await tenant.server.patch(`/v1/players/${q.id}`, exclusion)).status).toBe(200);
      for (const reward of rewards) {
        const res = await tenant.admin.post(`/v1/players/${q.external_ref}/rewards`, { reward, grant_key: uniqueRef('g') });
        expect({ exclusion, reward: reward.type, status: res.status, code: res.body.error?.code }).toEqual({ exclusion, reward: reward.type, status: 422, code: 'player_excluded' });
      }
      const { rows } = await env.pool.query(
        `SELECT (SELECT count(*) FROM reward_grants WHERE player_id = $1)::int grants, (SELECT count(*) FROM lootbox_opens WHERE player_id = $1)::int opens,
                (SELECT count(*) FROM bonus_grants WHERE player_id = $1)::int bonuses, (SELECT count(*) FROM outbox_events WHERE type <> 'player.created' AND data->>'player_id' = $1)::int events`,
        [q.id],
      );
      expect(rows[0]).toEqual({ grants: 0, opens: 0, bonuses: 0, events: 0 });
      expect(await balance(q.id, tenant)).toBe(0);
    }

    await tenant.server.patch(`/v1/players/${p.id}`, excluded);
    const replay = await tenant.admin.post(`/v1/players/${p.id}/rewards`, before);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expect((await tenant.admin.post(`/v1/players/${p.id}/rewards`, { ...before, grant_key: uniqueRef('after') })).status).toBe(422);
    expect((await tenant.server.get(`/v1/players/${p.id}/lootbox-opens`)).body.data).toHaveLength(1);

    // an exclusion that has ended excludes no more
    await tenant.server.patch(`/v1/players/${p.id}`, { self_excluded: false, excluded_until: new Date(Date.now() - 1_000).toISOString() });
    expect((await tenant.admin.post(`/v1/players/${p.id}/rewards`, { ...before, grant_key: uniqueRef('again') })).status).toBe(201);
  });
});

describe('seed rotations racing opens', () => {
  const lockWaits = async (): Promise<number> =>
    (
      await env.pool.query(
        "SELECT count(*)::int n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%lootbox%'",
      )
    ).rows[0].n;

  it('rotates while opens keep arriving: the rotation is not starved by a stream of opens', async () => {
    const tenant = await createTenant(api.platform);
    const box = await lootbox({ prize_table: [{ weight: 1, reward: { type: 'nothing' } }, { weight: 1, reward: { type: 'winz', amount: 10 } }] }, tenant);
    const players = await Promise.all([1, 2, 3, 4].map(() => createPlayer(tenant.server)));
    // a second API with a large pool: together they keep dozens of opens in flight at every moment
    const second = await startApiProcess({ ...env.env, DATABASE_POOL_SIZE: '40' });
    const clients = [tenant.server, second.http.withKey(tenant.serverKey)];
    let n = 0;
    let rotatedAt: number | null = null;
    let stop = false;
    const opened: Array<{ startedAt: number; seedId: string; status: number }> = [];
    // 48 clients opening back to back, so the box is never free of opens, until 40 opens have started
    // after the rotation was answered
    const streams = Array.from({ length: 48 }, async (_, c) => {
      while (!stop) {
        const startedAt = performance.now();
        const res = await clients[c % 2].post(`/v1/lootbox/${box.id}/open`, { player_id: players[n % 4].id, idempotency_key: `stream-${n++}` });
        opened.push({ startedAt, seedId: res.body?.proof?.seed_id, status: res.status });
        if (rotatedAt !== null && opened.filter((o) => o.startedAt > rotatedAt!).length >= 40) stop = true;
      }
    });
    let rotation: HttpResponse;
    try {
      await eventually(async () => opened.length >= 50, 20_000, 'the stream of opens under way');
      rotation = await tenant.admin.post(`/v1/lootbox/${box.id}/rotate-seed`);
      rotatedAt = performance.now();
      await Promise.all(streams);
    } finally {
      stop = true;
      await Promise.allSettled(streams);
      await second.stop();
    }
    expect(rotation.status).toBe(200);
    expect(opened.filter((o) => o.status !== 201)).toEqual([]);
    // the rotation was answered while opens still streamed in, and every open begun after it used the new seed
    const after = opened.filter((o) => o.startedAt > rotatedAt!);
    expect(after.length).toBeGreaterThanOrEqual(40);
    expect(new Set(after.map((o) => o.seedId))).toEqual(new Set([rotation.body.current.seed_id]));
    expect(opened.filter((o) => o.seedId === rotation.body.revealed.seed_id).length).toBeGreaterThan(0);
  });

  it('answers every open 201 and every rotation 200: each open used a committed seed, revealed later, and verifies', async () => {
    const tenant = await createTenant(api.platform);
    const box = await lootbox(
      { prize_table: [{ weight: 1, reward: { type: 'nothing' } }, { weight: 2, reward: { type: 'winz', amount: 100 } }, { weight: 3, reward: { type: 'winz', amount: 700 } }] },
      tenant,
    );
    const players = await Promise.all([1, 2, 3].map(() => createPlayer(tenant.server)));
    let n = 0;
    const open = () => tenant.server.post(`/v1/lootbox/${box.id}/open`, { player_id: players[n % 3].id, idempotency_key: `race-${n++}` });
    const rotate = () => tenant.admin.post(`/v1/lootbox/${box.id}/rotate-seed`);

    // Staged: a rotation is held after it has locked the box's current seed, before it commits (this
    // connection holds lootbox_seeds in SHARE mode, which its reveal waits for), while a second rotation
    // and some opens queue behind it. Then it commits, and they go on.
    const opens: Array<Promise<HttpResponse>> = [];
    const rotations: Array<Promise<HttpResponse>> = [];
    const hold = await env.pool.connect();
    try {
      await hold.query('BEGIN');
      await hold.query('LOCK TABLE lootbox_seeds IN SHARE MODE');
      rotations.push(rotate());
      await eventually(async () => (await lockWaits()) === 1, 20_000, 'the first rotation waiting to reveal its seed');
      rotations.push(rotate());
      for (let i = 0; i < POOL_SIZE - 2; i++) opens.push(open());
      await eventually(async () => (await lockWaits()) === POOL_SIZE, 20_000, 'a second rotation and the opens queued behind the first');
    } finally {
      await hold.query('COMMIT');
      hold.release();
    }
    // Unstaged: a burst of opens with rotations among them.
    for (let i = 0; i < 24; i++) {
      opens.push(open());
      if (i % 8 === 3) rotations.push(rotate());
    }

    const opened = await Promise.all(opens);
    const rotated = await Promise.all(rotations);
    expect(opened.map((r) => r.status)).toEqual(opened.map(() => 201));
    expect(rotated.map((r) => r.status)).toEqual(rotated.map(() => 200));
    // each rotation revealed a seed of its own: concurrent rotations run one after the other
    expect(new Set(rotated.map((r) => r.body.revealed.seed_id)).size).toBe(rotated.length);

    // reveal the seed now current, then check every open against the seed it names
    expect((await rotate()).status).toBe(200);
    const seeds: Array<{ seed_id: string; commit: string; seed: string | null }> = (await tenant.server.get(`/v1/lootbox/${box.id}/seeds?limit=100`)).body.data;
    expect(seeds).toHaveLength(rotated.length + 2);
    expect(seeds.filter((s) => s.seed === null)).toHaveLength(1);
    const published = (await tenant.server.get(`/v1/lootbox/${box.id}`)).body;
    for (const { body } of opened) {
      const seed = seeds.find((s) => s.seed_id === body.proof.seed_id);
      expect({ commit: seed?.commit, revealed: typeof seed?.seed }).toEqual({ commit: body.proof.seed_commit, revealed: 'string' });
      const v = verify(seed!.seed!, body, published);
      expect({ status: v.status, out: v.out }).toEqual({ status: 0, out: expect.stringContaining('verified: prize') });
    }
  });
});

describe('expected value', () => {
  it('computes the EV of a table exactly and accepts a target within 1%', async () => {
    const table = [
      { weight: 6, reward: { type: 'nothing' } },
      { weight: 3, reward: { type: 'winz', amount: 1_000 } },
      { weight: 1, reward: { type: 'winz', amount: 5_001 } },
    ];
    expect((await lootbox({ prize_table: table })).ev).toBe(800.1);
    expect((await lootbox({ prize_table: table, ev_target: 808 })).ev_target).toBe(808);
    expect((await lootbox({ prize_table: [{ weight: 1, reward: { type: 'winz', amount: 1 } }, { weight: 2, reward: { type: 'nothing' } }] })).ev).toBe(0.3333);
  });

  it('refuses a table more than 1% off its target with the computed EV (422 ev_mismatch), storing nothing', async () => {
    const before = (await env.pool.query('SELECT count(*)::int n FROM lootboxes')).rows[0].n;
    const res = await acme.admin.post('/v1/lootbox', {
      name: 'Off', currency: 'WINZ', ev_target: 1_000,
      // EV 989.5: 1.05% below the target (990 would be exactly 1%, still accepted)
      prize_table: [{ weight: 1, reward: { type: 'winz', amount: 979 } }, { weight: 1, reward: { type: 'winz', amount: 1_000 } }],
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'ev_mismatch', details: [{ field: 'prize_table', ev: 989.5, ev_target: 1_000 }] });
    expect((await env.pool.query('SELECT count(*)::int n FROM lootboxes')).rows[0].n).toBe(before);
  });

  it('refuses prizes in another currency than the box (422 currency_mismatch) and values bonuses at their fixed amount', async () => {
    const mixed = await acme.admin.post('/v1/lootbox', { name: 'Mixed', currency: 'USD', prize_table: [{ weight: 1, reward: { type: 'winz', amount: 5 } }] });
    expect(mixed.status).toBe(422);
    expect(mixed.body.error).toMatchObject({ code: 'currency_mismatch', details: [{ field: 'prize_table[0].reward' }] });
    const t = await acme.admin.post('/v1/bonus-templates', { name: 'B', kind: 'free_bet', currency: 'USD', fixed_amount: 4_000, wagering_multiplier: 1, wagering_base: 'bonus' });
    const box = await lootbox({ currency: 'USD', prize_table: [{ weight: 1, reward: { type: 'bonus', bonus_template_id: t.body.id } }, { weight: 3, reward: { type: 'nothing' } }] });
    expect(box.ev).toBe(1_000);
  });

  it('scales each tier to its target, in WINZ for a WINZ box', async () => {
    for (const tier of ['bronze', 'silver', 'gold', 'platinum']) {
      const box = await lootbox({ tier, currency: 'WINZ', ev_target: 10_000 });
      expect(Math.abs(box.ev - 10_000)).toBeLessThanOrEqual(100);
      expect(box.prize_table.filter((p: { reward: { type: string } }) => p.reward.type !== 'nothing').every((p: { reward: { type: string } }) => p.reward.type === 'winz')).toBe(true);
    }
  });
});
