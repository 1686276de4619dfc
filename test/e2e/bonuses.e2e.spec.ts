import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AppProcess, startApiProcess, startWorkerProcess, type RunningApi } from '../support/processes.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { createPlayer, createTenant, type TestTenant, uniqueRef } from '../support/factories.js';
import { eventually } from '../support/wait.js';

const UNIT = 1000; // millis per currency unit

let env: TestEnv;
let api: RunningApi;
let workers: AppProcess[] = [];
let acme: TestTenant;

beforeAll(async () => {
  env = await createTestEnv({ TIMERS_POLL_MS: '200' });
  api = await startApiProcess(env.env);
  // two workers: every deadline must still be handled exactly once
  workers = [await startWorkerProcess(env.env), await startWorkerProcess(env.env)];
  acme = await createTenant(api.platform);
});

afterAll(async () => {
  for (const w of workers) await w.stop();
  await api?.stop();
  await env?.close();
});

async function template(body: Record<string, unknown>): Promise<any> {
  const res = await acme.admin.post('/v1/bonus-templates', { name: 'T', currency: 'USD', wagering_base: 'bonus', ...body });
  expect(res.status).toBe(201);
  return res.body;
}

async function grant(player: string, templateId: string, extra: Record<string, unknown> = {}): Promise<any> {
  const res = await acme.server.post(`/v1/players/${player}/bonuses`, { bonus_template_id: templateId, idempotency_key: uniqueRef('g'), ...extra });
  expect(res.status).toBe(201);
  return res.body;
}

async function deposit(player: string, amount: number, currency = 'USD', extra: Record<string, unknown> = {}): Promise<void> {
  const res = await acme.server.post('/v1/journeys/event', { player_id: player, trigger: 'deposit', event_id: uniqueRef('dep'), amount, currency, ...extra });
  expect(res.status).toBe(201);
}

async function wager(player: string, bet: number, category = 'slots', extra: Record<string, unknown> = {}): Promise<any> {
  const res = await acme.server.post('/v1/wagers', {
    source_wager_id: uniqueRef('w'),
    player_id: player,
    bet_amount: bet,
    win_amount: 0,
    currency: 'USD',
    game_code: 'game',
    game_category: category,
    ...extra,
  });
  expect(res.status).toBe(201);
  return res.body;
}

async function bonus(player: string, id: string): Promise<any> {
  const res = await acme.server.get(`/v1/players/${player}/bonuses`);
  return res.body.data.find((b: { id: string }) => b.id === id);
}

async function events(type: string, bonusId: string): Promise<any[]> {
  const { rows } = await env.pool.query("SELECT data FROM outbox_events WHERE type = $1 AND data->>'id' = $2 ORDER BY id", [type, bonusId]);
  return rows.map((r) => r.data);
}

describe('the example of seeds/003 §5', () => {
  it('deposit 100 at 200% → bonus 200; 40× on deposit + bonus → 12,000 turnover; slots 100%, roulette 10%, blackjack 5%; over the max adds 0', async () => {
    const t = await template({
      kind: 'deposit_match',
      match_percent: 200,
      wagering_multiplier: 40,
      wagering_base: 'deposit_plus_bonus',
      game_weights: { slots: 1, roulette: 0.1, blackjack: 0.05 },
      max_bet: 5 * UNIT,
    });
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const g = await grant(p.id, t.id);
    expect(g).toMatchObject({ status: 'offered', amount: null, wagering_required: null, wagering_progress: 0 });

    await deposit(p.id, 100 * UNIT);
    expect(await bonus(p.id, g.id)).toMatchObject({ status: 'active', amount: 200 * UNIT, deposit_amount: 100 * UNIT, wagering_required: 12_000 * UNIT });

    const steps: Array<[number, string, number, boolean]> = [
      [5 * UNIT, 'slots', 5 * UNIT, false],
      [5 * UNIT, 'roulette', 0.5 * UNIT, false],
      [5 * UNIT, 'blackjack', 0.25 * UNIT, false],
      [6 * UNIT, 'slots', 0, true],
      [5 * UNIT, 'crash', 0, false],
    ];
    let progress = 0;
    for (const [bet, category, adds, violation] of steps) {
      const res = await wager(p.id, bet, category);
      progress += adds;
      expect(res.bonuses).toEqual([
        { bonus_id: g.id, wagering_contribution: adds, wagering_progress: progress, wagering_required: 12_000 * UNIT, status: 'active', max_bet_violation: violation },
      ]);
    }
    expect(await bonus(p.id, g.id)).toMatchObject({ wagering_progress: 5_750, max_bet_violations: 1, status: 'active' });
    const [activated] = await events('bonus.activated', g.id);
    expect(activated).toMatchObject({ id: g.id, status: 'active', amount: 200 * UNIT, wagering_required: 12_000 * UNIT, player_id: p.id });
  });
});

