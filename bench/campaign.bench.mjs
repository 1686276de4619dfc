// npm run bench:campaign — one campaign execution over a big segment, through the service as deployed
// (API + worker): a tenant with BENCH_PLAYERS players (inserted set-based in SQL), a segment matching
// about half of them (min_vip_level=3 over vip levels uniform in 0..5), a campaign granting a
// no_deposit bonus (reward { type: 'bonus' }); the clock runs from POST /v1/campaigns/:id/executions to
// the execution's status `completed` (polled every 250 ms). Every grant is then checked in the database:
// one reward_grants row, one bonus_grants row and one bonus.granted outbox event per matched player.
//
// Baseline, in the same run and database: one set-based SQL statement (WITH … INSERT … SELECT) that
// writes the same rows for the same matched players — reward_grants (with its result), bonus_grants
// (active, wagering required) and the two outbox events the service emits per grant (bonus.granted,
// bonus.activated) — into scratch copies of those tables (LIKE … INCLUDING ALL, plus the player
// foreign keys). ratio = baseline_seconds / seconds: the share of the floor the service reaches,
// higher is better, 1 would be as fast as the single statement.
//
// Then `preview` at scale: a second tenant with BENCH_PREVIEW_PLAYERS players and a segment
// `min_vip_level=4 AND last_deposit_at < now() - 7d`; GET /v1/segments/:id/preview once cold, then
// BENCH_PREVIEW_RUNS times warm; preview_1m_ms is the median of the warm ones.
//
// Knobs: BENCH_PLAYERS (100000), BENCH_PREVIEW_PLAYERS (1000000), BENCH_PREVIEW_RUNS (5),
// BENCH_TIMEOUT_S (900, for the execution).
// Last line: RESULT players=<n> matched=<n> seconds=<n> grants_per_s=<n> baseline_seconds=<n> ratio=<r> preview_1m_ms=<n>
import { api, freshEnvironment, log, sleep, startApi, startWorker, stop } from './lib.mjs';

const PLAYERS = Number(process.env.BENCH_PLAYERS ?? 100_000);
const PREVIEW_PLAYERS = Number(process.env.BENCH_PREVIEW_PLAYERS ?? 1_000_000);
const PREVIEW_RUNS = Number(process.env.BENCH_PREVIEW_RUNS ?? 5);
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_S ?? 900);
const FIXED_AMOUNT = 10_000;
const WAGERING_MULTIPLIER = 10;
// vip_level is uniform in 0..5: levels 3, 4 and 5 are half the players
const CAMPAIGN_RULE = 'min_vip_level=3';
const CAMPAIGN_SQL = 'vip_level >= 3';
const PREVIEW_RULE = 'min_vip_level=4 AND last_deposit_at < now() - 7d';

const phases = [];
async function phase(name, fn) {
  const t0 = performance.now();
  log(`${name}…`);
  try {
    return await fn();
  } finally {
    const s = (performance.now() - t0) / 1000;
    phases.push([name, s]);
    log(`${name}: ${s.toFixed(1)} s`);
  }
}

/**
 * `n` players of `tenantId` in one INSERT … SELECT: ids plr_<26 hex digits> numbered from `offset`
 * (unique across tenants), vip_level uniform in 0..5, last_deposit_at within the last 30 days for
 * 80% of them (null otherwise). setseed makes the data the same on every run.
 */
async function insertPlayers(pool, tenantId, n, offset, seed) {
  const c = await pool.connect();
  try {
    await c.query('SELECT setseed($1)', [seed]);
    await c.query(
      `INSERT INTO players (id, tenant_id, external_ref, currency, vip_level, registered_at, last_deposit_at, deposit_count, total_deposited, created_at, updated_at)
       SELECT 'plr_' || lpad(to_hex($3::bigint + i), 26, '0'), $1, 'bench-' || i, 'EUR', floor(random() * 6)::int,
              now() - random() * interval '365 days',
              CASE WHEN random() < 0.8 THEN now() - random() * interval '30 days' END,
              0, 0, now(), now()
         FROM generate_series(1, $2::int) AS i`,
      [tenantId, n, offset],
    );
    await c.query('ANALYZE players');
  } finally {
    c.release();
  }
}

