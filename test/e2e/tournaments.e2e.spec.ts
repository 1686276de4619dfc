import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import pg from 'pg';
import { TEST_REDIS_URL } from '../support/env.js';
import { type AppProcess, startApiProcess, startWorkerProcess, type RunningApi } from '../support/processes.js';
import { clearRedisPrefix, createTestEnv, type TestEnv } from '../support/test-env.js';
import { createPlayer, createTenant, type TestTenant, uniqueRef } from '../support/factories.js';
import { eventually } from '../support/wait.js';

let env: TestEnv;
let api: RunningApi;
let worker: AppProcess;
let acme: TestTenant;

beforeAll(async () => {
  env = await createTestEnv({ TIMERS_POLL_MS: '100', OUTBOX_POLL_MS: '50' });
  api = await startApiProcess(env.env);
  worker = await startWorkerProcess(env.env);
  acme = await createTenant(api.platform);
});

afterAll(async () => {
  await worker?.stop();
  await api?.stop();
  await env?.close();
});

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A running tournament (an hour either side of now) unless told otherwise. */
async function tournament(body: Record<string, unknown> = {}, tenant = acme): Promise<any> {
  const res = await tenant.admin.post('/v1/tournaments', {
    name: 'Race',
    currency: 'EUR',
    starts_at: iso(Date.now() - HOUR),
    ends_at: iso(Date.now() + HOUR),
    scoring: { metric: 'bet_amount' },
    prizes: [],
    ...body,
  });
  expect(res.status).toBe(201);
  return res.body;
}

const score = (t: string, body: Record<string, unknown>, tenant = acme) =>
  tenant.server.post(`/v1/tournaments/${t}/score`, { source_wager_id: uniqueRef('w'), currency: 'EUR', ...body });

const board = async (t: string, query = '') => (await acme.server.get(`/v1/tournaments/${t}/leaderboard${query}`)).body;

const wager = (player: string, extra: Record<string, unknown> = {}) => ({
  source_wager_id: uniqueRef('w'),
  player_id: player,
  bet_amount: 1_000,
  win_amount: 0,
  currency: 'EUR',
  game_code: 'book-of-dead',
  game_category: 'slots',
  ...extra,
});

