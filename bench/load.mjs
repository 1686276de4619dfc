// The load generator of bench:ingest, in its own process: keep-alive HTTP/1.1 connections, each
// sending one request after another. The bodies are a pure function of their index, so a second pass
// (--mode replay) sends exactly the same wagers again.
//
//   node bench/load.mjs --url http://127.0.0.1:3000[,http://127.0.0.1:3001…] --key <server key> --spec spec.json --prefix main
//        [--seconds 20 | --mode replay --count N] [--concurrency 128]
//
// spec.json: { "players": ["plr_…", …], "tournament": "trn_…", "jackpot": "jkp_…" }
// Prints one JSON line: { sent, ok, replayed, errors, seconds, per_s, p50_ms, p99_ms, statuses, cpu_us }
// (cpu_us: this process's own CPU time, so the bench can tell what the load itself cost).
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    key: { type: 'string' },
    spec: { type: 'string' },
    prefix: { type: 'string', default: 'w' },
    seconds: { type: 'string', default: '20' },
    mode: { type: 'string', default: 'timed' },
    count: { type: 'string', default: '0' },
    concurrency: { type: 'string', default: '128' },
    path: { type: 'string', default: '/v1/wagers' },
  },
});
const spec = JSON.parse(readFileSync(values.spec, 'utf8'));
// several URLs (API processes): connection i goes to URL i mod n, as a load balancer spreads connections
const targets = values.url.split(',').map((u) => new URL(u));
const concurrency = Number(values.concurrency);
const agents = targets.map(() => new http.Agent({ keepAlive: true, maxSockets: concurrency }));
const GAMES = [
  ['book-of-dead', 'slots'],
  ['starburst', 'slots'],
  ['lightning-roulette', 'roulette'],
  ['blackjack-vip', 'blackjack'],
];

/** The i-th wager: deterministic, so a replay pass re-sends the very same payload. */
function body(i) {
  const x = (i * 2_654_435_761) % 4_294_967_296;
  const [game, category] = GAMES[x % GAMES.length];
  return JSON.stringify({
    source_wager_id: `${values.prefix}-${i}`,
    player_id: spec.players[x % spec.players.length],
    bet_amount: 100 + (x % 4_900),
    win_amount: x % 3 === 0 ? (x % 9_000) : 0,
    currency: 'EUR',
    game_code: game,
    game_category: category,
    tournament_ids: [spec.tournament],
    jackpot_ids: [spec.jackpot],
  });
}

function post(payload, slot) {
  const target = targets[slot % targets.length];
  const agent = agents[slot % targets.length];
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        path: values.path,
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${values.key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      },
    );
    req.on('error', () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    req.end(payload);
  });
}

const cpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const replay = values.mode === 'replay';
const total = Number(values.count);
const deadline = Date.now() + Number(values.seconds) * 1000;
let next = 0;
const latencies = [];
const statuses = {};
const started = Date.now();
await Promise.all(
  Array.from({ length: concurrency }, async (_, slot) => {
    for (;;) {
      if (replay ? next >= total : Date.now() >= deadline) return;
      const i = next++;
      const r = await post(body(i), slot);
      latencies.push(r.ms);
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    }
  }),
);
const seconds = (Date.now() - started) / 1000;
for (const agent of agents) agent.destroy();
latencies.sort((a, b) => a - b);
const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
const ok = (statuses[201] ?? 0) + (statuses[200] ?? 0);
process.stdout.write(
  `${JSON.stringify({ sent: next, ok, created: statuses[201] ?? 0, replayed: statuses[200] ?? 0, errors: next - ok, seconds, per_s: ok / seconds, p50_ms: q(0.5), p99_ms: q(0.99), statuses, cpu_us: cpuUs() })}\n`,
);
