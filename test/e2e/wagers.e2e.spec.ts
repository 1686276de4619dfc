import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApiProcess, type RunningApi } from '../support/processes.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { createPlayer, createTenant, type TestTenant, uniqueRef } from '../support/factories.js';
import { eventually } from '../support/wait.js';

const UNIT = 1000;

let env: TestEnv;
let api: RunningApi;
let acme: TestTenant;

beforeAll(async () => {
  env = await createTestEnv();
  api = await startApiProcess(env.env);
  acme = await createTenant(api.platform);
});

afterAll(async () => {
  await api?.stop();
  await env?.close();
});

const wagerBody = (player: string, extra: Record<string, unknown> = {}) => ({
  source_wager_id: uniqueRef('w'),
  player_id: player,
  bet_amount: 1_000,
  win_amount: 0,
  currency: 'USD',
  game_code: 'book-of-dead',
  game_category: 'slots',
  ...extra,
});

async function player(ref: string): Promise<any> {
  return (await acme.server.get(`/v1/players/${encodeURIComponent(ref)}`)).body;
}

async function activeBonus(p: string, weights: Record<string, number>): Promise<string> {
  const t = await acme.admin.post('/v1/bonus-templates', {
    name: 'W',
    kind: 'no_deposit',
    currency: 'USD',
    fixed_amount: 1_000_000 * UNIT,
    wagering_multiplier: 100,
    wagering_base: 'bonus',
    game_weights: weights,
  });
  const g = await acme.server.post(`/v1/players/${p}/bonuses`, { bonus_template_id: t.body.id, idempotency_key: uniqueRef('g') });
  expect(g.body.status).toBe('active');
  return g.body.id;
}

