/**
 * The exactly-once promises of the ingestion path with two API processes and two workers running at
 * once (API.md §2, ARCHITECTURE.md scale-out): concurrent duplicates split across both APIs, Recipe 5
 * (re-fire every wager after a crash), an API killed mid-load, and a tournament finalized by two
 * workers, one of them killed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { HttpClient, HttpResponse } from '../support/http.js';
import { type AppProcess, startApiProcess, startWorkerProcess, type RunningApi } from '../support/processes.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { createPlayer, createTenant, type TestTenant, uniqueRef } from '../support/factories.js';
import { eventually } from '../support/wait.js';

let env: TestEnv;
let apis: RunningApi[];
let workers: AppProcess[];
let acme: TestTenant;
/** the tenant's server key on each API process */
let servers: HttpClient[];

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  env = await createTestEnv({ TIMERS_POLL_MS: '100', OUTBOX_POLL_MS: '100', INGEST_BATCH_MAX: '50' });
  apis = await Promise.all([startApiProcess(env.env), startApiProcess(env.env)]);
  workers = await Promise.all([startWorkerProcess(env.env), startWorkerProcess(env.env)]);
  // admin calls and reads go through the second API: the tests kill and restart the first
  acme = await createTenant(apis[1].platform);
  servers = apis.map((a) => a.http.withKey(acme.serverKey));
});

afterAll(async () => {
  await Promise.all([...(workers ?? []), ...(apis ?? []).map((a) => a.process)].map((p) => p.stop()));
  await env?.close();
});

interface World {
  tournament: string;
  jackpot: string;
  players: Array<{ id: string; external_ref: string; bonus: string }>;
}

/** A running tournament and a must_drop jackpot that drops every few dozen wagers, and players with an active bonus. */
async function world(playerCount: number): Promise<World> {
  const t = await acme.admin.post('/v1/tournaments', {
    name: 'Scale race', currency: 'EUR', starts_at: iso(Date.now() - HOUR), ends_at: iso(Date.now() + HOUR), scoring: { metric: 'bet_amount' }, prizes: [],
  });
  const j = await acme.admin.post('/v1/jackpots', { name: 'Scale drop', currency: 'EUR', type: 'must_drop', seed_amount: 10_000, contribution_rate: 0.123456789, must_drop_by: 30_000 });
  const template = await acme.admin.post('/v1/bonus-templates', {
    name: 'Scale', kind: 'no_deposit', currency: 'EUR', fixed_amount: 10_000_000, wagering_multiplier: 100, wagering_base: 'bonus', game_weights: { slots: 1, roulette: 0.1 },
  });
  const players = [];
  for (let i = 0; i < playerCount; i++) {
    const p = await createPlayer(acme.server, { currency: 'EUR' });
    const g = await acme.server.post(`/v1/players/${p.id}/bonuses`, { bonus_template_id: template.body.id, idempotency_key: uniqueRef('g') });
    expect(g.body.status).toBe('active');
    players.push({ id: p.id, external_ref: p.external_ref, bonus: g.body.id });
  }
  return { tournament: t.body.id, jackpot: j.body.id, players };
}

function wagers(w: World, n: number): Array<Record<string, any>> {
  return Array.from({ length: n }, (_, i) => {
    const p = w.players[(i * 7) % w.players.length];
    return {
      source_wager_id: uniqueRef(`w${i}`),
      // half name the player by id, half by external_ref: the same player either way
      ...(i % 2 === 0 ? { player_id: p.id } : { external_ref: p.external_ref }),
      bet_amount: 100 + ((i * 7919) % 4_900),
      win_amount: (i * 31) % 3_000,
      currency: 'EUR',
      game_code: i % 5 === 0 ? 'lightning-roulette' : 'book-of-dead',
      game_category: i % 5 === 0 ? 'roulette' : 'slots',
      tournament_ids: [w.tournament],
      jackpot_ids: [w.jackpot],
    };
  });
}

/** Everything the wagers changed, as the API and the database show it. */
async function snapshot(w: World) {
  const ids = w.players.map((p) => p.id);
  const [leaderboard, jackpot, wins, players, bonuses, counts] = await Promise.all([
    acme.server.get(`/v1/tournaments/${w.tournament}/leaderboard?limit=500`).then((r) => r.body),
    acme.server.get(`/v1/jackpots/${w.jackpot}`).then((r) => r.body),
    acme.server.get(`/v1/jackpots/${w.jackpot}/wins?limit=500`).then((r) => r.body.data),
    Promise.all(ids.map((id) => acme.server.get(`/v1/players/${id}`).then((r) => r.body.stats))),
    Promise.all(w.players.map((p) => acme.server.get(`/v1/players/${p.id}/bonuses`).then((r) => r.body.data.find((b: any) => b.id === p.bonus)))),
    env.pool
      .query(
        `SELECT (SELECT count(*) FROM wagers w JOIN players p ON p.id = w.player_id WHERE p.id = ANY($1))::int AS wagers,
                (SELECT count(*) FROM tournament_score_events WHERE tournament_id = $2)::int AS scores,
                (SELECT count(*) FROM jackpot_contributions WHERE jackpot_id = $3)::int AS contributions,
                (SELECT count(*) FROM outbox_events WHERE type = 'jackpot.won' AND data->>'jackpot_id' = $3)::int AS won_events`,
        [ids, w.tournament, w.jackpot],
      )
      .then((r) => r.rows[0]),
  ]);
  return { leaderboard, jackpot, wins, players, bonuses, counts };
}

