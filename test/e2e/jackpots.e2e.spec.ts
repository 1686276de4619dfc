import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ROOT } from '../support/env.js';
import { type AppProcess, startApiProcess, startWorkerProcess, type RunningApi } from '../support/processes.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { createPlayer, createTenant, type TestTenant, uniqueRef } from '../support/factories.js';
import { eventually } from '../support/wait.js';
import { roll, rollWins } from '../../libs/jackpots/src/jackpot-fair.js';
import { parseScaled } from '../../libs/jackpots/src/pool-math.js';

let env: TestEnv;
let api: RunningApi;
let worker: AppProcess;
let acme: TestTenant;

beforeAll(async () => {
  env = await createTestEnv({ OUTBOX_POLL_MS: '50' });
  api = await startApiProcess(env.env);
  worker = await startWorkerProcess(env.env);
  acme = await createTenant(api.platform);
});

afterAll(async () => {
  await worker?.stop();
  await api?.stop();
  await env?.close();
});

async function jackpot(body: Record<string, unknown> = {}, tenant = acme): Promise<any> {
  const res = await tenant.admin.post('/v1/jackpots', { name: 'Drop', currency: 'EUR', type: 'must_drop', seed_amount: 100_000, contribution_rate: 0.015, must_drop_by: 110_000, ...body });
  expect(res.status).toBe(201);
  return res.body;
}

const contribute = (j: string, body: Record<string, unknown>, tenant = acme) =>
  tenant.server.post(`/v1/jackpots/${j}/contribute`, { source_wager_id: uniqueRef('w'), currency: 'EUR', ...body });

const wins = async (j: string, tenant = acme): Promise<any[]> => (await tenant.server.get(`/v1/jackpots/${j}/wins?limit=500`)).body.data;

function verify(win: unknown): { status: number | null; out: string } {
  const file = path.join(tmpdir(), `win-${uniqueRef('v')}.json`);
  writeFileSync(file, JSON.stringify(win));
  const res = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'verify-jackpot-win.mjs'), '--win', file], { encoding: 'utf8' });
  return { status: res.status, out: res.stdout + res.stderr };
}

/** pool + wins = seeds + contributions, from the database's own rows. */
async function conservation(j: string): Promise<{ pool: string; won: string; seeded: string; contributed: string; cycles: number; winners: number }> {
  const { rows } = await env.pool.query(
    `SELECT j.pool::text AS pool, j.cycle AS cycles,
            (SELECT coalesce(sum(amount), 0)::text FROM jackpot_wins w WHERE w.jackpot_id = j.id) AS won,
            (SELECT count(*)::int FROM jackpot_wins w WHERE w.jackpot_id = j.id) AS winners,
            (j.seed_amount * j.cycle)::text AS seeded,
            (SELECT coalesce(sum(contribution), 0)::text FROM jackpot_contributions c WHERE c.jackpot_id = j.id) AS contributed
       FROM jackpots j WHERE j.id = $1`,
    [j],
  );
  return rows[0];
}

const nanos = (decimal: string) => {
  const [whole, frac = ''] = decimal.split('.');
  return BigInt(whole) * 10n ** 9n + BigInt(frac.padEnd(9, '0').slice(0, 9) || '0');
};