const q1 = async (pool, sql, params) => (await pool.query(sql, params)).rows[0];

/** The floor: the same grant rows for the same players, one statement, into scratch copies of the tables. */
async function baseline(pool, tenantId, templateId, campaignId) {
  for (const t of ['reward_grants', 'bonus_grants', 'outbox_events']) {
    await pool.query(`CREATE TABLE bench_${t} (LIKE ${t} INCLUDING ALL)`);
  }
  await pool.query('ALTER TABLE bench_reward_grants ADD FOREIGN KEY (player_id) REFERENCES players(id)');
  await pool.query('ALTER TABLE bench_bonus_grants ADD FOREIGN KEY (player_id) REFERENCES players(id)');
  await pool.query('CHECKPOINT');
  const reward = JSON.stringify({ type: 'bonus', bonus_template_id: templateId });
  const t0 = performance.now();
  const res = await pool.query(
    `WITH m AS (
       SELECT id, external_ref, substr(id, 5) AS n, row_number() OVER (ORDER BY id) AS k, clock_timestamp()::timestamptz(3) AS at
         FROM players WHERE tenant_id = $1 AND ${CAMPAIGN_SQL}
     ), r AS (
       INSERT INTO bench_reward_grants (id, tenant_id, grant_key, player_id, reward, result, created_at)
       SELECT 'rwd_' || m.n, $1, 'campaign:' || $3 || ':baseline:' || m.id, m.id, $4::jsonb,
              jsonb_build_object('type', 'bonus', 'bonus_id', 'bns_' || m.n, 'status', 'active'), m.at
         FROM m
       RETURNING player_id
     ), b AS (
       INSERT INTO bench_bonus_grants (id, tenant_id, player_id, template_id, kind, currency, status, grant_key, amount, wagering_required,
                                       activated_at, created_at, updated_at)
       SELECT 'bns_' || m.n, $1, m.id, $2, 'no_deposit', 'EUR', 'active', 'campaign:' || $3 || ':baseline:' || m.id, $5::bigint, $6::bigint,
              m.at, m.at, m.at
         FROM m
       RETURNING id
     ), v AS (
       SELECT m.k, m.at, jsonb_build_object(
                'id', 'bns_' || m.n, 'player_id', m.id, 'external_ref', m.external_ref, 'bonus_template_id', $2::text, 'kind', 'no_deposit',
                'currency', 'EUR', 'status', 'active', 'amount', $5::bigint, 'deposit_amount', null, 'wagering_required', $6::bigint,
                'wagering_progress', 0, 'max_bet_violations', 0, 'cashback_net_loss', null, 'window_ends_at', null, 'expires_at', null,
                'activated_at', to_char(m.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'completed_at', null, 'ended_at', null,
                'created_at', to_char(m.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) AS data
         FROM m
     )
     INSERT INTO bench_outbox_events (id, tenant_id, type, data, created_at)
     SELECT 'evt_' || lpad(to_hex(2 * v.k + e.j), 26, '0'), $1, e.type, v.data, v.at
       FROM v CROSS JOIN (VALUES (0, 'bonus.granted'), (1, 'bonus.activated')) AS e(j, type)`,
    [tenantId, templateId, campaignId, reward, FIXED_AMOUNT, FIXED_AMOUNT * WAGERING_MULTIPLIER],
  );
  const seconds = (performance.now() - t0) / 1000;
  const counts = await q1(pool, `SELECT (SELECT count(*) FROM bench_reward_grants)::int AS r, (SELECT count(*) FROM bench_bonus_grants)::int AS b,
                                        (SELECT count(*) FROM bench_outbox_events)::int AS e`);
  return { seconds, events: res.rowCount, ...counts };
}