describe("Recipe 3's reload template: 50%, $200 cap, 25×", () => {
  let reload: any;
  beforeAll(async () => {
    reload = await template({ kind: 'reload', match_percent: 50, max_amount: 200 * UNIT, wagering_multiplier: 25, min_deposit: 20 * UNIT });
  });

  it('a deposit of 100 activates 50, with 1,250 to wager', async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const g = await grant(p.id, reload.id);
    await deposit(p.id, 100 * UNIT);
    expect(await bonus(p.id, g.id)).toMatchObject({ status: 'active', amount: 50 * UNIT, wagering_required: 1_250 * UNIT });
  });

  it('a deposit of 1,000 is capped at 200, with 5,000 to wager', async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const g = await grant(p.id, reload.id);
    await deposit(p.id, 1_000 * UNIT);
    expect(await bonus(p.id, g.id)).toMatchObject({ status: 'active', amount: 200 * UNIT, deposit_amount: 1_000 * UNIT, wagering_required: 5_000 * UNIT });
  });

  it('a deposit below min_deposit, in another currency, or made before the offer does not activate it', async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    await deposit(p.id, 500 * UNIT, 'USD', { occurred_at: new Date(Date.now() - 60_000).toISOString() });
    const g = await grant(p.id, reload.id);
    await deposit(p.id, 19 * UNIT);
    await deposit(p.id, 500 * UNIT, 'EUR');
    expect(await bonus(p.id, g.id)).toMatchObject({ status: 'offered', amount: null });
    await deposit(p.id, 20 * UNIT);
    expect(await bonus(p.id, g.id)).toMatchObject({ status: 'active', amount: 10 * UNIT });
  });

  it('a deposit whose match is less than a milli (0, or 1 milli at 50%) leaves the offer open', async () => {
    const open = await template({ kind: 'reload', match_percent: 50, wagering_multiplier: 25 }); // no min_deposit
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const g = await grant(p.id, open.id);
    await deposit(p.id, 0);
    await deposit(p.id, 1);
    expect(await bonus(p.id, g.id)).toMatchObject({ status: 'offered', amount: null });
    expect(await events('bonus.activated', g.id)).toEqual([]);
    // 3 millis at 50% is 1.5: the bonus is rounded down to 1
    await deposit(p.id, 3);
    expect(await bonus(p.id, g.id)).toMatchObject({ status: 'active', amount: 1, deposit_amount: 3 });
  });

  it('one deposit activates one offer: the oldest', async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const first = await grant(p.id, reload.id);
    const second = await grant(p.id, reload.id);
    await deposit(p.id, 100 * UNIT);
    expect((await bonus(p.id, first.id)).status).toBe('active');
    expect((await bonus(p.id, second.id)).status).toBe('offered');
    await deposit(p.id, 100 * UNIT);
    expect((await bonus(p.id, second.id)).status).toBe('active');
  });
});