describe('jackpots', () => {
  it('creates a jackpot with a commit to its first seed', async () => {
    const j = await jackpot({ min_bet: 100, auto_enroll: true });
    expect(j).toMatchObject({
      id: expect.stringMatching(/^jkp_/),
      type: 'must_drop',
      seed_amount: 100_000,
      contribution_rate: 0.015,
      must_drop_by: 110_000,
      hit_rate: null,
      min_bet: 100,
      auto_enroll: true,
      pool_amount: 100_000,
      pool_exact: '100000',
      cycle: 1,
      seed_commit: expect.stringMatching(/^[0-9a-f]{64}$/),
      totals: { seeded: '100000', contributed: '0', won: '0' },
    });
    expect((await acme.server.get(`/v1/jackpots/${j.id}`)).body).toEqual(j);
    const progressive = await jackpot({ type: 'progressive', must_drop_by: undefined, hit_rate: 1e-7 });
    expect(progressive.hit_rate).toBe(1e-7);
    const bad = await acme.admin.post('/v1/jackpots', { name: 'x', currency: 'EUR', type: 'must_drop', seed_amount: 5, contribution_rate: 0.01, must_drop_by: 5 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ field: 'must_drop_by', issue: 'must be greater than seed_amount' }]);
    const mixed = await acme.admin.post('/v1/jackpots', { name: 'x', currency: 'EUR', type: 'progressive', seed_amount: 5, contribution_rate: 0.01, must_drop_by: 50 });
    expect(mixed.body.error.details.map((d: any) => d.field).sort()).toEqual(['hit_rate', 'must_drop_by']);
  });

  it('carries fractions of a milli, answers replays, and refuses changed payloads and other currencies', async () => {
    const j = await jackpot({ must_drop_by: 1_000_000_000, contribution_rate: 0.015 });
    const p = await createPlayer(acme.server);
    const body = { source_wager_id: uniqueRef('w'), player_id: p.id, bet_amount: 1 };
    const first = await contribute(j.id, body);
    expect(first.status).toBe(201);
    // 0.015 of a milli: carried in the pool, and no whole milli yet
    expect(first.body).toEqual({ jackpot_id: j.id, contribution: 0, pool_amount: 100_000, won: false });
    const answers = [first.body];
    for (let i = 0; i < 99; i++) answers.push((await contribute(j.id, { player_id: p.id, bet_amount: 1 })).body);
    const after = (await acme.server.get(`/v1/jackpots/${j.id}`)).body;
    expect(after.pool_exact).toBe('100001.5');
    expect(after.pool_amount).toBe(100_001);
    // every answer is whole millis, and they add up to the pool's whole millis: the 67th completed one
    expect(answers.every((a) => Number.isInteger(a.contribution))).toBe(true);
    expect(answers.map((a, i) => [i, a.contribution]).filter(([, c]) => c !== 0)).toEqual([[66, 1]]);
    expect(answers.reduce((sum, a) => sum + a.contribution, 0)).toBe(after.pool_amount - 100_000);
    expect(after.totals).toEqual({ seeded: '100000', contributed: '1.5', won: '0' });

    const again = await contribute(j.id, { ...body, player_id: undefined, external_ref: p.external_ref });
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect((await contribute(j.id, { ...body, bet_amount: 2 })).status).toBe(422);
    const usd = await contribute(j.id, { player_id: p.id, bet_amount: 5, currency: 'USD' });
    expect(usd.status).toBe(422);
    expect(usd.body.error.code).toBe('currency_mismatch');
    expect((await contribute('jkp_01m815s5g0tv8swys7gz4j0g32', { player_id: p.id, bet_amount: 5 })).status).toBe(404);
    expect((await acme.server.get(`/v1/jackpots/${j.id}`)).body.pool_exact).toBe('100001.5');
  });

  it('contributes nothing for a bet below min_bet or an excluded player, and says why', async () => {
    const j = await jackpot({ min_bet: 1_000, must_drop_by: 100_001 });
    const p = await createPlayer(acme.server);
    expect((await contribute(j.id, { player_id: p.id, bet_amount: 999_999_999 * 0 + 999 })).body).toMatchObject({ contribution: 0, won: false, reason: 'below_min_bet' });
    await acme.server.patch(`/v1/players/${p.id}`, { self_excluded: true });
    expect((await contribute(j.id, { player_id: p.id, bet_amount: 10_000_000 })).body).toMatchObject({ contribution: 0, won: false, reason: 'player_excluded' });
    expect((await acme.server.get(`/v1/jackpots/${j.id}`)).body).toMatchObject({ cycle: 1, pool_exact: '100000' });
  });

  it('drops a must_drop pool at its drop point, once, reveals the seed and starts a new cycle', async () => {
    const j = await jackpot({ seed_amount: 10_000, must_drop_by: 20_000, contribution_rate: 0.5 });
    const players = await Promise.all([0, 1, 2].map(() => createPlayer(acme.server)));
    const answers = [];
    for (let i = 0; i < 40; i++) {
      const res = await contribute(j.id, { player_id: players[i % 3].id, bet_amount: 1_000 });
      answers.push(res.body);
      if (res.body.won) break;
    }
    const winning = answers.find((a) => a.won)!;
    expect(winning).toMatchObject({ won: true, win: { win_id: expect.stringMatching(/^win_/), amount: expect.any(Number) }, pool_amount: 10_000 });
    expect(answers.filter((a) => a.won)).toHaveLength(1);
    // the pool never reached 20,000 before dropping
    expect(winning.win.amount).toBeLessThanOrEqual(20_000);
    const [win] = await wins(j.id);
    expect(win).toMatchObject({ win_id: winning.win.win_id, cycle: 1, amount: winning.win.amount, currency: 'EUR', proof: { seed_commit: j.seed_commit, seed: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    // the seed is revealed where API.md §6 names it, and it is the one the proof carries
    expect(win).toMatchObject({ seed: win.proof.seed, seed_commit: j.seed_commit });
    expect(createHash('sha256').update(win.seed).digest('hex')).toBe(j.seed_commit);
    expect(win.proof.drop_point).toBeGreaterThan(10_000);
    expect(win.proof.drop_point).toBeLessThanOrEqual(20_000);
    const now = (await acme.server.get(`/v1/jackpots/${j.id}`)).body;
    expect(now).toMatchObject({ cycle: 2, pool_amount: 10_000 });
    expect(now.seed_commit).not.toBe(j.seed_commit);
    expect(win.next_seed_commit).toBe(now.seed_commit);

    const checked = verify(win);
    expect(checked.out).toContain('verified');
    expect(checked.status).toBe(0);
    const forged = verify({ ...win, proof: { ...win.proof, drop_point: win.proof.drop_point + 1 } });
    expect(forged.status).toBe(1);
    // the winning contribution crossed the drop point: a proof claiming the pool was past it before is refused
    expect(win.proof.contribution).toMatch(/^\d+\.\d{9}$/);
    const already = verify({ ...win, proof: { ...win.proof, pool_before: `${win.proof.drop_point}.000000000` } });
    expect(already.status).toBe(1);
    expect(already.out).toContain('FAIL this contribution crossed it');

    const event = await eventually(async () => {
      const { rows } = await env.pool.query("SELECT data FROM outbox_events WHERE type = 'jackpot.won' AND data->>'win_id' = $1", [win.win_id]);
      return rows[0]?.data;
    });
    expect(event).toMatchObject({ jackpot_id: j.id, win_id: win.win_id, amount: win.amount, seed: win.seed, seed_commit: j.seed_commit, proof: win.proof, next_seed_commit: now.seed_commit });
  });

  it('has exactly one winner per cycle however many contributions race, and conserves the pool exactly', async () => {
    const j = await jackpot({ seed_amount: 1_000, must_drop_by: 60_000, contribution_rate: 0.333333333 });
    const players = await Promise.all(Array.from({ length: 25 }, () => createPlayer(acme.server)));
    const bets = Array.from({ length: 300 }, (_, i) => ({ player_id: players[i % 25].id, bet_amount: 1_000 + ((i * 7919) % 5_000) }));
    const answers = await Promise.all(bets.map((b) => contribute(j.id, b)));
    expect(answers.filter((a) => a.status !== 201).map((a) => a.text)).toEqual([]);
    const c = await conservation(j.id);
    expect(c.winners).toBe(c.cycles - 1);
    expect(c.winners).toBeGreaterThan(2);
    expect(nanos(c.pool) + nanos(c.won)).toBe(nanos(c.seeded) + nanos(c.contributed));
    const all = await wins(j.id);
    expect(all.map((w) => w.cycle).sort((a, b) => a - b)).toEqual(Array.from({ length: c.winners }, (_, i) => i + 1));
    expect(answers.filter((a) => a.body.won)).toHaveLength(c.winners);
    for (const w of all) expect(verify(w).status).toBe(0);
    const view = (await acme.server.get(`/v1/jackpots/${j.id}`)).body;
    expect(nanos(view.pool_exact) + nanos(view.totals.won)).toBe(nanos(view.totals.seeded) + nanos(view.totals.contributed));
    // what a client sees adds up in whole millis too: seed amounts + the answers' contributions = pool_amount + wins
    const answered = answers.reduce((sum, a) => sum + a.body.contribution, 0);
    const paid = all.reduce((sum, w) => sum + w.amount, 0);
    expect(answers.every((a) => Number.isInteger(a.body.contribution))).toBe(true);
    expect(c.cycles * 1_000 + answered).toBe(view.pool_amount + paid);
  });

  it('rolls each progressive contribution from the seed and the source_wager_id', async () => {
    // a 50% chance each (0.25 per unit, 2-unit bets): 60 rolls all losing has a chance of 2^-60
    const j = await jackpot({ type: 'progressive', must_drop_by: undefined, hit_rate: 0.25, seed_amount: 500, contribution_rate: 0.1 });
    const p = await createPlayer(acme.server);
    const answers = [];
    for (let i = 0; i < 60; i++) {
      const res = await contribute(j.id, { player_id: p.id, bet_amount: 2_000 });
      expect(res.status).toBe(201);
      answers.push(res.body);
    }
    const all = await wins(j.id);
    expect(all.length).toBe(answers.filter((a) => a.won).length);
    expect(all.length).toBeGreaterThan(0);
    // newest cycle first, and pages of any size walk every win once
    expect(all.map((w) => w.cycle)).toEqual(Array.from({ length: all.length }, (_, i) => all.length - i));
    const paged: any[] = [];
    for (let cursor = ''; ; ) {
      const page = (await acme.server.get(`/v1/jackpots/${j.id}/wins?limit=7${cursor && `&cursor=${cursor}`}`)).body;
      paged.push(...page.data);
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    expect(paged.map((w) => w.win_id)).toEqual(all.map((w) => w.win_id));
    for (const w of all) {
      expect(w.proof).toMatchObject({ bet_amount: 2_000, hit_rate: '0.25', roll: expect.stringMatching(/^[0-9a-f]{16}$/) });
      expect(verify(w).status).toBe(0);
      // the revealed seed also decides every losing roll of its cycle: each one before the win lost
      const { rows } = await env.pool.query('SELECT source_wager_id FROM jackpot_contributions WHERE jackpot_id = $1 AND cycle = $2', [j.id, w.cycle]);
      const outcomes = rows.map((r) => [r.source_wager_id, rollWins(roll(w.proof.seed, r.source_wager_id), parseScaled('0.25', 12), 2_000n)]);
      expect(outcomes.filter(([, won]) => won)).toEqual([[w.source_wager_id, true]]);
    }
    // a hit rate of 1 per unit wins every bet of a unit or more
    const certain = await jackpot({ type: 'progressive', must_drop_by: undefined, hit_rate: 1, seed_amount: 0, contribution_rate: 1 });
    const won = await contribute(certain.id, { player_id: p.id, bet_amount: 1_000 });
    expect(won.body).toMatchObject({ contribution: 1_000, won: true, win: { amount: 1_000 }, pool_amount: 0 });
  });

  it('a wager takes the contribution that holds its key, whatever facts the contribution had', async () => {
    const tenant = await createTenant(api.platform);
    const named = await jackpot({ must_drop_by: 1_000_000_000 }, tenant);
    const auto = await jackpot({ must_drop_by: 1_000_000_000, auto_enroll: true }, tenant);
    const p = await createPlayer(tenant.server);
    const swid = uniqueRef('w');
    const first = await Promise.all([named, auto].map((j) => contribute(j.id, { source_wager_id: swid, player_id: p.id, bet_amount: 2_000 }, tenant)));
    expect(first.map((r) => r.status)).toEqual([201, 201]);
    const body = { source_wager_id: swid, player_id: p.id, bet_amount: 2_000, win_amount: 0, currency: 'EUR', game_code: 'g', game_category: 'slots', jackpot_ids: [named.id] };
    const res = await tenant.server.post('/v1/wagers', body);
    expect(res.status).toBe(201);
    expect(res.body.jackpots).toEqual([first[0].body, first[1].body]);
    for (const j of [named, auto]) expect((await tenant.server.get(`/v1/jackpots/${j.id}`)).body.pool_exact).toBe('100030');

    // other facts: the wager is its own key (API.md §2) and is recorded; the jackpot took that wager
    // id once already, so its entry answers the stored contribution and adds nothing
    const held = uniqueRef('w');
    const direct = await contribute(auto.id, { source_wager_id: held, player_id: p.id, bet_amount: 2_000 }, tenant);
    expect(direct.status).toBe(201);
    const other = { ...body, source_wager_id: held, bet_amount: 5_000, jackpot_ids: [] };
    const recorded = await tenant.server.post('/v1/wagers', other);
    expect(recorded.status).toBe(201);
    expect(recorded.body.jackpots).toEqual([direct.body]);
    expect((await tenant.server.get(`/v1/jackpots/${auto.id}`)).body.pool_exact).toBe('100060');
    expect((await tenant.server.get(`/v1/players/${p.id}`)).body.stats.total_wagered).toBe(7_000);
    expect((await tenant.server.post('/v1/wagers', other)).text).toBe(recorded.text);
  });

  it('takes wagers from POST /v1/wagers: the jackpots named and the auto_enroll ones of the currency', async () => {
    const tenant = await createTenant(api.platform);
    const named = await jackpot({ must_drop_by: 1_000_000_000 }, tenant);
    const auto = await jackpot({ must_drop_by: 1_000_000_000, auto_enroll: true, contribution_rate: 0.01 }, tenant);
    const usd = await jackpot({ must_drop_by: 1_000_000_000, currency: 'USD' }, tenant);
    const p = await createPlayer(tenant.server);
    const body = { source_wager_id: uniqueRef('w'), player_id: p.id, bet_amount: 1_000, win_amount: 0, currency: 'EUR', game_code: 'g', game_category: 'slots', jackpot_ids: [named.id, usd.id] };
    const res = await tenant.server.post('/v1/wagers', body);
    expect(res.status).toBe(201);
    expect(res.body.jackpots).toEqual([
      { jackpot_id: named.id, contribution: 15, pool_amount: 100_015, won: false },
      { jackpot_id: usd.id, contribution: 0, pool_amount: 100_000, won: false, reason: 'currency_mismatch' },
      { jackpot_id: auto.id, contribution: 10, pool_amount: 100_010, won: false },
    ]);
    const direct = await contribute(named.id, { source_wager_id: body.source_wager_id, player_id: p.id, bet_amount: 1_000 }, tenant);
    expect(direct.status).toBe(200);
    expect(direct.body).toEqual(res.body.jackpots[0]);
    expect((await tenant.server.post('/v1/wagers', body)).text).toBe(res.text);
    expect((await tenant.server.get(`/v1/jackpots/${named.id}`)).body.pool_exact).toBe('100015');
  });
});