describe('POST /v1/wagers', () => {
  it('answers the wager, with empty tournament and jackpot results until they exist', async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const body = wagerBody(p.id);
    const res = await acme.server.post('/v1/wagers', body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ wager_id: expect.stringMatching(/^wgr_/), source_wager_id: body.source_wager_id, tournaments: [], jackpots: [], bonuses: [] });
  });

  it('adds exactly the weighted sum of 100 concurrent wagers of one player', async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const weights = { slots: 1, roulette: 0.1, blackjack: 0.05, crash: 0.3333 };
    const bonusId = await activeBonus(p.id, weights);
    const categories = ['slots', 'roulette', 'blackjack', 'crash', 'poker'];
    const bodies = Array.from({ length: 100 }, (_, i) => wagerBody(p.id, { bet_amount: 1 + ((i * 7919) % 50_000), game_category: categories[i % categories.length] }));
    const results = await Promise.all(bodies.map((b) => acme.server.post('/v1/wagers', b)));
    expect(results.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.text}`)).toEqual([]);

    // exact: bet × weight in ten-thousandths of a milli
    let expected = 0n;
    let total = 0;
    for (const b of bodies) {
      const w = (weights as Record<string, number>)[b.game_category as string] ?? 0;
      expected += BigInt(b.bet_amount as number) * BigInt(Math.round(w * 10_000));
      total += b.bet_amount as number;
    }
    const { rows } = await env.pool.query('SELECT wagering_progress::text AS p FROM bonus_grants WHERE id = $1', [bonusId]);
    const [whole, frac] = rows[0].p.split('.');
    expect(BigInt(whole) * 10_000n + BigInt(frac.padEnd(4, '0'))).toBe(expected);
    expect((await player(p.id)).stats.total_wagered).toBe(total);
  });

  it('weighs a category named like an Object.prototype member at 0, like any unweighted one', async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const bonusId = await activeBonus(p.id, { slots: 1 });
    for (const category of ['constructor', 'tostring', 'valueof']) {
      const res = await acme.server.post('/v1/wagers', wagerBody(p.id, { game_category: category }));
      expect(res.status).toBe(201);
      expect(res.body.bonuses).toEqual([expect.objectContaining({ bonus_id: bonusId, wagering_contribution: 0, wagering_progress: 0 })]);
    }
    expect((await player(p.id)).stats.total_wagered).toBe(3_000);
  });

  it('has one effect for 20 concurrent duplicates of one wager', async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const bonusId = await activeBonus(p.id, { slots: 1 });
    const body = wagerBody(p.id, { bet_amount: 7_777 });
    const results = await Promise.all(Array.from({ length: 20 }, () => acme.server.post('/v1/wagers', body)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const first = results.find((r) => r.status === 201)!;
    for (const r of results) {
      expect([200, 201, 409]).toContain(r.status);
      if (r.status === 200) {
        expect(r.body).toEqual(first.body);
        expect(r.headers.get('idempotent-replayed')).toBe('true');
      }
    }
    expect((await player(p.id)).stats.total_wagered).toBe(7_777);
    const g = (await acme.server.get(`/v1/players/${p.id}/bonuses`)).body.data.find((b: { id: string }) => b.id === bonusId);
    expect(g.wagering_progress).toBe(7_777);
    const { rows } = await env.pool.query('SELECT count(*)::int n FROM wagers WHERE source_wager_id = $1', [body.source_wager_id]);
    expect(rows[0].n).toBe(1);
  });

  it('writes nothing when another transaction commits its key while the batch is writing', async () => {
    // The batch's write and its COMMIT go out together: a key taken meanwhile must fail the write
    // itself, so the COMMIT rolls back every other effect (stats, wagering) with it.
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const bonusId = await activeBonus(p.id, { slots: 1 });
    const body = wagerBody(p.id, { bet_amount: 4_000 });
    const blocker = await env.pool.connect();
    let answer: Awaited<ReturnType<typeof acme.server.post>>;
    try {
      await blocker.query('BEGIN');
      await blocker.query(
        `INSERT INTO wagers (id, tenant_id, source_wager_id, player_id, bet_amount, win_amount, currency, game_code, game_category, settled_at, request_hash, response)
         VALUES ($1, $2, $3, $4, 1, 0, 'USD', 'g', 'slots', now(), 'another payload', '{}')`,
        [uniqueRef('wgr'), acme.id, body.source_wager_id, p.id],
      );
      const pending = acme.server.post('/v1/wagers', body);
      await eventually(async () => {
        const { rows } = await env.pool.query("SELECT count(*)::int n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
        return rows[0].n > 0;
      }, 20_000, 'the batch to wait on the uncommitted key');
      await blocker.query('COMMIT');
      answer = await pending;
    } finally {
      blocker.release();
    }
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('idempotency_key_reused');
    expect((await player(p.id)).stats.total_wagered).toBe(0);
    const g = (await acme.server.get(`/v1/players/${p.id}/bonuses`)).body.data.find((b: { id: string }) => b.id === bonusId);
    expect(g.wagering_progress).toBe(0);
    const { rows } = await env.pool.query('SELECT request_hash FROM wagers WHERE source_wager_id = $1', [body.source_wager_id]);
    expect(rows).toEqual([{ request_hash: 'another payload' }]);
  });

  it('replays forever with the first answer; a changed payload is 422 and changes nothing', async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const body = wagerBody(p.id, { bet_amount: 2_000 });
    const first = await acme.server.post('/v1/wagers', body);
    await acme.server.post('/v1/wagers', wagerBody(p.id, { bet_amount: 3_000 }));
    const again = await acme.server.post('/v1/wagers', body);
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    // the first answer goes out as the JSON text stored with the key, the replay as that row read back: both JSON
    expect(first.status).toBe(201);
    for (const res of [first, again]) expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    // the same player named by external_ref is the same payload
    const byRef = await acme.server.post('/v1/wagers', { ...body, player_id: undefined, external_ref: p.external_ref });
    expect(byRef.status).toBe(200);
    expect(byRef.text).toBe(first.text);
    const other = await createPlayer(acme.server, { currency: 'USD' });
    for (const changed of [{ ...body, bet_amount: 2_001 }, { ...body, win_amount: 5 }, { ...body, game_category: 'roulette' }, { ...body, player_id: other.id }, { ...body, player_id: undefined, external_ref: 'never-seen-before' }]) {
      const res = await acme.server.post('/v1/wagers', changed);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('idempotency_key_reused');
    }
    // the refused wager naming a new external_ref created no player
    expect((await acme.server.get('/v1/players/never-seen-before')).status).toBe(404);
    expect((await player(p.id)).stats.total_wagered).toBe(5_000);
  });

  it('keeps stats at settled_at: a late-arriving older wager does not move last_wager_at back', async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    await acme.server.post('/v1/wagers', wagerBody(p.id, { settled_at: '2026-06-02T10:00:00Z' }));
    await acme.server.post('/v1/wagers', wagerBody(p.id, { settled_at: '2026-06-01T10:00:00Z' }));
    expect((await player(p.id)).stats).toMatchObject({ last_wager_at: '2026-06-02T10:00:00.000Z', total_wagered: 2_000 });
  });

  it("counts total_wagered in the player's currency only, the first event setting it when the player has none", async () => {
    const ref = uniqueRef('cur');
    await acme.server.post('/v1/wagers', wagerBody(ref, { currency: 'EUR', bet_amount: 500 }));
    await acme.server.post('/v1/wagers', wagerBody(ref, { currency: 'USD', bet_amount: 700 }));
    expect(await player(ref)).toMatchObject({ currency: 'EUR', stats: { total_wagered: 500 } });
  });

  it('creates an unknown external_ref on the fly; its first POST /v1/players then answers 201 with its fields', async () => {
    const ref = uniqueRef('late-signup');
    const res = await acme.server.post('/v1/wagers', wagerBody('', { player_id: undefined, external_ref: ref }));
    expect(res.status).toBe(201);
    const made = await player(ref);
    expect(made).toMatchObject({ external_ref: ref, country: null, stats: { total_wagered: 1_000 } });
    const { rows } = await env.pool.query("SELECT count(*)::int n FROM outbox_events WHERE type = 'player.created' AND data->>'external_ref' = $1", [ref]);
    expect(rows[0].n).toBe(1);

    const held = made.currency as string;
    expect(held).toBe(wagerBody('').currency); // the first wager's
    // a signup in another currency than the events' is refused, and stores nothing
    const other = await acme.server.post('/v1/players', { external_ref: ref, country: 'DE', vip_level: 3, currency: 'GBP' });
    expect({ status: other.status, code: other.body.error?.code, details: other.body.error?.details }).toEqual({
      status: 422, code: 'currency_mismatch', details: [{ field: 'currency', issue: `must be ${held}, or left out` }],
    });
    expect(await player(ref)).toEqual(made);

    // one that names none keeps it: filling in never blanks what the events set
    const signup = await acme.server.post('/v1/players', { external_ref: ref, country: 'DE', vip_level: 3 });
    expect(signup.status).toBe(201);
    expect(signup.body).toMatchObject({ id: made.id, country: 'DE', vip_level: 3, currency: held, stats: { total_wagered: 1_000 } });
    expect(await player(ref)).toMatchObject({ country: 'DE', vip_level: 3, currency: held });
    const replay = await acme.server.post('/v1/players', { external_ref: ref, country: 'DE', vip_level: 3 });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(signup.body);
    expect((await acme.server.post('/v1/players', { external_ref: ref, country: 'FR' })).status).toBe(422);
  });

  it('takes a burst of wagers for several new players in shared batches, each player made once', async () => {
    const refs = Array.from({ length: 5 }, () => uniqueRef('burst'));
    const bodies = Array.from({ length: 40 }, (_, i) => wagerBody('', { player_id: undefined, external_ref: refs[i % refs.length], bet_amount: 100 + i }));
    const answers = await Promise.all(bodies.map((b) => acme.server.post('/v1/wagers', b)));
    expect(answers.filter((a) => a.status !== 201).map((a) => a.text)).toEqual([]);
    for (const [n, ref] of refs.entries()) {
      const expected = bodies.filter((_, i) => i % refs.length === n).reduce((sum, b) => sum + (b.bet_amount as number), 0);
      expect((await player(ref)).stats.total_wagered).toBe(expected);
    }
    const { rows } = await env.pool.query('SELECT count(*)::int n FROM players WHERE external_ref = ANY($1)', [refs]);
    expect(rows[0].n).toBe(refs.length);
    // no batch fell back to one item at a time (a batch once failed on the later items of a new player)
    expect(api.process.lines.filter((l) => l.includes('a batch failed'))).toEqual([]);
  });

  it('creates a player from a player_id that is not a plr_ id, and answers 404 for an unknown plr_ id', async () => {
    const ref = uniqueRef('pid');
    expect((await acme.server.post('/v1/wagers', wagerBody(ref))).status).toBe(201);
    expect((await player(ref)).external_ref).toBe(ref);
    const res = await acme.server.post('/v1/wagers', wagerBody('plr_01m815s5g0tv8swys7gz4j0g32'));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    // a player_id starting with plr_ is an id even when malformed: never a new player's reference
    const malformed = wagerBody('plr_nonexist');
    expect((await acme.server.post('/v1/wagers', malformed)).status).toBe(404);
    expect((await acme.server.get('/v1/players/plr_nonexist')).status).toBe(404);
    // and an external_ref may not look like one, on a wager or at signup
    for (const res of [
      await acme.server.post('/v1/wagers', wagerBody('', { player_id: undefined, external_ref: 'plr_abc' })),
      await acme.server.post('/v1/players', { external_ref: 'plr_abc' }),
    ]) {
      expect({ status: res.status, details: res.body.error?.details }).toEqual({
        status: 400, details: [{ field: 'external_ref', issue: 'must not start with plr_ (the prefix of WOWsino player ids)' }],
      });
    }
    const { rows } = await env.pool.query("SELECT count(*)::int n FROM players WHERE external_ref IN ('plr_nonexist', 'plr_abc')");
    expect(rows[0].n).toBe(0);
  });

  it('stores and finds text that array literals must escape: quotes, backslashes, commas, braces, NULL, non-ASCII', async () => {
    // The hot path sends a batch's columns as PostgreSQL array literals; the free-text fields go through them
    // (game_category is a lowercase name by validation).
    const odd = (tag: string) => `${uniqueRef(tag)} "q" \\ \\" ,{x} NULL Zürich 🎰`;
    const hour = 3_600_000;
    const t = await acme.admin.post('/v1/tournaments', {
      name: 'Odd text', currency: 'USD', starts_at: new Date(Date.now() - hour).toISOString(), ends_at: new Date(Date.now() + hour).toISOString(),
      scoring: { metric: 'bet_amount' }, prizes: [{ rank_from: 1, rank_to: 1, reward: { type: 'winz', amount: 1 } }],
    });
    const j = await acme.admin.post('/v1/jackpots', { name: 'Odd text', currency: 'USD', type: 'progressive', seed_amount: 1_000, contribution_rate: 0.01, hit_rate: 0.000001 });
    expect([t.status, j.status]).toEqual([201, 201]);
    const body = {
      source_wager_id: odd('w'),
      external_ref: odd('p'),
      bet_amount: 1_000,
      win_amount: 0,
      currency: 'USD',
      game_code: odd('g'),
      game_category: 'slots',
      tournament_ids: [t.body.id],
      jackpot_ids: [j.body.id],
    };
    const first = await acme.server.post('/v1/wagers', body);
    expect(first.status).toBe(201);
    expect(first.body.source_wager_id).toBe(body.source_wager_id);
    expect(first.body.tournaments[0]).toMatchObject({ tournament_id: t.body.id, qualified: true, points_awarded: 1_000, total_score: 1_000, rank: 1 });
    expect(first.body.jackpots[0]).toMatchObject({ jackpot_id: j.body.id });
    const again = await acme.server.post('/v1/wagers', body);
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    // the first answer goes out as the JSON text stored with the key, the replay as that row read back: both JSON
    expect(first.status).toBe(201);
    for (const res of [first, again]) expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect((await acme.server.post('/v1/wagers', { ...body, game_code: `${body.game_code}!` })).status).toBe(422);
    const p = await player(body.external_ref);
    expect(p.external_ref).toBe(body.external_ref);
    expect(p.stats.total_wagered).toBe(1_000);
    const { rows } = await env.pool.query(
      `SELECT w.source_wager_id, w.game_code, w.game_category,
              (SELECT count(*)::int FROM tournament_score_events e WHERE e.source_wager_id = w.source_wager_id) AS score_events,
              (SELECT count(*)::int FROM jackpot_contributions c WHERE c.source_wager_id = w.source_wager_id) AS contributions
         FROM wagers w WHERE w.player_id = $1`,
      [p.id],
    );
    expect(rows).toEqual([{ source_wager_id: body.source_wager_id, game_code: body.game_code, game_category: 'slots', score_events: 1, contributions: 1 }]);
  });

  it('scopes source_wager_id to the tenant', async () => {
    const other = await createTenant(api.platform);
    const body = wagerBody('', { player_id: undefined, external_ref: 'same-player' });
    expect((await acme.server.post('/v1/wagers', body)).status).toBe(201);
    expect((await other.server.post('/v1/wagers', body)).status).toBe(201);
    expect((await other.server.post('/v1/wagers', body)).status).toBe(200);
  });
});