describe('wagering to completion', () => {
  it('completes when the weighted turnover reaches the requirement, emits bonus.completed once, and stops counting', async () => {
    const t = await template({ kind: 'no_deposit', fixed_amount: 10 * UNIT, wagering_multiplier: 2 });
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const g = await grant(p.id, t.id);
    expect(g).toMatchObject({ status: 'active', amount: 10 * UNIT, wagering_required: 20 * UNIT });
    expect((await wager(p.id, 15 * UNIT)).bonuses[0]).toMatchObject({ status: 'active', wagering_progress: 15 * UNIT });
    expect((await wager(p.id, 7 * UNIT)).bonuses[0]).toMatchObject({ status: 'completed', wagering_progress: 22 * UNIT });
    expect((await wager(p.id, 7 * UNIT)).bonuses).toEqual([]);
    expect(await bonus(p.id, g.id)).toMatchObject({ status: 'completed', wagering_progress: 22 * UNIT, completed_at: expect.any(String) });
    expect(await events('bonus.completed', g.id)).toHaveLength(1);
    expect(await events('bonus.granted', g.id)).toHaveLength(1);
    expect(await events('bonus.activated', g.id)).toHaveLength(1);
  });

  it('a free bet with nothing to wager completes at once', async () => {
    const t = await template({ kind: 'free_bet', fixed_amount: 5 * UNIT, wagering_multiplier: 0 });
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const g = await grant(p.id, t.id);
    expect(g.status).toBe('completed');
    expect(await events('bonus.completed', g.id)).toHaveLength(1);
  });

  it('ignores wagers in another currency and wagers settled before the activation', async () => {
    const t = await template({ kind: 'no_deposit', fixed_amount: 10 * UNIT, wagering_multiplier: 10 });
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const g = await grant(p.id, t.id);
    expect((await wager(p.id, 5 * UNIT, 'slots', { currency: 'EUR' })).bonuses).toEqual([]);
    expect((await wager(p.id, 5 * UNIT, 'slots', { settled_at: new Date(Date.now() - 3_600_000).toISOString() })).bonuses).toEqual([]);
    expect((await bonus(p.id, g.id)).wagering_progress).toBe(0);
  });
});