/** What the wagers must add up to, computed here from the wagers themselves. */
function expectations(w: World, sent: Array<Record<string, any>>) {
  const byPlayer = new Map<string, { bets: number; weighted: number; count: number }>();
  for (const s of sent) {
    const p = w.players.find((x) => x.id === s.player_id || x.external_ref === s.external_ref)!;
    const e = byPlayer.get(p.id) ?? { bets: 0, weighted: 0, count: 0 };
    e.bets += s.bet_amount;
    e.weighted += s.game_category === 'roulette' ? s.bet_amount * 0.1 : s.bet_amount;
    e.count += 1;
    byPlayer.set(p.id, e);
  }
  return byPlayer;
}

const nanos = (decimal: string) => {
  const [whole, frac = ''] = decimal.split('.');
  return BigInt(whole) * 10n ** 9n + BigInt(frac.padEnd(9, '0') || '0');
};

function checkTotals(w: World, sent: Array<Record<string, any>>, s: Awaited<ReturnType<typeof snapshot>>) {
  const expected = expectations(w, sent);
  w.players.forEach((p, i) => {
    const e = expected.get(p.id) ?? { bets: 0, weighted: 0, count: 0 };
    expect(s.players[i].total_wagered).toBe(e.bets);
    expect(s.bonuses[i].wagering_progress).toBeCloseTo(e.weighted, 4);
  });
  expect(new Map(s.leaderboard.entries.map((e: any) => [e.player_id, e.score]))).toEqual(new Map([...expected].map(([id, e]) => [id, e.bets])));
  expect(s.counts).toEqual({ wagers: sent.length, scores: sent.length, contributions: sent.length, won_events: s.wins.length });
  // one winner per cycle, and pool + wins = seeds + contributions, exactly
  expect(s.wins.map((x: any) => x.cycle).sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: s.jackpot.cycle - 1 }, (_, i) => i + 1));
  const t = s.jackpot.totals;
  expect(nanos(s.jackpot.pool_exact) + nanos(t.won)).toBe(nanos(t.seeded) + nanos(t.contributed));
  const contributed = sent.reduce((a, x) => a + BigInt(x.bet_amount) * 123_456_789n, 0n);
  expect(nanos(t.contributed)).toBe(contributed);
}

