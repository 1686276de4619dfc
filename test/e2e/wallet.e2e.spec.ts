import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApiProcess, type RunningApi } from '../support/processes.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { createPlayer, createTenant, type TestTenant, uniqueRef } from '../support/factories.js';

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

const credit = (p: string, amount: number, key = uniqueRef('c'), extra = {}) =>
  acme.server.post(`/v1/players/${p}/wallet/credits`, { amount, idempotency_key: key, ...extra });
const debit = (p: string, amount: number, key = uniqueRef('d')) => acme.server.post(`/v1/players/${p}/wallet/debits`, { amount, idempotency_key: key });
const wallet = async (p: string, q = '') => (await acme.server.get(`/v1/players/${p}/wallet${q}`)).body;

/** The invariants of API.md §8, read straight from PostgreSQL. */
async function ledgerInvariants(): Promise<void> {
  const sums = await env.pool.query('SELECT currency, sum(amount)::text AS s FROM ledger_entries GROUP BY currency');
  for (const r of sums.rows) expect({ currency: r.currency, sum: r.s }).toEqual({ currency: r.currency, sum: '0' });
  const negative = await env.pool.query('SELECT count(*)::int n FROM players WHERE winz_balance < 0');
  expect(negative.rows[0].n).toBe(0);
  const drift = await env.pool.query(`
    SELECT p.id FROM players p
      LEFT JOIN (SELECT player_id, sum(amount) s FROM ledger_entries WHERE account = 'player' GROUP BY player_id) e ON e.player_id = p.id
     WHERE p.winz_balance <> COALESCE(e.s, 0)`);
  expect(drift.rows).toEqual([]);
}