describe('lifecycle', () => {
  let nd: any;
  beforeAll(async () => {
    nd = await template({ kind: 'no_deposit', fixed_amount: 10 * UNIT, wagering_multiplier: 30 });
  });

  it('cancel and forfeit end a live bonus, once; wagers no longer count', async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const a = await grant(p.id, nd.id);
    const b = await grant(p.id, nd.id);
    const cancelled = await acme.server.post(`/v1/players/${p.id}/bonuses/${a.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', ended_at: expect.any(String) });
    const forfeited = await acme.server.post(`/v1/players/${p.external_ref}/bonuses/${b.id}/forfeit`);
    expect(forfeited.body.status).toBe('forfeited');
    for (const res of [await acme.server.post(`/v1/players/${p.id}/bonuses/${a.id}/forfeit`), await acme.server.post(`/v1/players/${p.id}/bonuses/${b.id}/cancel`)]) {
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('bonus_not_live');
    }
    expect((await wager(p.id, 5 * UNIT)).bonuses).toEqual([]);
    expect((await acme.server.post(`/v1/players/${p.id}/bonuses/bns_nope/cancel`)).status).toBe(404);
  });

  it('concurrent cancels and forfeits: one ends it, the others are told the state it ended in', async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    for (let round = 0; round < 5; round++) {
      const g = await grant(p.id, nd.id);
      const results = await Promise.all(
        ['cancel', 'forfeit', 'cancel', 'forfeit', 'cancel', 'forfeit'].map((action) => acme.server.post(`/v1/players/${p.id}/bonuses/${g.id}/${action}`)),
      );
      const won = results.filter((r) => r.status === 200);
      expect(won).toHaveLength(1);
      const final = won[0].body.status;
      expect((await bonus(p.id, g.id)).status).toBe(final);
      for (const lost of results.filter((r) => r.status !== 200)) {
        expect(lost.status).toBe(409);
        expect(lost.body.error).toMatchObject({ code: 'bonus_not_live', message: `the bonus is already ${final}` });
      }
    }
  });

  it('expires at expires_at, exactly once across two workers (bonus.expired)', async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const g = await grant(p.id, nd.id, { expires_at: expiresAt });
    expect(g).toMatchObject({ status: 'active', expires_at: expiresAt });
    const expired = await eventually(async () => ((await bonus(p.id, g.id)).status === 'expired' ? bonus(p.id, g.id) : undefined), 10_000);
    expect(new Date(expired.ended_at).getTime()).toBeGreaterThanOrEqual(new Date(expiresAt).getTime());
    await new Promise((r) => setTimeout(r, 1000));
    const fired = await events('bonus.expired', g.id);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ id: g.id, status: 'expired' });
    expect((await wager(p.id, 5 * UNIT)).bonuses).toEqual([]);
  });

  it("expires an offer from the template's expires_in_hours", async () => {
    const t = await template({ kind: 'reload', match_percent: 10, wagering_multiplier: 1, expires_in_hours: 24 });
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const before = Date.now();
    const g = await grant(p.id, t.id);
    expect(new Date(g.expires_at).getTime() - before).toBeGreaterThanOrEqual(24 * 3600_000 - 1000);
    expect(new Date(g.expires_at).getTime() - before).toBeLessThanOrEqual(24 * 3600_000 + 1000);
  });
});

describe('cashback', () => {
  it('credits a percentage of the net loss when its window closes', async () => {
    const t = await template({ kind: 'cashback', cashback_percent: 10, cashback_window_hours: 24, max_amount: 50 * UNIT, wagering_multiplier: 1 });
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const g = await grant(p.id, t.id);
    expect(g).toMatchObject({ status: 'offered', amount: null, cashback_net_loss: 0, window_ends_at: expect.any(String) });
    await wager(p.id, 100 * UNIT, 'slots', { win_amount: 20 * UNIT });
    await wager(p.id, 50 * UNIT, 'roulette');
    await wager(p.id, 10 * UNIT, 'slots', { win_amount: 30 * UNIT });
    await wager(p.id, 100 * UNIT, 'slots', { currency: 'EUR' });
    expect((await bonus(p.id, g.id)).cashback_net_loss).toBe(110 * UNIT);

    // the window closes (the deadline is moved, as time would)
    await env.pool.query("UPDATE bonus_grants SET window_ends_at = now() - interval '1 second' WHERE id = $1", [g.id]);
    const settled = await eventually(async () => ((await bonus(p.id, g.id)).status === 'active' ? bonus(p.id, g.id) : undefined), 10_000);
    expect(settled).toMatchObject({ amount: 11 * UNIT, wagering_required: 11 * UNIT });
    await new Promise((r) => setTimeout(r, 800));
    expect(await events('bonus.activated', g.id)).toHaveLength(1);
  });

  it('caps the credit at max_amount, and expires with nothing after a net win', async () => {
    const t = await template({ kind: 'cashback', cashback_percent: 50, max_amount: 5 * UNIT, wagering_multiplier: 1 });
    const loser = await createPlayer(acme.server, { currency: 'USD' });
    const winner = await createPlayer(acme.server, { currency: 'USD' });
    const gl = await grant(loser.id, t.id);
    const gw = await grant(winner.id, t.id);
    await wager(loser.id, 100 * UNIT);
    await wager(winner.id, 10 * UNIT, 'slots', { win_amount: 50 * UNIT });
    await env.pool.query("UPDATE bonus_grants SET window_ends_at = now() - interval '1 second' WHERE id = ANY($1)", [[gl.id, gw.id]]);
    await eventually(async () => (await bonus(loser.id, gl.id)).status === 'active' && (await bonus(winner.id, gw.id)).status === 'expired', 10_000);
    expect((await bonus(loser.id, gl.id)).amount).toBe(5 * UNIT);
    expect(await bonus(winner.id, gw.id)).toMatchObject({ amount: 0, cashback_net_loss: -40 * UNIT });
    expect(await events('bonus.expired', gw.id)).toHaveLength(1);
  });
});

describe('POST /v1/players/:player/bonuses idempotency and refusals', () => {
  let nd: any;
  beforeAll(async () => {
    nd = await template({ kind: 'no_deposit', fixed_amount: 10 * UNIT, wagering_multiplier: 30 });
  });

  it('replays the first answer; a changed payload is 422 and changes nothing', async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const body = { bonus_template_id: nd.id, idempotency_key: uniqueRef('k') };
    const first = await acme.server.post(`/v1/players/${p.id}/bonuses`, body);
    await wager(p.id, 3 * UNIT);
    const again = await acme.server.post(`/v1/players/${p.id}/bonuses`, body);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const byRef = await acme.server.post(`/v1/players/${encodeURIComponent(p.external_ref)}/bonuses`, body);
    expect(byRef.status).toBe(200); // the player by its external_ref: the same request
    expect(byRef.body).toEqual(first.body);
    const other = await createPlayer(acme.server, { currency: 'USD' });
    for (const res of [
      await acme.server.post(`/v1/players/${other.id}/bonuses`, body),
      await acme.server.post(`/v1/players/${p.id}/bonuses`, { ...body, expires_at: new Date(Date.now() + 3600_000).toISOString() }),
    ]) {
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('idempotency_key_reused');
    }
    expect((await acme.server.get(`/v1/players/${other.id}/bonuses`)).body.data).toEqual([]);
    expect((await acme.server.get(`/v1/players/${p.id}/bonuses`)).body.data).toHaveLength(1);
  });

  it('has one effect for 20 concurrent grants with one key', async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const body = { bonus_template_id: nd.id, idempotency_key: uniqueRef('race') };
    const results = await Promise.all(Array.from({ length: 20 }, () => acme.server.post(`/v1/players/${p.id}/bonuses`, body)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const first = results.find((r) => r.status === 201)!;
    for (const r of results) {
      expect([200, 201, 409]).toContain(r.status);
      if (r.status === 200) expect(r.body).toEqual(first.body);
    }
    expect((await acme.server.get(`/v1/players/${p.id}/bonuses`)).body.data).toHaveLength(1);
    expect(await events('bonus.granted', first.body.id)).toHaveLength(1);
  });

  it('refuses an excluded player, another currency, an archived template (422) and unknown ids (404)', async () => {
    const excluded = await createPlayer(acme.server, { currency: 'USD' });
    await acme.server.patch(`/v1/players/${excluded.id}`, { excluded_until: new Date(Date.now() + 86_400_000).toISOString() });
    const euro = await createPlayer(acme.server, { currency: 'EUR' });
    const archived = await template({ kind: 'no_deposit', fixed_amount: UNIT, wagering_multiplier: 1 });
    expect((await acme.admin.delete(`/v1/bonus-templates/${archived.id}`)).status).toBe(204);
    const ok = await createPlayer(acme.server, { currency: 'USD' });
    const other = await createTenant(api.platform);
    const cases: Array<[string, string, number, string]> = [
      [excluded.id, nd.id, 422, 'player_excluded'],
      [euro.id, nd.id, 422, 'currency_mismatch'],
      [ok.id, archived.id, 422, 'template_archived'],
      [ok.id, 'btp_nope', 404, 'not_found'],
      ['nobody-at-all', nd.id, 404, 'not_found'],
    ];
    for (const [player, templateId, status, code] of cases) {
      const res = await acme.server.post(`/v1/players/${player}/bonuses`, { bonus_template_id: templateId, idempotency_key: uniqueRef('r') });
      expect({ player, status: res.status, code: res.body.error?.code }).toEqual({ player, status, code });
    }
    const cross = await other.server.post(`/v1/players`, { external_ref: 'x', currency: 'USD' });
    const res = await other.server.post(`/v1/players/${cross.body.id}/bonuses`, { bonus_template_id: nd.id, idempotency_key: uniqueRef('r') });
    expect(res.status).toBe(404);
    expect((await other.admin.get(`/v1/bonus-templates/${nd.id}`)).status).toBe(404);
    const { rows } = await env.pool.query('SELECT count(*)::int n FROM bonus_grants WHERE player_id = ANY($1)', [[excluded.id, euro.id, ok.id]]);
    expect(rows[0].n).toBe(0);
  });
});

describe('an archived template', () => {
  it('takes no new grant or configured reward; what was granted replays, and prizes configured before are still paid', async () => {
    const t = await template({ kind: 'no_deposit', fixed_amount: UNIT, wagering_multiplier: 1 });
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const reward = { type: 'bonus', bonus_template_id: t.id };
    const before = await acme.admin.post(`/v1/players/${p.id}/rewards`, { reward, grant_key: uniqueRef('k') });
    expect(before.status).toBe(201);
    const HOUR = 3_600_000;
    const race = await acme.admin.post('/v1/tournaments', {
      name: 'Prize from before', currency: 'USD', starts_at: new Date(Date.now() - HOUR).toISOString(), ends_at: new Date(Date.now() + 1_000).toISOString(),
      finalize_grace_seconds: 0, scoring: { metric: 'bet_amount' }, prizes: [{ rank_from: 1, rank_to: 1, reward }],
    });
    expect(race.status).toBe(201);
    expect((await acme.server.post(`/v1/tournaments/${race.body.id}/score`, { source_wager_id: uniqueRef('w'), player_id: p.id, bet_amount: 100, currency: 'USD' })).status).toBe(201);
    expect((await acme.admin.delete(`/v1/bonus-templates/${t.id}`)).status).toBe(204);

    // a new direct grant, by either endpoint: 422; the grant made before replays
    const direct = await acme.admin.post(`/v1/players/${p.id}/rewards`, { reward, grant_key: uniqueRef('k') });
    expect({ status: direct.status, code: direct.body.error?.code }).toEqual({ status: 422, code: 'template_archived' });
    const replay = await acme.admin.post(`/v1/players/${p.id}/rewards`, { reward, grant_key: before.body.grant_key });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(before.body);
    // a new tournament, journey or lootbox may not name it
    const named = await acme.admin.post('/v1/tournaments', {
      name: 'Named after', currency: 'USD', starts_at: new Date(Date.now() + HOUR).toISOString(), ends_at: new Date(Date.now() + 2 * HOUR).toISOString(),
      scoring: { metric: 'bet_amount' }, prizes: [{ rank_from: 1, rank_to: 1, reward }],
    });
    expect({ status: named.status, code: named.body.error?.code, details: named.body.error?.details }).toEqual({
      status: 422, code: 'invalid_reward', details: [{ field: 'prizes[0].reward', issue: 'names an archived bonus template' }],
    });
    const journey = await acme.admin.post('/v1/journeys', { name: 'J', steps: [{ trigger: 'login' }], reward });
    expect({ status: journey.status, code: journey.body.error?.code }).toEqual({ status: 422, code: 'invalid_reward' });
    const box = await acme.admin.post('/v1/lootbox', { name: 'Box', currency: 'USD', prize_table: [{ weight: 1, reward }] });
    expect({ status: box.status, code: box.body.error?.code, details: box.body.error?.details }).toEqual({
      status: 422, code: 'invalid_prize', details: [{ field: 'prize_table[0].reward', issue: 'names an archived bonus template' }],
    });
    // the prize configured before it was archived is paid
    const finished = await eventually(async () => {
      const res = (await acme.server.get(`/v1/tournaments/${race.body.id}`)).body;
      return res.status === 'finished' ? res : undefined;
    }, 15_000, 'the tournament to finish');
    expect(finished.results).toEqual([expect.objectContaining({ rank: 1, player_id: p.id, granted: true, result: expect.objectContaining({ type: 'bonus' }) })]);
    const bonuses = (await acme.server.get(`/v1/players/${p.id}/bonuses`)).body.data;
    expect(bonuses.filter((b: any) => b.bonus_template_id === t.id)).toHaveLength(2);
  });
});

describe('templates', () => {
  it('lists, gets and archives templates; defaults the weights to slots only', async () => {
    const t = await template({ kind: 'no_deposit', fixed_amount: UNIT, wagering_multiplier: 1.5 });
    expect(t).toMatchObject({ game_weights: { slots: 1 }, wagering_multiplier: 1.5, archived_at: null });
    expect((await acme.admin.get(`/v1/bonus-templates/${t.id}`)).body).toEqual(t);
    const list = await acme.admin.get('/v1/bonus-templates?limit=2');
    expect(list.body.data).toHaveLength(2);
    expect(list.body.next_cursor).toEqual(expect.any(String));
    await acme.admin.delete(`/v1/bonus-templates/${t.id}`);
    expect((await acme.admin.get(`/v1/bonus-templates/${t.id}`)).body.archived_at).toEqual(expect.any(String));
    const archived = await acme.admin.get(`/v1/bonus-templates/${t.id}`);
    const asServer = await acme.server.get(`/v1/bonus-templates/${t.id}`);
    expect(asServer.status).toBe(200);
    expect(asServer.body).toEqual(archived.body);
    expect((await acme.server.delete(`/v1/bonus-templates/${t.id}`)).status).toBe(403);
  });

  it('defaults the cashback window to a week', async () => {
    const t = await template({ kind: 'cashback', cashback_percent: 5, wagering_multiplier: 1 });
    expect(t.cashback_window_hours).toBe(168);
  });
});
