import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApiProcess, type RunningApi } from '../support/processes.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { createPlayer, createTenant, type TestTenant, uniqueRef } from '../support/factories.js';

let env: TestEnv;
let api: RunningApi;
let acme: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  env = await createTestEnv();
  api = await startApiProcess(env.env);
  acme = await createTenant(api.platform, 'Acme');
  other = await createTenant(api.platform, 'Other');
});

afterAll(async () => {
  await api?.stop();
  await env?.close();
});

async function countRows(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await env.pool.query<{ n: string }>(sql, params);
  return Number(rows[0].n);
}

describe('POST /v1/players', () => {
  it('creates a player with every field and emits player.created in the same transaction', async () => {
    const ref = uniqueRef();
    const res = await acme.server.post('/v1/players', {
      external_ref: ref,
      country: 'DE',
      currency: 'EUR',
      vip_level: 3,
      registered_at: '2026-01-02T03:04:05Z',
      tags: ['vip', 'sports'],
      attributes: { segment: 'whale', nested: { a: 1 } },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect(res.body).toMatchObject({
      external_ref: ref,
      country: 'DE',
      currency: 'EUR',
      vip_level: 3,
      tags: ['vip', 'sports'],
      attributes: { segment: 'whale', nested: { a: 1 } },
      self_excluded: false,
      excluded_until: null,
      winz_balance: 0,
      stats: {
        registered_at: '2026-01-02T03:04:05.000Z',
        first_deposit_at: null,
        last_deposit_at: null,
        last_wager_at: null,
        deposit_count: 0,
        total_deposited: 0,
        total_wagered: 0,
      },
    });
    expect(res.body.id).toMatch(/^plr_[0-9a-z]{26}$/);
    expect(new Date(res.body.created_at).toISOString()).toBe(res.body.created_at);

    const { rows } = await env.pool.query('SELECT type, tenant_id, data FROM outbox_events WHERE data->>\'id\' = $1', [res.body.id]);
    expect(rows).toEqual([{ type: 'player.created', tenant_id: acme.id, data: res.body }]);
  });

  it('defaults optional fields: vip_level 0, no tags, empty attributes, registered now', async () => {
    const before = Date.now();
    const p = await createPlayer(acme.server);
    expect(p).toMatchObject({ country: null, currency: null, vip_level: 0, tags: [], attributes: {} });
    expect(Date.parse(p.stats.registered_at)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('answers a replay with 200, the first answer and Idempotent-Replayed: true, and does no work', async () => {
    const body = { external_ref: uniqueRef(), vip_level: 2, tags: ['a'] };
    const first = await acme.server.post('/v1/players', body);
    expect(first.status).toBe(201);
    for (let i = 0; i < 3; i++) {
      const again = await acme.server.post('/v1/players', { tags: ['a'], vip_level: 2, external_ref: body.external_ref });
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(again.text).toBe(first.text);
    }
    expect(await countRows('SELECT count(*) n FROM players WHERE external_ref = $1', [body.external_ref])).toBe(1);
    expect(await countRows("SELECT count(*) n FROM outbox_events WHERE data->>'id' = $1", [first.body.id])).toBe(1);
  });

  it('replays the first answer even after the player was changed since', async () => {
    const body = { external_ref: uniqueRef(), vip_level: 1 };
    const first = await acme.server.post('/v1/players', body);
    await acme.server.patch(`/v1/players/${first.body.id}`, { vip_level: 7 });
    const again = await acme.server.post('/v1/players', body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });

  it('refuses the same external_ref with a different payload (422) and changes nothing', async () => {
    const ref = uniqueRef();
    const first = await acme.server.post('/v1/players', { external_ref: ref, vip_level: 1, country: 'DE' });
    for (const changed of [
      { external_ref: ref, vip_level: 2, country: 'DE' },
      { external_ref: ref, vip_level: 1 },
      { external_ref: ref, vip_level: 1, country: 'DE', tags: ['x'] },
    ]) {
      const res = await acme.server.post('/v1/players', changed);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('idempotency_key_reused');
      expect(res.body.request_id).toBe(res.headers.get('x-request-id'));
    }
    const now = await acme.server.get(`/v1/players/${ref}`);
    expect(now.body).toEqual(first.body);
  });

  it('has exactly one effect for 50 concurrent creates with one external_ref', async () => {
    const body = { external_ref: uniqueRef(), vip_level: 4, tags: ['race'] };
    const results = await Promise.all(Array.from({ length: 50 }, () => acme.server.post('/v1/players', body)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.every((s) => s === 201 || s === 200 || s === 409)).toBe(true);
    const first = results.find((r) => r.status === 201)!;
    for (const r of results.filter((x) => x.status === 200)) expect(r.body).toEqual(first.body);
    expect(await countRows('SELECT count(*) n FROM players WHERE tenant_id = $1 AND external_ref = $2', [acme.id, body.external_ref])).toBe(1);
    expect(await countRows("SELECT count(*) n FROM outbox_events WHERE type = 'player.created' AND data->>'external_ref' = $1", [body.external_ref])).toBe(1);
  });

  it('treats 50 concurrent creates with different refs as 50 players', async () => {
    const refs = Array.from({ length: 50 }, () => uniqueRef('bulk'));
    const results = await Promise.all(refs.map((ref) => acme.server.post('/v1/players', { external_ref: ref })));
    expect(results.map((r) => r.status)).toEqual(refs.map(() => 201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(50);
  });

  it('keeps one player.created per player overall', async () => {
    const players = await countRows('SELECT count(*) n FROM players');
    const events = await countRows("SELECT count(*) n FROM outbox_events WHERE type = 'player.created'");
    expect(events).toBe(players);
  });
});

describe('GET and PATCH /v1/players/:player', () => {
  it('finds a player by plr_ id and by external_ref', async () => {
    const p = await createPlayer(acme.server, { country: 'FR' });
    const byId = await acme.server.get(`/v1/players/${p.id}`);
    const byRef = await acme.server.get(`/v1/players/${encodeURIComponent(p.external_ref)}`);
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual(p);
    expect(byRef.body).toEqual(p);
  });

  it('answers 404 not_found for an unknown player', async () => {
    for (const ref of ['plr_01m815s5g0tv8swys7gz4j0g32', 'nobody-here']) {
      const res = await acme.server.get(`/v1/players/${ref}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('patches vip_level, country, tags, attributes, self_excluded and excluded_until', async () => {
    const p = await createPlayer(acme.server, { country: 'FR', tags: ['a'], attributes: { x: 1 } });
    const res = await acme.server.patch(`/v1/players/${p.external_ref}`, {
      vip_level: 9,
      country: 'IT',
      tags: ['b', 'c'],
      attributes: { y: 'z' },
      self_excluded: true,
      excluded_until: '2030-01-01T00:00:00+02:00',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: p.id,
      vip_level: 9,
      country: 'IT',
      tags: ['b', 'c'],
      attributes: { y: 'z' },
      self_excluded: true,
      excluded_until: '2029-12-31T22:00:00.000Z',
    });
    const cleared = await acme.server.patch(`/v1/players/${p.id}`, { excluded_until: null, country: null, self_excluded: false });
    expect(cleared.body).toMatchObject({ excluded_until: null, country: null, self_excluded: false, vip_level: 9 });
    expect((await acme.server.get(`/v1/players/${p.id}`)).body).toEqual(cleared.body);
  });

  it('answers an empty WINZ wallet', async () => {
    const p = await createPlayer(acme.server);
    const res = await acme.server.get(`/v1/players/${p.id}/wallet`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ currency: 'WINZ', balance: 0, entries: [], next_cursor: null });
  });
});

describe('tenant isolation', () => {
  it("hides another tenant's player by id and by external_ref (404, never 403)", async () => {
    const p = await createPlayer(acme.server);
    for (const ref of [p.id, p.external_ref]) {
      for (const res of [
        await other.server.get(`/v1/players/${encodeURIComponent(ref)}`),
        await other.server.patch(`/v1/players/${encodeURIComponent(ref)}`, { vip_level: 5 }),
        await other.server.get(`/v1/players/${encodeURIComponent(ref)}/wallet`),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('not_found');
      }
    }
    expect((await acme.server.get(`/v1/players/${p.id}`)).body.vip_level).toBe(0);
  });

  it('keeps the same external_ref as separate players in two tenants', async () => {
    const ref = uniqueRef('shared');
    const a = await acme.server.post('/v1/players', { external_ref: ref, vip_level: 1 });
    const b = await other.server.post('/v1/players', { external_ref: ref, vip_level: 2 });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.body.id).not.toBe(b.body.id);
    expect((await acme.server.get(`/v1/players/${ref}`)).body.vip_level).toBe(1);
    expect((await other.server.get(`/v1/players/${ref}`)).body.vip_level).toBe(2);
  });
});
