// What bench:ingest and bench:compare load: a tenant whose players each have an active bonus in
// wagering, a running tournament and a must_drop jackpot, and the load generator that posts wagers to
// them (bench/load.mjs, its own process).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { api, log, ROOT } from './lib.mjs';

const HOUR = 3_600_000;

/** Runs `fn` over `items` with at most `n` at once. */
async function pooled(items, n, fn) {
  const out = [];
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }));
  return out;
}

/**
 * Creates the world through the API at `url`; returns the tenant's server key, the tournament and the
 * jackpot, and the spec file the load generator reads.
 */
export async function createIngestWorld(url, platformKey, players) {
  const tenant = await api(url, 'POST', '/v1/platform/tenants', platformKey, { name: 'Bench casino' });
  const { admin, server } = tenant.api_keys;
  const template = await api(url, 'POST', '/v1/bonus-templates', admin, {
    name: 'Bench bonus', kind: 'no_deposit', currency: 'EUR', fixed_amount: 100_000_000, wagering_multiplier: 200, wagering_base: 'bonus',
    game_weights: { slots: 1, roulette: 0.1, blackjack: 0.05 }, max_bet: 4_500,
  });
  log(`creating ${players} players with an active bonus`);
  const ids = await pooled(Array.from({ length: players }, (_, i) => i), 16, async (i) => {
    const p = await api(url, 'POST', '/v1/players', server, { external_ref: `bench-${i}`, currency: 'EUR' });
    await api(url, 'POST', `/v1/players/${p.id}/bonuses`, server, { bonus_template_id: template.id, idempotency_key: `bench-bonus-${i}` });
    return p.id;
  });
  const tournament = await api(url, 'POST', '/v1/tournaments', admin, {
    name: 'Bench race', currency: 'EUR', starts_at: new Date(Date.now() - HOUR).toISOString(), ends_at: new Date(Date.now() + 2 * HOUR).toISOString(),
    scoring: { metric: 'bet_amount' }, prizes: [{ rank_from: 1, rank_to: 10, reward: { type: 'winz', amount: 1_000 } }],
  });
  const jackpot = await api(url, 'POST', '/v1/jackpots', admin, { name: 'Bench drop', currency: 'EUR', type: 'must_drop', seed_amount: 100_000, contribution_rate: 0.01, must_drop_by: 400_000 });
  const specFile = path.join(tmpdir(), `bench-ingest-${process.pid}.json`);
  writeFileSync(specFile, JSON.stringify({ players: ids, tournament: tournament.id, jackpot: jackpot.id }));
  return { server, tournament, jackpot, specFile };
}

/**
 * Runs the load generator against `urls` (it spreads its connections over them, as a load balancer
 * would) and returns its summary line: { sent, ok, created, replayed, errors, seconds, per_s, p50_ms, p99_ms, statuses, cpu_us }.
 */
export async function runLoad({ urls, key, specFile, prefix, concurrency, extra }) {
  const args = ['--url', urls.join(','), '--key', key, '--spec', specFile, '--prefix', prefix, '--concurrency', String(concurrency), ...extra];
  const proc = spawn(process.execPath, [path.join(ROOT, 'bench', 'load.mjs'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (c) => (out += c));
  const code = await new Promise((r) => proc.once('exit', r));
  if (code !== 0) throw new Error(`the load generator exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop());
}