describe('POST /v1/journeys/event', () => {
  const event = (p: string, extra: Record<string, unknown>) => ({ player_id: p, event_id: uniqueRef('e'), ...extra });

  it('records deposits at their own time: first and last deposit, count and total', async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const deposits = [
      { trigger: 'first_deposit', amount: 10 * UNIT, occurred_at: '2026-05-02T00:00:00Z' },
      { trigger: 'deposit', amount: 20 * UNIT, occurred_at: '2026-05-09T00:00:00Z' },
      { trigger: 'deposit', amount: 5 * UNIT, occurred_at: '2026-05-01T00:00:00Z' },
    ];
    for (const d of deposits) {
      const res = await acme.server.post('/v1/journeys/event', event(p.id, { ...d, currency: 'USD' }));
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ event_id: expect.any(String), progressed: [] });
    }
    expect((await player(p.id)).stats).toMatchObject({
      first_deposit_at: '2026-05-01T00:00:00.000Z',
      last_deposit_at: '2026-05-09T00:00:00.000Z',
      deposit_count: 3,
      total_deposited: 35 * UNIT,
    });
  });

  it('is idempotent on event_id: replay 200 with the first answer, changed payload 422, one effect', async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const body = event(p.id, { trigger: 'deposit', amount: 10 * UNIT, currency: 'USD' });
    const results = await Promise.all(Array.from({ length: 10 }, () => acme.server.post('/v1/journeys/event', body)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.every((r) => r.status === 201 || r.status === 200 || r.status === 409)).toBe(true);
    const again = await acme.server.post('/v1/journeys/event', body);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await acme.server.post('/v1/journeys/event', { ...body, amount: 11 * UNIT })).status).toBe(422);
    // the same player named by external_ref is the same payload
    const { player_id: _, ...rest } = body;
    const byRef = await acme.server.post('/v1/journeys/event', { ...rest, external_ref: p.external_ref });
    expect(byRef.status).toBe(200);
    expect(byRef.body).toEqual(again.body);
    // another player is not: 422, and the one it would have made on the fly is not kept
    const stranger = uniqueRef('never-seen');
    expect((await acme.server.post('/v1/journeys/event', { ...rest, external_ref: stranger })).status).toBe(422);
    expect((await acme.server.get(`/v1/players/${stranger}`)).status).toBe(404);
    expect((await player(p.id)).stats).toMatchObject({ deposit_count: 1, total_deposited: 10 * UNIT });
  });

  it('keys wager events by source_wager_id, apart from event ids', async () => {
    const p = await createPlayer(acme.server);
    expect((await acme.server.post('/v1/journeys/event', { player_id: p.id, trigger: 'wager', source_wager_id: 'x-1' })).status).toBe(201);
    expect((await acme.server.post('/v1/journeys/event', { player_id: p.id, trigger: 'custom_thing', event_id: 'x-1' })).status).toBe(201);
    expect((await acme.server.post('/v1/journeys/event', { player_id: p.id, trigger: 'wager', source_wager_id: 'x-1' })).status).toBe(200);
  });

  it('moves last_login_at on login, never back', async () => {
    const p = await createPlayer(acme.server);
    await acme.server.post('/v1/journeys/event', event(p.id, { trigger: 'login', occurred_at: '2026-07-01T12:00:00Z' }));
    await acme.server.post('/v1/journeys/event', event(p.id, { trigger: 'login', occurred_at: '2026-06-01T12:00:00Z' }));
    expect((await player(p.id)).stats.last_login_at).toBe('2026-07-01T12:00:00.000Z');
  });

  it("counts Recipe 1's bare { trigger: 'first_deposit' }; a deposit's currency defaults to the player's", async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const t = await acme.admin.post('/v1/bonus-templates', {
      name: 'Reload', kind: 'reload', currency: 'USD', match_percent: 50, max_amount: 200 * UNIT, wagering_multiplier: 25, wagering_base: 'bonus',
    });
    expect(t.status).toBe(201);
    const offer = await acme.server.post(`/v1/players/${p.id}/bonuses`, { bonus_template_id: t.body.id, idempotency_key: uniqueRef('g') });
    expect(offer.body.status).toBe('offered');

    const bare = await acme.server.post('/v1/journeys/event', event(p.id, { trigger: 'first_deposit' }));
    expect(bare.status).toBe(201);
    expect((await player(p.id)).stats).toMatchObject({ deposit_count: 1, total_deposited: 0, first_deposit_at: expect.any(String) });
    // no amount, nothing to match: the offer waits
    const grants = async () => (await acme.server.get(`/v1/players/${p.id}/bonuses`)).body.data;
    expect((await grants())[0]).toMatchObject({ id: offer.body.id, status: 'offered' });

    const sized = await acme.server.post('/v1/journeys/event', event(p.id, { trigger: 'deposit', amount: 100 * UNIT }));
    expect(sized.status).toBe(201);
    expect((await player(p.id)).stats).toMatchObject({ deposit_count: 2, total_deposited: 100 * UNIT });
    expect((await grants())[0]).toMatchObject({ id: offer.body.id, status: 'active', amount: 50 * UNIT });
  });
});