describe('creating tournaments', () => {
  it('creates one with its status following the clock', async () => {
    const running = await tournament({ scoring: { metric: 'net_win', aggregate: 'best' }, min_bet: 100, game_categories: ['slots'] });
    expect(running).toMatchObject({
      id: expect.stringMatching(/^trn_/),
      status: 'running',
      scoring: { metric: 'net_win', aggregate: 'best' },
      min_bet: 100,
      game_codes: [],
      game_categories: ['slots'],
      auto_enroll: false,
      finalize_grace_seconds: 300,
      total_players: null,
      results: null,
    });
    expect((await tournament({ starts_at: iso(Date.now() + HOUR), ends_at: iso(Date.now() + 2 * HOUR) })).status).toBe('scheduled');
    expect((await tournament({ starts_at: iso(Date.now() - 2 * HOUR), ends_at: iso(Date.now() - HOUR) })).status).toBe('finalizing');
    expect((await acme.server.get(`/v1/tournaments/${running.id}`)).body).toEqual({ ...running, status: 'running' });
    const list = await acme.server.get('/v1/tournaments?limit=2');
    expect(list.body.data).toHaveLength(2);
    expect(list.body.next_cursor).toEqual(expect.any(String));
  });

  it('refuses overlapping prize ranks and prizes naming unknown objects, storing nothing', async () => {
    const before = (await env.pool.query('SELECT count(*)::int n FROM tournaments')).rows[0].n;
    const overlap = await acme.admin.post('/v1/tournaments', {
      name: 'x', currency: 'EUR', starts_at: iso(Date.now()), ends_at: iso(Date.now() + HOUR), scoring: { metric: 'bet_amount' },
      prizes: [{ rank_from: 1, rank_to: 3, reward: { type: 'winz', amount: 1 } }, { rank_from: 3, rank_to: 5, reward: { type: 'winz', amount: 1 } }],
    });
    expect(overlap.status).toBe(400);
    expect(overlap.body.error.details).toEqual([{ field: 'prizes[1]', issue: expect.stringContaining('overlap') }]);
    const unknown = await acme.admin.post('/v1/tournaments', {
      name: 'x', currency: 'EUR', starts_at: iso(Date.now()), ends_at: iso(Date.now() + HOUR), scoring: { metric: 'bet_amount' },
      prizes: [{ rank_from: 1, rank_to: 1, reward: { type: 'lootbox', lootbox_id: 'lbx_01m815s5g0tv8swys7gz4j0g32' } }],
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('invalid_reward');
    expect((await env.pool.query('SELECT count(*)::int n FROM tournaments')).rows[0].n).toBe(before);
  });
});

describe('scoring', () => {
  it('scores by each metric and says why a wager does not qualify', async () => {
    const p = await createPlayer(acme.server);
    const t = await tournament({ scoring: { metric: 'win_multiplier' }, min_bet: 500, game_codes: ['starburst'] });
    const ok = await score(t.id, { player_id: p.id, bet_amount: 2_000, win_amount: 5_000, game_code: 'starburst' });
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual({ tournament_id: t.id, player_id: p.id, qualified: true, points_awarded: 2_500, total_score: 2_500, rank: 1 });
    const low = await score(t.id, { player_id: p.id, bet_amount: 499, win_amount: 5_000, game_code: 'starburst' });
    expect(low.body).toMatchObject({ qualified: false, reason: 'below_min_bet', points_awarded: 0, total_score: 2_500, rank: 1 });
    const game = await score(t.id, { player_id: p.id, bet_amount: 1_000, game_code: 'other' });
    expect(game.body).toMatchObject({ qualified: false, reason: 'game_not_eligible', points_awarded: 0 });
    const points = await score(t.id, { player_id: p.id, points: 10, currency: undefined });
    expect(points.body).toMatchObject({ qualified: true, points_awarded: 10, total_score: 2_510 });

    const stranger = await createPlayer(acme.server);
    const none = await score(t.id, { player_id: stranger.id, bet_amount: 1, game_code: 'starburst' });
    expect(none.body).toMatchObject({ qualified: false, reason: 'below_min_bet', total_score: 0, rank: null });

    await acme.server.patch(`/v1/players/${p.id}`, { self_excluded: true });
    const excluded = await score(t.id, { player_id: p.id, bet_amount: 9_000, win_amount: 9_000, game_code: 'starburst' });
    expect(excluded.body).toMatchObject({ qualified: false, reason: 'player_excluded', points_awarded: 0, total_score: 2_510 });
  });

  it('ranks higher scores first and, on a tie, whoever reached the score first', async () => {
    const t = await tournament();
    const [a, b, c, d] = await Promise.all([0, 1, 2, 3].map(() => createPlayer(acme.server)));
    await score(t.id, { player_id: b.id, bet_amount: 500 });
    await score(t.id, { player_id: a.id, bet_amount: 300 });
    await score(t.id, { player_id: c.id, bet_amount: 700 });
    await score(t.id, { player_id: a.id, bet_amount: 200 }); // a reaches 500 after b
    const tie = await score(t.id, { player_id: d.id, bet_amount: 500 }); // d reaches 500 last
    expect(tie.body).toMatchObject({ total_score: 500, rank: 4 });
    const lb = await board(t.id);
    expect(lb).toEqual({
      tournament_id: t.id,
      status: 'running',
      total_players: 4,
      entries: [
        { rank: 1, player_id: c.id, external_ref: c.external_ref, score: 700 },
        { rank: 2, player_id: b.id, external_ref: b.external_ref, score: 500 },
        { rank: 3, player_id: a.id, external_ref: a.external_ref, score: 500 },
        { rank: 4, player_id: d.id, external_ref: d.external_ref, score: 500 },
      ],
    });
    // a wager worth 0 points does not move the time a score was reached
    const zero = await score(t.id, { player_id: b.id, bet_amount: 0 });
    expect(zero.body).toMatchObject({ qualified: true, points_awarded: 0, total_score: 500, rank: 2 });
    expect((await board(t.id)).entries.map((e: any) => e.player_id)).toEqual([c.id, b.id, a.id, d.id]);
    expect((await board(t.id, '?offset=1&limit=2')).entries.map((e: any) => [e.rank, e.player_id])).toEqual([
      [2, b.id],
      [3, a.id],
    ]);
  });

  it('keeps the best single wager with aggregate best; an equal one does not move the tie', async () => {
    const t = await tournament({ scoring: { metric: 'win_amount', aggregate: 'best' } });
    const [a, b] = await Promise.all([0, 1].map(() => createPlayer(acme.server)));
    await score(t.id, { player_id: a.id, bet_amount: 1, win_amount: 800 });
    await score(t.id, { player_id: b.id, bet_amount: 1, win_amount: 800 });
    await score(t.id, { player_id: a.id, bet_amount: 1, win_amount: 800 });
    await score(t.id, { player_id: b.id, bet_amount: 1, win_amount: 100 });
    expect((await board(t.id)).entries.map((e: any) => [e.player_id, e.score])).toEqual([
      [a.id, 800],
      [b.id, 800],
    ]);
  });

  it('shows a player with the entries around them', async () => {
    const t = await tournament();
    const players = await Promise.all(Array.from({ length: 9 }, () => createPlayer(acme.server)));
    for (const [i, p] of players.entries()) await score(t.id, { player_id: p.id, bet_amount: (i + 1) * 100 });
    const mid = players[4]; // 500: rank 5 of 9
    const res = await acme.server.get(`/v1/tournaments/${t.id}/leaderboard/${mid.external_ref}?around=2`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tournament_id: t.id, player_id: mid.id, rank: 5, score: 500 });
    expect(res.body.around.map((e: any) => [e.rank, e.score])).toEqual([
      [3, 700],
      [4, 600],
      [5, 500],
      [6, 400],
      [7, 300],
    ]);
    const top = (await acme.server.get(`/v1/tournaments/${t.id}/leaderboard/${players[8].id}?around=3`)).body;
    expect(top.around.map((e: any) => e.rank)).toEqual([1, 2, 3, 4]);
    const stranger = await createPlayer(acme.server);
    expect((await acme.server.get(`/v1/tournaments/${t.id}/leaderboard/${stranger.id}`)).body).toMatchObject({ rank: null, score: 0, around: [] });
    expect((await acme.server.get(`/v1/tournaments/${t.id}/leaderboard/nobody-${uniqueRef()}`)).status).toBe(404);
  });

  it('replays a score, refuses a changed one, and refuses wagers outside the window (storing nothing)', async () => {
    const t = await tournament({ starts_at: iso(Date.now() - HOUR), ends_at: iso(Date.now() + HOUR) });
    const p = await createPlayer(acme.server);
    const body = { source_wager_id: uniqueRef('w'), player_id: p.id, bet_amount: 1_000 };
    const first = await score(t.id, body);
    const again = await score(t.id, { ...body, player_id: undefined, external_ref: p.external_ref });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
    const changed = await score(t.id, { ...body, bet_amount: 1_001 });
    expect(changed.status).toBe(422);
    expect(changed.body.error.code).toBe('idempotency_key_reused');

    const before = (await env.pool.query('SELECT count(*)::int n FROM tournament_score_events WHERE tournament_id = $1', [t.id])).rows[0].n;
    const early = await score(t.id, { player_id: p.id, bet_amount: 1, settled_at: iso(Date.now() - 2 * HOUR) });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('tournament_not_running');
    const usd = await score(t.id, { player_id: p.id, bet_amount: 1, currency: 'USD' });
    expect(usd.status).toBe(422);
    expect(usd.body.error.code).toBe('currency_mismatch');
    expect((await score('trn_01m815s5g0tv8swys7gz4j0g32', { player_id: p.id, bet_amount: 1 })).status).toBe(404);
    expect((await score(t.id, { player_id: 'plr_01m815s5g0tv8swys7gz4j0g32', bet_amount: 1 })).status).toBe(404);
    expect((await env.pool.query('SELECT count(*)::int n FROM tournament_score_events WHERE tournament_id = $1', [t.id])).rows[0].n).toBe(before);
    expect((await board(t.id)).entries).toEqual([expect.objectContaining({ player_id: p.id, score: 1_000 })]);
  });

  it('adds up 200 concurrent scores exactly, for one player and across players', async () => {
    const t = await tournament();
    const one = await createPlayer(acme.server);
    const many = await Promise.all(Array.from({ length: 20 }, () => createPlayer(acme.server)));
    const bodies = Array.from({ length: 200 }, (_, i) => ({ player_id: i % 2 === 0 ? one.id : many[i % 20].id, bet_amount: 1 + i }));
    const answers = await Promise.all(bodies.map((b) => score(t.id, b)));
    expect(answers.every((r) => r.status === 201)).toBe(true);
    const expected = new Map<string, number>();
    for (const b of bodies) expected.set(b.player_id, (expected.get(b.player_id) ?? 0) + b.bet_amount);
    const lb = await board(t.id, '?limit=500');
    expect(new Map(lb.entries.map((e: any) => [e.player_id, e.score]))).toEqual(expected);
    // the answers of one player's scores, in any order, climb to the exact total
    const mine = answers.filter((_, i) => bodies[i].player_id === one.id).map((r) => r.body.total_score).sort((x, y) => x - y);
    expect(mine[mine.length - 1]).toBe(expected.get(one.id));
    expect(new Set(mine).size).toBe(100);
    const { rows } = await env.pool.query('SELECT sum(score)::bigint s, sum(wagers)::int w FROM tournament_scores WHERE tournament_id = $1', [t.id]);
    expect(Number(rows[0].s)).toBe(bodies.reduce((a, b) => a + b.bet_amount, 0));
    expect(rows[0].w).toBe(200);
  });
});

describe('a tournament that has not started', () => {
  it('takes no score yet, even one whose settled_at falls inside its window', async () => {
    const tenant = await createTenant(api.platform);
    const startsAt = Date.now() + HOUR;
    const scheduled = await tournament({ starts_at: iso(startsAt), ends_at: iso(startsAt + HOUR), auto_enroll: true }, tenant);
    expect(scheduled.status).toBe('scheduled');
    const p = await createPlayer(tenant.server);
    const direct = await score(scheduled.id, { player_id: p.id, bet_amount: 100, settled_at: iso(startsAt + 60_000) }, tenant);
    expect(direct.status).toBe(409);
    expect(direct.body.error).toMatchObject({ code: 'tournament_not_running', message: expect.stringContaining('has not started') });
    // a wager dated inside the window: named, it says why; auto_enroll does not take it
    const named = await tenant.server.post('/v1/wagers', wager(p.id, { tournament_ids: [scheduled.id], settled_at: iso(startsAt + 60_000) }));
    expect(named.status).toBe(201);
    expect(named.body.tournaments).toEqual([
      { tournament_id: scheduled.id, player_id: p.id, qualified: false, reason: 'tournament_not_running', points_awarded: 0, total_score: 0, rank: null },
    ]);
    const auto = await tenant.server.post('/v1/wagers', wager(p.id, { settled_at: iso(startsAt + 120_000) }));
    expect(auto.status).toBe(201);
    expect(auto.body.tournaments).toEqual([]);
    const lb = (await tenant.server.get(`/v1/tournaments/${scheduled.id}/leaderboard`)).body;
    expect(lb).toMatchObject({ status: 'scheduled', total_players: 0, entries: [] });
    const { rows } = await env.pool.query('SELECT count(*)::int n FROM tournament_score_events WHERE tournament_id = $1', [scheduled.id]);
    expect(rows[0].n).toBe(0);
  });
});

describe('routing wagers from POST /v1/wagers', () => {
  it('scores the tournaments a wager names and the auto_enroll ones, in one answer', async () => {
    const tenant = await createTenant(api.platform);
    const named = await tournament({}, tenant);
    const auto = await tournament({ auto_enroll: true, scoring: { metric: 'wager_count' } }, tenant);
    const usd = await tournament({ auto_enroll: true, currency: 'USD' }, tenant);
    const over = await tournament({ starts_at: iso(Date.now() - 3 * HOUR), ends_at: iso(Date.now() - 2 * HOUR), finalize_grace_seconds: 0 }, tenant);
    const p = await createPlayer(tenant.server);
    const body = wager(p.id, { bet_amount: 2_500, tournament_ids: [named.id, over.id] });
    const res = await tenant.server.post('/v1/wagers', body);
    expect(res.status).toBe(201);
    expect(res.body.tournaments).toEqual([
      { tournament_id: named.id, player_id: p.id, qualified: true, points_awarded: 2_500, total_score: 2_500, rank: 1 },
      { tournament_id: over.id, player_id: p.id, qualified: false, reason: 'tournament_not_running', points_awarded: 0, total_score: 0, rank: null },
      { tournament_id: auto.id, player_id: p.id, qualified: true, points_awarded: 1, total_score: 1, rank: 1 },
    ]);
    expect((await tenant.server.get(`/v1/tournaments/${usd.id}/leaderboard`)).body.total_players).toBe(0);
    // the key is shared: the same facts sent to the score endpoint replay the routed wager's answer
    const direct = await tenant.server.post(`/v1/tournaments/${named.id}/score`, {
      source_wager_id: body.source_wager_id, player_id: p.id, bet_amount: 2_500, win_amount: 0, currency: 'EUR', game_code: 'book-of-dead', game_category: 'slots',
    });
    expect(direct.status).toBe(200);
    expect(direct.body).toEqual(res.body.tournaments[0]);
    const other = await tenant.server.post(`/v1/tournaments/${named.id}/score`, { source_wager_id: body.source_wager_id, player_id: p.id, bet_amount: 2_500, currency: 'EUR' });
    expect(other.status).toBe(422);
    // an unknown tournament refuses the whole wager, storing nothing
    const refused = wager(p.id, { tournament_ids: ['trn_01m815s5g0tv8swys7gz4j0g32'] });
    const unknown = await tenant.server.post('/v1/wagers', refused);
    expect(unknown.status).toBe(404);
    const { rows } = await env.pool.query('SELECT count(*)::int n FROM wagers WHERE source_wager_id = $1', [refused.source_wager_id]);
    expect(rows[0].n).toBe(0);
  });
});

describe('a key shared by a direct score and a later wager', () => {
  it('the wager takes the score it finds, named or auto_enroll, whatever facts the score had; a lone wager is unaffected', async () => {
    const tenant = await createTenant(api.platform);
    const named = await tournament({}, tenant);
    const auto = await tournament({ auto_enroll: true }, tenant);
    const p = await createPlayer(tenant.server);
    const body = wager(p.id, { bet_amount: 3_000, tournament_ids: [named.id] });
    const facts = { source_wager_id: body.source_wager_id, player_id: p.id, bet_amount: 3_000, win_amount: 0, currency: 'EUR', game_code: 'book-of-dead', game_category: 'slots' };
    const first = await Promise.all([named, auto].map((t) => tenant.server.post(`/v1/tournaments/${t.id}/score`, facts)));
    expect(first.map((r) => r.status)).toEqual([201, 201]);

    const res = await tenant.server.post('/v1/wagers', body);
    expect(res.status).toBe(201);
    expect(res.body.tournaments).toEqual([first[0].body, first[1].body]);
    for (const t of [named, auto]) expect((await tenant.server.get(`/v1/tournaments/${t.id}/leaderboard`)).body.entries).toEqual([expect.objectContaining({ player_id: p.id, score: 3_000 })]);
    const again = await tenant.server.post('/v1/wagers', body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);

    // other facts under a key a direct score holds (here without the game fields, which /score may
    // leave out): the wager is its own key (API.md §2) and is recorded; the tournament counted that
    // wager id once already, so its entry answers the stored score and adds nothing
    const held = uniqueRef('w');
    const { game_code: _code, game_category: _category, ...bare } = facts;
    const direct = await tenant.server.post(`/v1/tournaments/${auto.id}/score`, { ...bare, source_wager_id: held });
    expect(direct.status).toBe(201);
    const other = wager(p.id, { source_wager_id: held, bet_amount: 4_000 });
    const recorded = await tenant.server.post('/v1/wagers', other);
    expect(recorded.status).toBe(201);
    expect(recorded.body.tournaments).toEqual([direct.body]);
    const { rows } = await env.pool.query('SELECT bet_amount::int AS bet FROM wagers WHERE source_wager_id = $1', [other.source_wager_id]);
    expect(rows).toEqual([{ bet: 4_000 }]);
    expect((await tenant.server.get(`/v1/players/${p.id}`)).body.stats.total_wagered).toBe(7_000);
    expect((await tenant.server.get(`/v1/tournaments/${auto.id}/leaderboard`)).body.entries).toEqual([expect.objectContaining({ player_id: p.id, score: 6_000 })]);
    const replayed = await tenant.server.post('/v1/wagers', other);
    expect(replayed.status).toBe(200);
    expect(replayed.body).toEqual(recorded.body);
  });
});

describe('the leaderboard cache', () => {
  it('is rebuilt from PostgreSQL when its keys are deleted, or when it misses an update', async () => {
    const t = await tournament();
    const players = await Promise.all(Array.from({ length: 30 }, () => createPlayer(acme.server)));
    await Promise.all(players.map((p, i) => score(t.id, { player_id: p.id, bet_amount: ((i * 7) % 11) * 100 })));
    const before = await board(t.id, '?limit=100');
    expect(before.total_players).toBe(30);

    const redis = new Redis(TEST_REDIS_URL);
    try {
      const keys = await redis.keys(`${env.queuePrefix}:lb:{${t.id}}:*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
      expect(await board(t.id, '?limit=100')).toEqual(before);

      // an update lost between commit and cache (a process died): the watermark stays behind the
      // database's score version, and a read rebuilds instead of serving the stale board
      await score(t.id, { player_id: players[0].id, bet_amount: 5_000 });
      const base = `${env.queuePrefix}:lb:{${t.id}}`;
      const member = await redis.hget(`${base}:p`, players[0].id);
      const v = Number(await redis.hget(`${base}:m`, 'v'));
      await redis.zrem(`${base}:z`, member!);
      await redis.hdel(`${base}:p`, players[0].id);
      await redis.hset(`${base}:m`, 'v', String(v - 1));
      const after = await board(t.id, '?limit=100');
      expect(after.entries[0]).toMatchObject({ player_id: players[0].id, rank: 1 });
      expect(after.total_players).toBe(30);
    } finally {
      redis.disconnect();
    }
    // and with Redis gone altogether (another prefix's keys only), reads come from PostgreSQL
    await clearRedisPrefix(`${env.queuePrefix}:lb`);
    expect((await board(t.id, '?limit=100')).entries[0]).toMatchObject({ player_id: players[0].id, rank: 1 });
  });
});

describe('the end of a tournament', () => {
  it('dates a wager without settled_at when the API received it, not when its batch ran', async () => {
    const t = await tournament({ ends_at: iso(Date.now() + 2_500), finalize_grace_seconds: 60 });
    const blocked = await createPlayer(acme.server, { currency: 'EUR' });
    const p = await createPlayer(acme.server, { currency: 'EUR' });
    // a row lock held here keeps the batch of a wager of `blocked` waiting inside its transaction;
    // the next wager queues behind that batch until after ends_at
    const holder = new pg.Client({ connectionString: env.db.url });
    await holder.connect();
    const waiting = async () => (await env.pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0].n as number;
    let first: Promise<{ status: number }>;
    let late: Promise<{ status: number; body: any }>;
    const sentAt = Date.now();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM players WHERE id = $1 FOR UPDATE', [blocked.id]);
      first = acme.server.post('/v1/wagers', wager(blocked.id, { tournament_ids: [t.id] }));
      await eventually(async () => (await waiting()) >= 1, 10_000, 'the first batch waiting on the lock');
      late = acme.server.post('/v1/wagers', wager(p.id, { source_wager_id: 'received-before-the-end', tournament_ids: [t.id] }));
      await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(t.ends_at) - Date.now()) + 300));
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect((await first!).status).toBe(201);
    const res = await late!;
    expect(res.status).toBe(201);
    expect(res.body.tournaments).toEqual([expect.objectContaining({ tournament_id: t.id, qualified: true, points_awarded: 1_000 })]);
    const { rows } = await env.pool.query(`SELECT settled_at FROM wagers WHERE tenant_id = $1 AND source_wager_id = 'received-before-the-end'`, [acme.id]);
    expect(rows[0].settled_at.getTime()).toBeGreaterThanOrEqual(sentAt);
    expect(rows[0].settled_at.getTime()).toBeLessThan(Date.parse(t.ends_at));
  });

  it('accepts late wagers inside the grace, then finalizes once: prizes paid, tournament.finished, later scores refused', async () => {
    const tenant = await createTenant(api.platform);
    const [a, b, c, d] = await Promise.all([0, 1, 2, 3].map(() => createPlayer(tenant.server)));
    const now = Date.now();
    const t = await tournament(
      {
        starts_at: iso(now - HOUR),
        ends_at: iso(now + 1_500),
        finalize_grace_seconds: 2,
        prizes: [
          { rank_from: 1, rank_to: 1, reward: { type: 'winz', amount: 10_000 } },
          { rank_from: 2, rank_to: 3, reward: { type: 'winz', amount: 1_000 } },
        ],
      },
      tenant,
    );
    for (const [p, bet] of [[a, 300], [b, 900], [c, 600], [d, 100]] as const) {
      expect((await score(t.id, { player_id: p.id, bet_amount: bet }, tenant)).status).toBe(201);
    }
    await new Promise((r) => setTimeout(r, Math.max(0, now + 1_600 - Date.now())));
    // after ends_at, inside the grace: a wager settled before ends_at still counts; one settled after does not
    const late = await score(t.id, { player_id: d.id, bet_amount: 700, settled_at: iso(now) }, tenant);
    expect(late.status).toBe(201);
    expect((await score(t.id, { player_id: d.id, bet_amount: 700 }, tenant)).status).toBe(409);
    expect((await tenant.server.get(`/v1/tournaments/${t.id}`)).body.status).toBe('finalizing');

    const finished = await eventually(async () => {
      const res = (await tenant.server.get(`/v1/tournaments/${t.id}`)).body;
      return res.status === 'finished' ? res : undefined;
    }, 15_000, 'the tournament to finish');
    expect(finished.total_players).toBe(4);
    expect(finished.results.map((r: any) => [r.rank, r.player_id, r.score, r.reward.amount, r.granted])).toEqual([
      [1, b.id, 900, 10_000, true],
      [2, d.id, 800, 1_000, true],
      [3, c.id, 600, 1_000, true],
    ]);
    const balance = async (p: string) => (await tenant.server.get(`/v1/players/${p}/wallet`)).body.balance;
    expect([await balance(b.id), await balance(d.id), await balance(c.id), await balance(a.id)]).toEqual([10_000, 1_000, 1_000, 0]);

    const refused = await score(t.id, { player_id: a.id, bet_amount: 5_000, settled_at: iso(now) }, tenant);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('tournament_not_running');
    const { rows } = await env.pool.query("SELECT count(*)::int n FROM outbox_events WHERE type = 'tournament.finished' AND data->>'tournament_id' = $1", [t.id]);
    expect(rows[0].n).toBe(1);
    const grants = await env.pool.query('SELECT grant_key FROM reward_grants WHERE grant_key LIKE $1 ORDER BY grant_key', [`tournament:${t.id}:%`]);
    expect(grants.rows.map((r) => r.grant_key)).toEqual([1, 2, 3].map((n) => `tournament:${t.id}:rank:${n}`));
    // each prize announced once, to its player: one winz.credited per paid rank
    const credited = await env.pool.query(
      "SELECT data->>'player_id' AS player, (data->>'amount')::int AS amount FROM outbox_events WHERE tenant_id = $1 AND type = 'winz.credited' ORDER BY (data->>'amount')::int DESC, data->>'player_id'",
      [tenant.id],
    );
    expect(credited.rows).toEqual(
      [
        { player: b.id, amount: 10_000 },
        { player: d.id, amount: 1_000 },
        { player: c.id, amount: 1_000 },
      ].sort((x, y) => y.amount - x.amount || x.player.localeCompare(y.player)),
    );
    // the frozen leaderboard is the results, with the unpaid fourth place after them
    const final = await tenant.server.get(`/v1/tournaments/${t.id}/leaderboard`);
    expect(final.body).toMatchObject({ status: 'finished', total_players: 4 });
    expect(final.body.entries.map((e: any) => [e.rank, e.player_id, e.score])).toEqual([
      ...finished.results.map((r: any) => [r.rank, r.player_id, r.score]),
      [4, a.id, 300],
    ]);
    // a cancelled tournament cannot be cancelled after it finished
    expect((await tenant.admin.post(`/v1/tournaments/${t.id}/cancel`, {})).status).toBe(409);
  });

  it('a prize that cannot be granted is recorded with its reason; the other prizes are paid and the tournament finishes', async () => {
    const tenant = await createTenant(api.platform);
    const [a, b] = await Promise.all([0, 1].map(() => createPlayer(tenant.server)));
    // a's WINZ balance is at its ceiling (2^53 - 1 millis): a WINZ prize cannot be credited to it
    const credit = await tenant.server.post(`/v1/players/${a.id}/wallet/credits`, { amount: Number.MAX_SAFE_INTEGER, idempotency_key: uniqueRef('c'), reason: 'ceiling' });
    expect(credit.status).toBe(201);
    const t = await tournament(
      { ends_at: iso(Date.now() + 800), finalize_grace_seconds: 0, prizes: [{ rank_from: 1, rank_to: 2, reward: { type: 'winz', amount: 2_000 } }] },
      tenant,
    );
    for (const [p, bet] of [[a, 900], [b, 500]] as const) expect((await score(t.id, { player_id: p.id, bet_amount: bet }, tenant)).status).toBe(201);
    const finished = await eventually(async () => {
      const res = (await tenant.server.get(`/v1/tournaments/${t.id}`)).body;
      return res.status === 'finished' ? res : undefined;
    }, 15_000, 'the tournament to finish');
    expect(finished.results).toEqual([
      expect.objectContaining({ rank: 1, player_id: a.id, granted: false, grant_id: null, result: null, error: 'balance_limit' }),
      expect.objectContaining({ rank: 2, player_id: b.id, granted: true, grant_id: expect.any(String) }),
    ]);
    const balance = async (p: string) => (await tenant.server.get(`/v1/players/${p}/wallet`)).body.balance;
    expect([await balance(a.id), await balance(b.id)]).toEqual([Number.MAX_SAFE_INTEGER, 2_000]);
    const { rows } = await env.pool.query("SELECT data FROM outbox_events WHERE type = 'tournament.finished' AND data->>'tournament_id' = $1", [t.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].data.results[0]).toMatchObject({ granted: false, error: 'balance_limit' });
    const grants = await env.pool.query('SELECT grant_key FROM reward_grants WHERE grant_key LIKE $1', [`tournament:${t.id}:%`]);
    expect(grants.rows.map((r) => r.grant_key)).toEqual([`tournament:${t.id}:rank:2`]);
  });

  it('withholds the prize of a player excluded by the end, and says why; no one else moves up', async () => {
    const tenant = await createTenant(api.platform);
    const [a, b, c] = await Promise.all([0, 1, 2].map(() => createPlayer(tenant.server)));
    const t = await tournament(
      { ends_at: iso(Date.now() + 800), finalize_grace_seconds: 0, prizes: [{ rank_from: 1, rank_to: 2, reward: { type: 'winz', amount: 3_000 } }] },
      tenant,
    );
    for (const [p, bet] of [[a, 900], [b, 500], [c, 100]] as const) expect((await score(t.id, { player_id: p.id, bet_amount: bet }, tenant)).status).toBe(201);
    expect((await tenant.server.patch(`/v1/players/${a.id}`, { self_excluded: true })).status).toBe(200);
    const finished = await eventually(async () => {
      const res = (await tenant.server.get(`/v1/tournaments/${t.id}`)).body;
      return res.status === 'finished' ? res : undefined;
    }, 15_000, 'the tournament to finish');
    expect(finished.results).toEqual([
      expect.objectContaining({ rank: 1, player_id: a.id, granted: false, grant_id: null, result: null, error: 'player_excluded' }),
      expect.objectContaining({ rank: 2, player_id: b.id, granted: true, grant_id: expect.any(String) }),
    ]);
    const balance = async (p: string) => (await tenant.server.get(`/v1/players/${p}/wallet`)).body.balance;
    expect(await Promise.all([a, b, c].map((p) => balance(p.id)))).toEqual([0, 3_000, 0]);
  });

  it('a cancelled tournament takes no scores and pays no prizes', async () => {
    const t = await tournament({ ends_at: iso(Date.now() + 500), finalize_grace_seconds: 0, prizes: [{ rank_from: 1, rank_to: 1, reward: { type: 'winz', amount: 5 } }] });
    const p = await createPlayer(acme.server);
    await score(t.id, { player_id: p.id, bet_amount: 100 });
    const cancelled = await acme.admin.post(`/v1/tournaments/${t.id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelled_at: expect.any(String) });
    expect((await acme.admin.post(`/v1/tournaments/${t.id}/cancel`, {})).body).toEqual(cancelled.body);
    expect((await score(t.id, { player_id: p.id, bet_amount: 100 })).status).toBe(409);
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await acme.server.get(`/v1/tournaments/${t.id}`)).body.status).toBe('cancelled');
    expect((await acme.server.get(`/v1/players/${p.id}/wallet`)).body.balance).toBe(0);
  });
});