describe('credits and debits', () => {
  it('credits with a counter-entry, shows the entry and the balance, emits winz.credited', async () => {
    const p = await createPlayer(acme.server);
    const res = await credit(p.id, 5_000, uniqueRef('c'), { reason: 'purchase', reference: 'order-77' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      transaction_id: expect.stringMatching(/^led_/),
      player_id: p.id,
      entry: { id: expect.stringMatching(/^led_/), amount: 5_000, balance_after: 5_000, reason: 'purchase', reference: 'order-77', created_at: expect.any(String) },
      balance: 5_000,
    });
    const { rows } = await env.pool.query('SELECT account, amount::text, currency FROM ledger_entries WHERE txn_id = $1 ORDER BY account', [res.body.transaction_id]);
    expect(rows).toEqual([
      { account: 'player', amount: '5000', currency: 'WINZ' },
      { account: 'tenant:winz_issued', amount: '-5000', currency: 'WINZ' },
    ]);
    const ev = await env.pool.query("SELECT data FROM outbox_events WHERE type = 'winz.credited' AND data->>'transaction_id' = $1", [res.body.transaction_id]);
    expect(ev.rows[0].data).toMatchObject({ player_id: p.id, amount: 5_000, balance_after: 5_000, currency: 'WINZ', reason: 'purchase' });
    expect((await acme.server.get(`/v1/players/${p.id}`)).body.winz_balance).toBe(5_000);
    await ledgerInvariants();
  });

  it('refuses a debit beyond the balance (422 insufficient_funds), changing nothing and leaving the key free', async () => {
    const p = await createPlayer(acme.server);
    await credit(p.id, 1_000);
    const key = uniqueRef('d');
    const refused = await debit(p.id, 1_001, key);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'insufficient_funds', details: [{ field: 'amount', issue: 'exceeds the balance', balance: 1_000 }] });
    expect((await wallet(p.id)).balance).toBe(1_000);
    await credit(p.id, 1);
    const ok = await debit(p.id, 1_001, key);
    expect(ok.status).toBe(201);
    expect(ok.body.balance).toBe(0);
    expect((await wallet(p.id)).entries.map((e: { amount: number }) => e.amount)).toEqual([-1_001, 1, 1_000]);
    await ledgerInvariants();
  });

  it('never goes below zero: 30 concurrent debits of 100 against 1,000 → exactly 10 succeed', async () => {
    const p = await createPlayer(acme.server);
    await credit(p.id, 1_000);
    const results = await Promise.all(Array.from({ length: 30 }, () => debit(p.id, 100)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    expect(results.filter((r) => r.status === 422 && r.body.error.code === 'insufficient_funds')).toHaveLength(20);
    expect((await wallet(p.id)).balance).toBe(0);
    const balances = results.filter((r) => r.status === 201).map((r) => r.body.balance).sort((a, b) => a - b);
    expect(balances).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    await ledgerInvariants();
  });

  it('has one effect for concurrent duplicates, replays the first answer, and refuses a changed payload', async () => {
    const p = await createPlayer(acme.server);
    const key = uniqueRef('c');
    const results = await Promise.all(Array.from({ length: 20 }, () => credit(p.id, 250, key)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const first = results.find((r) => r.status === 201)!;
    for (const r of results.filter((x) => x.status === 200)) expect(r.body).toEqual(first.body);
    const replay = await credit(p.id, 250, key);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    const byRef = await credit(p.external_ref, 250, key);
    expect(byRef.status).toBe(200); // the same player by its other reference: the same request
    expect(byRef.body).toEqual(first.body);
    for (const res of [await credit(p.id, 251, key), await debit(p.id, 250, key), await credit(p.id, 250, key, { reason: 'other' })]) {
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('idempotency_key_reused');
    }
    expect((await wallet(p.id)).balance).toBe(250);
  });

  it('pages the entries, newest first', async () => {
    const p = await createPlayer(acme.server);
    for (const amount of [1, 2, 3, 4, 5]) await credit(p.id, amount);
    const page1 = await wallet(p.id, '?limit=2');
    expect(page1.entries.map((e: { amount: number }) => e.amount)).toEqual([5, 4]);
    const page2 = await wallet(p.id, `?limit=2&cursor=${page1.next_cursor}`);
    expect(page2.entries.map((e: { amount: number }) => e.amount)).toEqual([3, 2]);
    const page3 = await wallet(p.id, `?limit=2&cursor=${page2.next_cursor}`);
    expect(page3).toMatchObject({ balance: 15, next_cursor: null });
    expect(page3.entries.map((e: { amount: number }) => e.amount)).toEqual([1]);
  });
});

describe('the ledger is enforced by the database', () => {
  async function refusedBySql(sql: string, params: unknown[] = []): Promise<string> {
    const c = await env.pool.connect();
    try {
      await c.query('BEGIN');
      await c.query(sql, params);
      await c.query('COMMIT');
      return 'accepted';
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      return (err as Error).message;
    } finally {
      c.release();
    }
  }

  it('refuses UPDATE, DELETE and TRUNCATE of entries', async () => {
    const p = await createPlayer(acme.server);
    const res = await credit(p.id, 10);
    const id = res.body.entry.id;
    expect(await refusedBySql('UPDATE ledger_entries SET amount = 1000000 WHERE id = $1', [id])).toMatch(/append-only/);
    expect(await refusedBySql('DELETE FROM ledger_entries WHERE id = $1', [id])).toMatch(/append-only/);
    expect(await refusedBySql('TRUNCATE ledger_entries CASCADE')).toMatch(/append-only/);
    expect((await wallet(p.id)).entries[0]).toEqual(res.body.entry);
  });

  it('refuses a balance change that is not a ledger entry, and a transaction that does not balance', async () => {
    const p = await createPlayer(acme.server);
    await credit(p.id, 10);
    expect(await refusedBySql('UPDATE players SET winz_balance = 1000000 WHERE id = $1', [p.id])).toMatch(/only through ledger entries/);
    const txn = `led_unbalanced_${Date.now()}`;
    const sql = `
      WITH t AS (INSERT INTO ledger_transactions (id, tenant_id, kind, player_id) VALUES ('${txn}', '${acme.id}', 'credit', '${p.id}') RETURNING id)
      INSERT INTO ledger_entries (id, tenant_id, txn_id, account, player_id, currency, amount, reason)
      SELECT '${txn}_e', '${acme.id}', id, 'player', '${p.id}', 'WINZ', 999, 'forged' FROM t`;
    expect(await refusedBySql(sql)).toMatch(/does not balance/);
    expect(await refusedBySql(sql.replace("'player', '" + p.id + "', 'WINZ', 999", "'player', '" + p.id + "', 'WINZ', -11"))).toMatch(/winz_balance_check|does not balance/);
    expect((await wallet(p.id)).balance).toBe(10);
    await ledgerInvariants();
  });
});

describe('POST /v1/players/:player/rewards (the reward service)', () => {
  it('grants WINZ, a bonus or an external prize once per grant_key, each with its event', async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const t = await acme.admin.post('/v1/bonus-templates', { name: 'R', kind: 'no_deposit', currency: 'USD', fixed_amount: 10_000, wagering_multiplier: 1, wagering_base: 'bonus' });
    const winz = await acme.admin.post(`/v1/players/${p.id}/rewards`, { reward: { type: 'winz', amount: 700 }, grant_key: uniqueRef('k') });
    expect(winz.status).toBe(201);
    expect(winz.body).toMatchObject({ player_id: p.id, reward: { type: 'winz', amount: 700 }, result: { type: 'winz', amount: 700, balance_after: 700 } });
    const bonus = await acme.admin.post(`/v1/players/${p.id}/rewards`, { reward: { type: 'bonus', bonus_template_id: t.body.id }, grant_key: uniqueRef('k') });
    expect(bonus.body.result).toMatchObject({ type: 'bonus', bonus_id: expect.stringMatching(/^bns_/), status: 'active' });
    const ext = await acme.admin.post(`/v1/players/${p.id}/rewards`, {
      reward: { type: 'external', amount: 100_000, currency: 'USD', description: 'Dinner for two' },
      grant_key: uniqueRef('k'),
    });
    expect(ext.body.result).toEqual({ type: 'external', amount: 100_000, currency: 'USD', description: 'Dinner for two' });

    const types = async (data: string) =>
      (await env.pool.query("SELECT type FROM outbox_events WHERE data::text LIKE '%' || $1 || '%' ORDER BY id", [data])).rows.map((r) => r.type);
    expect(await types(winz.body.result.transaction_id)).toEqual(['winz.credited']);
    expect(await types(bonus.body.result.bonus_id)).toEqual(['bonus.granted', 'bonus.activated']);
    expect(await types(ext.body.grant_key)).toEqual(['reward.granted']);
  });

  it('replays each kind of reward byte for byte as it first answered (API.md §2: a body equal to the first answer)', async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const t = await acme.admin.post('/v1/bonus-templates', { name: 'R', kind: 'no_deposit', currency: 'USD', fixed_amount: 10_000, wagering_multiplier: 1, wagering_base: 'bonus' });
    for (const reward of [
      { type: 'winz', amount: 700 },
      { bonus_template_id: t.body.id, type: 'bonus' },
      { description: 'Dinner for two', currency: 'USD', amount: 100_000, type: 'external' },
    ]) {
      const body = { reward, grant_key: uniqueRef('k') };
      const first = await acme.admin.post(`/v1/players/${p.id}/rewards`, body);
      expect(first.status).toBe(201);
      const replay = await acme.admin.post(`/v1/players/${p.id}/rewards`, body);
      expect(replay.status).toBe(200);
      expect(replay.text).toBe(first.text);
    }
  });

  it('has one effect for 20 concurrent grants with one key; a replay answers 200, another reward 422', async () => {
    const p = await createPlayer(acme.server);
    const body = { reward: { type: 'winz', amount: 300 }, grant_key: uniqueRef('race') };
    const results = await Promise.all(Array.from({ length: 20 }, () => acme.admin.post(`/v1/players/${p.id}/rewards`, body)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.every((r) => [200, 201, 409].includes(r.status))).toBe(true);
    expect((await wallet(p.id)).balance).toBe(300);
    const replay = await acme.admin.post(`/v1/players/${p.id}/rewards`, body);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(results.find((r) => r.status === 201)!.body);
    const other = await createPlayer(acme.server);
    expect((await acme.admin.post(`/v1/players/${p.id}/rewards`, { ...body, reward: { type: 'winz', amount: 301 } })).status).toBe(422);
    expect((await acme.admin.post(`/v1/players/${other.id}/rewards`, body)).status).toBe(422);
    expect((await wallet(other.id)).balance).toBe(0);
    const { rows } = await env.pool.query("SELECT count(*)::int n FROM outbox_events WHERE type = 'winz.credited' AND data->>'player_id' = $1", [p.id]);
    expect(rows[0].n).toBe(1);
    await ledgerInvariants();
  });

  it('is admin-only', async () => {
    const p = await createPlayer(acme.server);
    expect((await acme.server.post(`/v1/players/${p.id}/rewards`, { reward: { type: 'winz', amount: 1 }, grant_key: 'x' })).status).toBe(403);
  });
});