describe('two API processes and two workers', () => {
  it('give concurrent duplicates across both APIs one effect, and re-firing everything (Recipe 5) changes nothing', async () => {
    const w = await world(12);
    const sent = wagers(w, 360);
    // every wager twice at once, once through each API
    const firsts = await Promise.all(sent.flatMap((body) => [servers[0].post('/v1/wagers', body), servers[1].post('/v1/wagers', body)]));
    for (let i = 0; i < sent.length; i++) {
      const [a, b] = [firsts[2 * i], firsts[2 * i + 1]];
      const statuses = [a.status, b.status].sort();
      expect([[200, 201], [201, 409]]).toContainEqual(statuses);
      if (statuses[0] === 200) expect(a.text === b.text || JSON.stringify(a.body) === JSON.stringify(b.body)).toBe(true);
    }
    const first = new Map(sent.map((s, i) => [s.source_wager_id, [firsts[2 * i], firsts[2 * i + 1]].find((r) => r.status === 201)!.body]));
    const before = await snapshot(w);
    checkTotals(w, sent, before);
    expect(before.wins.length).toBeGreaterThan(3);

    // Recipe 5: the whole stream again, shuffled, concurrently across both APIs
    const again = [...sent].sort(() => Math.random() - 0.5);
    const replays = await Promise.all(again.map((body, i) => servers[i % 2].post('/v1/wagers', body)));
    for (const [i, r] of replays.entries()) {
      expect(r.status).toBe(200);
      expect(r.headers.get('idempotent-replayed')).toBe('true');
      expect(r.body).toEqual(first.get(again[i].source_wager_id));
    }
    expect(await snapshot(w)).toEqual(before);
  });

  it('give contributions split across both APIs across many drops one winner per cycle and exact conservation', async () => {
    const j = (await acme.admin.post('/v1/jackpots', { name: 'Race', currency: 'EUR', type: 'must_drop', seed_amount: 0, contribution_rate: 1, must_drop_by: 20_000 })).body;
    const p = await createPlayer(acme.server);
    const bets = Array.from({ length: 400 }, (_, i) => ({ source_wager_id: uniqueRef('c'), player_id: p.id, bet_amount: 500 + ((i * 104_729) % 1_500), currency: 'EUR' }));
    const answers: HttpResponse[] = await Promise.all(bets.map((b, i) => servers[i % 2].post(`/v1/jackpots/${j.id}/contribute`, b)));
    expect(answers.filter((a) => a.status !== 201)).toEqual([]);
    const view = (await acme.server.get(`/v1/jackpots/${j.id}`)).body;
    const wins = (await acme.server.get(`/v1/jackpots/${j.id}/wins?limit=500`)).body.data;
    expect(wins.length).toBe(view.cycle - 1);
    expect(answers.filter((a) => a.body.won).map((a) => a.body.win.win_id).sort()).toEqual(wins.map((x: any) => x.win_id).sort());
    const total = bets.reduce((a, b) => a + b.bet_amount, 0);
    expect(wins.reduce((a: number, x: any) => a + x.amount, 0) + view.pool_amount).toBe(total);
    // each cycle's pool dropped at its drop point, never past must_drop_by by more than one bet
    for (const x of wins) expect(x.amount).toBeLessThan(20_000 + 2_000);
  });

  it('score every wager of players created on the fly by concurrent first wagers on both APIs', async () => {
    // each new external_ref gets its first two wagers at once, one on each API: one process creates the
    // player while the other waits on that insert, then must see the first one's score, not overwrite it
    const t = (await acme.admin.post('/v1/tournaments', {
      name: 'First wagers', currency: 'EUR', starts_at: iso(Date.now() - HOUR), ends_at: iso(Date.now() + HOUR), scoring: { metric: 'bet_amount' }, prizes: [],
    })).body;
    const refs = Array.from({ length: 60 }, () => uniqueRef('new'));
    const sent = refs.flatMap((ref, i) => [1_000 + i, 2_000 + i].map((bet) => ({
      source_wager_id: uniqueRef('fw'), external_ref: ref, bet_amount: bet, win_amount: 0, currency: 'EUR', game_code: 'book-of-dead', game_category: 'slots', tournament_ids: [t.id],
    })));
    const answers = await Promise.all(sent.map((body, i) => servers[i % 2].post('/v1/wagers', body)));
    expect(answers.filter((a) => a.status !== 201).map((a) => a.text)).toEqual([]);
    const board = (await acme.server.get(`/v1/tournaments/${t.id}/leaderboard?limit=500`)).body;
    const scores = new Map(board.entries.map((e: any) => [e.external_ref, e.score]));
    expect(refs.filter((ref, i) => scores.get(ref) !== 3_000 + 2 * i)).toEqual([]);
    const { rows } = await env.pool.query(
      `SELECT p.external_ref AS ref, p.total_wagered::int AS wagered, s.score::int AS score, s.wagers
         FROM players p JOIN tournament_scores s ON s.player_id = p.id AND s.tournament_id = $1 WHERE p.external_ref = ANY($2)`,
      [t.id, refs],
    );
    expect(rows.filter((r) => r.wagered !== r.score || r.wagers !== 2)).toEqual([]);
    expect(rows).toHaveLength(refs.length);
  });

  it('lose nothing and double nothing when an API is killed mid-load and the stream is re-fired', async () => {
    const w = await world(8);
    const sent = wagers(w, 400);
    let answered = 0;
    const inflight = sent.map((body, i) =>
      servers[i % 2]
        .post('/v1/wagers', body)
        .catch((err: Error) => ({ status: 0, error: err.message }) as unknown as HttpResponse)
        .finally(() => (answered += 1)),
    );
    // kill -9 the first API once the load is well under way
    await eventually(async () => answered >= 40, 30_000, 'the first answers');
    await apis[0].process.crash();
    const results = await Promise.all(inflight);
    expect(results.some((r) => r.status === 0)).toBe(true); // some were cut off
    apis[0] = await startApiProcess(env.env);
    servers[0] = apis[0].http.withKey(acme.serverKey);
    // the operator re-fires everything it has no answer for — here, everything
    const refired = await Promise.all(sent.map((body, i) => servers[(i + 1) % 2].post('/v1/wagers', body)));
    expect(refired.filter((r) => r.status !== 200 && r.status !== 201).map((r) => r.text)).toEqual([]);
    checkTotals(w, sent, await snapshot(w));
  });

  it('finalize a tournament once with both workers at it, killed midway through paying the prizes', async () => {
    const players = await Promise.all(Array.from({ length: 120 }, () => createPlayer(acme.server)));
    const now = Date.now();
    const t = (
      await acme.admin.post('/v1/tournaments', {
        name: 'Final', currency: 'EUR', starts_at: iso(now - HOUR), ends_at: iso(now + 4_000), finalize_grace_seconds: 0, scoring: { metric: 'bet_amount' },
        prizes: [{ rank_from: 1, rank_to: 150, reward: { type: 'winz', amount: 1_000 } }],
      })
    ).body;
    // player i scores 1000 - i: rank i + 1
    const scored = await Promise.all(players.map((p, i) => servers[i % 2].post(`/v1/tournaments/${t.id}/score`, { source_wager_id: uniqueRef('s'), player_id: p.id, bet_amount: 1_000 - i, currency: 'EUR' })));
    expect(scored.filter((r) => r.status !== 201).map((r) => r.text)).toEqual([]);

    // Hold the rank-60 player's row: whichever worker finalizes pays ranks 1–59 and then waits there,
    // in the middle of its transaction. Then both workers die.
    const blocker = await env.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT id FROM players WHERE id = $1 FOR UPDATE', [players[59].id]);
      await eventually(async () => {
        const { rows } = await env.pool.query("SELECT count(*)::int n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
        return rows[0].n > 0;
      }, 20_000, 'a worker to be paying the prizes').catch((err) => {
        console.log(workers.flatMap((w) => w.lines.slice(-15)).join('\n'));
        throw err;
      });
      const paidSoFar = await env.pool.query('SELECT count(*)::int n FROM reward_grants WHERE grant_key LIKE $1', [`tournament:${t.id}:%`]);
      expect(paidSoFar.rows[0].n).toBe(0); // uncommitted: nothing is visible yet
      await Promise.all(workers.map((w) => w.crash()));
      await blocker.query('ROLLBACK');
    } finally {
      blocker.release();
    }
    expect((await acme.server.get(`/v1/tournaments/${t.id}`)).body.status).toBe('finalizing');

    workers = await Promise.all([startWorkerProcess(env.env), startWorkerProcess(env.env)]);
    const finished = await eventually(async () => {
      const res = (await acme.server.get(`/v1/tournaments/${t.id}`)).body;
      return res.status === 'finished' ? res : undefined;
    }, 30_000, 'the tournament to finish');
    expect(finished.results.map((r: any) => r.player_id)).toEqual(players.map((p) => p.id));
    const grants = await env.pool.query('SELECT count(*)::int n, count(DISTINCT player_id)::int players FROM reward_grants WHERE grant_key LIKE $1', [`tournament:${t.id}:%`]);
    expect(grants.rows[0]).toEqual({ n: 120, players: 120 });
    const balances = await Promise.all(players.map((p) => acme.server.get(`/v1/players/${p.id}/wallet`).then((r) => r.body.balance)));
    expect(balances.every((b) => b === 1_000)).toBe(true);
    const events = await env.pool.query("SELECT count(*)::int n FROM outbox_events WHERE type = 'tournament.finished' AND data->>'tournament_id' = $1", [t.id]);
    expect(events.rows[0].n).toBe(1);
  });
  it('list a wallet newest first in the order its balance moved, when credits and debits race on both APIs', async () => {
    const p = await createPlayer(acme.server);
    await servers[0].post(`/v1/players/${p.id}/wallet/credits`, { amount: 1_000_000, idempotency_key: uniqueRef('w') });
    const ops = Array.from({ length: 80 }, (_, i) => {
      const kind = i % 3 === 0 ? 'debits' : 'credits';
      return servers[i % 2].post(`/v1/players/${p.id}/wallet/${kind}`, { amount: 100 + i, idempotency_key: uniqueRef('w') });
    });
    for (const res of await Promise.all(ops)) expect(res.status).toBe(201);
    const entries: Array<{ amount: number; balance_after: number }> = [];
    let cursor: string | null = null;
    let balance = 0;
    do {
      const page: any = (await acme.server.get(`/v1/players/${p.id}/wallet?limit=25${cursor ? `&cursor=${cursor}` : ''}`)).body;
      balance = page.balance;
      entries.push(...page.entries);
      cursor = page.next_cursor;
    } while (cursor);
    expect(entries).toHaveLength(81);
    expect(entries[0].balance_after).toBe(balance);
    // each entry's balance_after is the one below it moved by its amount
    const breaks = entries.slice(0, -1).filter((e, i) => e.balance_after - e.amount !== entries[i + 1].balance_after);
    expect(breaks).toEqual([]);
    expect(entries[80]).toMatchObject({ amount: 1_000_000, balance_after: 1_000_000 });
  });
});