async function main() {
  const envir = await freshEnvironment();
  const procs = [];
  const pool = envir.pool;
  try {
    const env = envir.env;
    const apiProc = await startApi(env);
    const url = apiProc.url;
    procs.push(apiProc.proc);
    const worker = await startWorker(env);
    procs.push(worker);

    const tenant = await api(url, 'POST', '/v1/platform/tenants', env.PLATFORM_API_KEY, { name: 'Bench casino' });
    const { admin } = tenant.api_keys;
    const template = await api(url, 'POST', '/v1/bonus-templates', admin, {
      name: 'Bench campaign bonus', kind: 'no_deposit', currency: 'EUR', fixed_amount: FIXED_AMOUNT, wagering_multiplier: WAGERING_MULTIPLIER, wagering_base: 'bonus',
    });

    await phase(`inserting ${PLAYERS} players (SQL) + ANALYZE`, () => insertPlayers(pool, tenant.tenant.id, PLAYERS, 0, 0.42));
    const segment = await api(url, 'POST', '/v1/segments', admin, { name: 'Half the players', rule: CAMPAIGN_RULE });
    const preview = await api(url, 'GET', `/v1/segments/${segment.id}/preview?limit=1`, admin);
    log(`segment ${CAMPAIGN_RULE}: preview count ${preview.count} of ${PLAYERS}`);
    const campaign = await api(url, 'POST', '/v1/campaigns', admin, {
      name: 'Bench campaign', segment_id: segment.id, reward: { type: 'bonus', bonus_template_id: template.id },
    });

    // the execution, execute → completed
    const executionId = 'bench-1';
    const path = `/v1/campaigns/${campaign.id}/executions`;
    const done = await phase('campaign execution', async () => {
      const t0 = performance.now();
      await api(url, 'POST', path, admin, { execution_id: executionId });
      let lastLog = t0;
      for (;;) {
        await sleep(250);
        const e = await api(url, 'GET', `${path}/${executionId}`, admin);
        const now = performance.now();
        if (e.status === 'failed') throw new Error(`the execution failed: ${e.error}`);
        if (e.status === 'completed') return { e, wall: (now - t0) / 1000 };
        if ((now - t0) / 1000 > TIMEOUT_S) throw new Error(`the execution did not complete in ${TIMEOUT_S} s: ${JSON.stringify(e)}`);
        if (now - lastLog >= 5_000) {
          lastLog = now;
          const s = (now - t0) / 1000;
          log(`  ${s.toFixed(0)} s: ${e.status}, matched ${e.matched}, granted ${e.granted}, skipped ${e.skipped}, failed ${e.failed} (${(e.granted / s).toFixed(0)} grants/s)`);
        }
      }
    });
    const { e } = done;
    const seconds = done.wall;
    const ownSeconds = (Date.parse(e.completed_at) - Date.parse(e.started_at)) / 1000;
    const queuedSeconds = (Date.parse(e.started_at) - Date.parse(e.created_at)) / 1000;
    log(`execution: matched ${e.matched}, granted ${e.granted}, skipped ${e.skipped}, failed ${e.failed}; ` +
      `execute→completed ${seconds.toFixed(2)} s (wall), started_at→completed_at ${ownSeconds.toFixed(2)} s, created_at→started_at ${queuedSeconds.toFixed(2)} s`);

    await phase('verifying grants', async () => {
      const like = `campaign:${campaign.id}:${executionId}:%`;
      const v = await q1(pool, `
        SELECT (SELECT count(*) FROM reward_grants WHERE tenant_id = $1 AND grant_key LIKE $2)::int AS reward_grants,
               (SELECT count(*) FROM bonus_grants WHERE tenant_id = $1 AND grant_key LIKE $2 AND template_id = $3 AND status = 'active')::int AS bonus_grants,
               (SELECT count(*) FROM outbox_events WHERE tenant_id = $1 AND type = 'bonus.granted' AND data->>'bonus_template_id' = $3)::int AS granted_events,
               (SELECT count(*) FROM campaign_execution_members m JOIN campaign_executions x ON x.id = m.execution_id
                 WHERE x.campaign_id = $4 AND x.execution_id = $5 AND m.state = 'granted')::int AS members_granted,
               (SELECT count(*) FROM players WHERE tenant_id = $1 AND ${CAMPAIGN_SQL})::int AS expected`,
        [tenant.tenant.id, like, template.id, campaign.id, executionId]);
      log(`verify: ${JSON.stringify(v)}`);
      const bad = [];
      if (e.matched !== v.expected) bad.push(`matched ${e.matched} ≠ ${v.expected} players with ${CAMPAIGN_SQL}`);
      if (e.granted !== e.matched || e.skipped !== 0 || e.failed !== 0) bad.push(`granted ${e.granted}, skipped ${e.skipped}, failed ${e.failed} of ${e.matched}`);
      for (const k of ['reward_grants', 'bonus_grants', 'granted_events', 'members_granted']) if (v[k] !== e.granted) bad.push(`${k} ${v[k]} ≠ granted ${e.granted}`);
      if (bad.length) throw new Error(`verification failed: ${bad.join('; ')}`);
    });

    // nothing else running during the baseline (the worker would still be relaying the outbox)
    await stop(worker);
    procs.splice(procs.indexOf(worker), 1);
    const base = await phase('baseline: one INSERT … SELECT statement', () => baseline(pool, tenant.tenant.id, template.id, campaign.id));
    log(`baseline: ${base.r} reward_grants, ${base.b} bonus_grants, ${base.e} outbox events in ${base.seconds.toFixed(3)} s (${(base.r / base.seconds).toFixed(0)} grants/s)`);
    if (base.r !== e.matched || base.b !== e.matched || base.e !== 2 * e.matched) throw new Error('the baseline wrote other rows than the service');

    // preview on a big tenant
    const big = await api(url, 'POST', '/v1/platform/tenants', env.PLATFORM_API_KEY, { name: 'Bench big casino' });
    // VACUUM as autovacuum would have on a live database: hint bits and the visibility map set
    await phase(`inserting ${PREVIEW_PLAYERS} players (SQL) + ANALYZE + VACUUM`, async () => {
      await insertPlayers(pool, big.tenant.id, PREVIEW_PLAYERS, 1_000_000_000, 0.17);
      await pool.query('VACUUM (ANALYZE) players');
    });
    const bigSegment = await api(url, 'POST', '/v1/segments', big.api_keys.admin, { name: 'Lapsed VIPs', rule: PREVIEW_RULE });
    const times = await phase(`preview on ${PREVIEW_PLAYERS} players`, async () => {
      const once = async () => {
        const t0 = performance.now();
        const p = await api(url, 'GET', `/v1/segments/${bigSegment.id}/preview`, big.api_keys.admin);
        return { ms: performance.now() - t0, count: p.count, sample: p.sample.length };
      };
      const cold = await once();
      log(`preview ${PREVIEW_RULE}: count ${cold.count} (sample ${cold.sample}), cold ${cold.ms.toFixed(1)} ms`);
      const warm = [];
      for (let i = 0; i < PREVIEW_RUNS; i++) warm.push((await once()).ms);
      log(`preview warm: ${warm.map((x) => x.toFixed(1)).join(', ')} ms`);
      return warm.sort((a, b) => a - b);
    });
    const previewMs = times[Math.floor(times.length / 2)];

    log(`phases: ${phases.map(([n, s]) => `${n} ${s.toFixed(1)} s`).join('; ')}`);
    const grantsPerS = e.granted / seconds;
    console.log(`RESULT players=${PLAYERS} matched=${e.matched} seconds=${seconds.toFixed(2)} grants_per_s=${Math.round(grantsPerS)} ` +
      `baseline_seconds=${base.seconds.toFixed(3)} ratio=${(base.seconds / seconds).toFixed(4)} preview_1m_ms=${previewMs.toFixed(1)}`);
  } finally {
    for (const p of procs) await stop(p);
    await envir.close();
  }
}

await main();
