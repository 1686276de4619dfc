// npm run bench:webhooks — deliveries per second from the worker to a local receiver, against a
// baseline measured in the same run: plain signed POSTs of the same bodies from one Node process to the
// same receiver at the same concurrency (keep-alive, HMAC per request). Both talk to the receiver in
// its own process.
//
// The worker's figure covers the whole path: the relay turning committed outbox events into
// deliveries, BullMQ, leasing and recording each attempt in PostgreSQL, signing and the POST itself.
//
// Knobs: BENCH_EVENTS (default 5000), BENCH_CONCURRENCY (default 50; the worker's WEBHOOK_CONCURRENCY).
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { api, freshEnvironment, log, ROOT, sleep, startApi, startProcess, startWorker, stop } from './lib.mjs';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);

async function count(receiverUrl) {
  return (await (await fetch(`${receiverUrl}/count`)).json()).distinct;
}

async function waitForCount(receiverUrl, n, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await count(receiverUrl);
    if (got >= n) return Date.now();
    if (Date.now() > deadline) throw new Error(`only ${got}/${n} deliveries arrived within ${timeoutMs} ms`);
    await sleep(100);
  }
}

function envelope(tenantId, i) {
  return JSON.stringify({
    id: `evt_bench${String(i).padStart(20, '0')}`,
    type: 'player.created',
    created_at: new Date().toISOString(),
    tenant_id: tenantId,
    data: { id: `plr_bench${i}`, external_ref: `bench-${i}`, vip_level: i % 5, tags: ['bench'] },
  });
}

async function baseline(receiverUrl, tenantId, secret) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const target = new URL(`${receiverUrl}/hook`);
  let next = 0;
  const post = (body) =>
    new Promise((resolve, reject) => {
      const t = Math.floor(Date.now() / 1000);
      const sig = `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
      const req = http.request(
        { hostname: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-wowsino-signature': sig } },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < EVENTS) await post(envelope(tenantId, next++));
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  agent.destroy();
  return EVENTS / seconds;
}

async function main() {
  const envir = await freshEnvironment();
  const procs = [];
  try {
    const receiver = await startProcess(path.join(ROOT, 'bench', 'receiver.mjs'), [], {}, /listening/);
    procs.push(receiver.proc);
    const receiverUrl = `http://127.0.0.1:${JSON.parse(receiver.line).listening}`;
    const env = { ...envir.env, WEBHOOK_CONCURRENCY: String(CONCURRENCY), OUTBOX_POLL_MS: '50' };
    const apiProc = await startApi(env);
    procs.push(apiProc.proc);
    const { tenant, api_keys } = await api(apiProc.url, 'POST', '/v1/platform/tenants', env.PLATFORM_API_KEY, { name: 'Bench' });
    const hook = await api(apiProc.url, 'POST', '/v1/webhooks', api_keys.admin, { url: `${receiverUrl}/hook`, events: ['*'] });
    await stop(apiProc.proc);

    log(`baseline: ${EVENTS} signed POSTs at concurrency ${CONCURRENCY}`);
    const baselinePerS = await baseline(receiverUrl, tenant.id, hook.secret);
    await fetch(`${receiverUrl}/reset`, { method: 'POST' });

    procs.push(await startWorker(env));
    log(`worker: ${EVENTS} events committed to the outbox at once`);
    const t0 = Date.now();
    await envir.pool.query(
      `INSERT INTO outbox_events (id, tenant_id, type, data, created_at)
       SELECT 'evt_' || lpad(i::text, 26, '0') || $2, $1, 'player.created',
              jsonb_build_object('id', 'plr_' || i, 'external_ref', 'bench-' || i, 'vip_level', i % 5, 'tags', jsonb_build_array('bench')), now()
         FROM generate_series(1, $3) AS i`,
      [tenant.id, randomBytes(3).toString('hex'), EVENTS],
    );
    const t1 = await waitForCount(receiverUrl, EVENTS, 600_000);
    const deliveriesPerS = EVENTS / ((t1 - t0) / 1000);

    const { rows } = await envir.pool.query("SELECT status, count(*)::int n FROM webhook_deliveries GROUP BY status");
    log(`deliveries by status: ${JSON.stringify(rows)}`);
    const r = (x) => Math.round(x);
    console.log(`RESULT deliveries_per_s=${r(deliveriesPerS)} baseline_per_s=${r(baselinePerS)} ratio=${(deliveriesPerS / baselinePerS).toFixed(3)}`);
  } finally {
    for (const p of procs.reverse()) await stop(p);
    await envir.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
