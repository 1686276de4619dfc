// npm run bench:compare — two builds or settings of the API side by side, under bench:ingest's load,
// against one database, one Redis and one worker: what a change does to wagers/s and to the API's CPU
// per wager, measured as a ratio within one run.
//
// Whole bench:ingest runs minutes apart are a poor comparison on these machines: their speed drifts
// within minutes by a quarter or more. Here A and B take turns in short phases (A B B A A B B A …), so
// both see the same drift. The world (players, bonuses, tournament, jackpot) is created through a third
// API process, stopped before the phases: a process that had created it spent more CPU per wager
// afterwards than a fresh one running the same build (4% in an A/A run, more in others).
//
//   npm run bench:compare -- [--a <checkout>] [--b <checkout>] [--a-env JSON] [--b-env JSON]
//                            [--phase 6] [--rounds 8] [--concurrency 128] [--players 1000]
//
// --a / --b: a checkout with a built dist/ (default: this one, for both); --a-env / --b-env: extra
// environment for that API process (e.g. '{"NODE_OPTIONS":"--max-semi-space-size=32"}'). A run of a
// build against itself (the default) shows the noise to expect: two such runs gave ratios of 1.003 and
// 0.953, so differences under about 5% are not told apart in one run. Last line:
// RESULT a_per_s=<n> b_per_s=<n> ratio=<b/a> a_api_cpu_us=<n> b_api_cpu_us=<n> cpu_ratio=<b/a>
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createIngestWorld, runLoad } from './ingest-world.mjs';
import { cpuPerRequest, cpuSnapshot, freshEnvironment, log, ROOT, startApi, startWorker, stop } from './lib.mjs';

const { values } = parseArgs({
  options: {
    a: { type: 'string', default: ROOT },
    b: { type: 'string', default: ROOT },
    'a-env': { type: 'string', default: '{}' },
    'b-env': { type: 'string', default: '{}' },
    phase: { type: 'string', default: '6' },
    rounds: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '128' },
    players: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '8' },
  },
});
const PHASE = Number(values.phase);
const ROUNDS = Number(values.rounds);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main() {
  const envir = await freshEnvironment();
  const procs = [];
  try {
    const env = envir.env;
    const worker = await startWorker(env);
    procs.push(worker);
    const setup = await startApi(env, path.resolve(values.a));
    const world = await createIngestWorld(setup.url, env.PLATFORM_API_KEY, Number(values.players));
    await stop(setup.proc);

    const arms = [];
    for (const name of ['a', 'b']) {
      const api = await startApi({ ...env, ...JSON.parse(values[`${name}-env`]) }, path.resolve(values[name]));
      procs.push(api.proc);
      arms.push({ name, api, per_s: [], cpu: [] });
    }
    const load = (arm, prefix, seconds) =>
      runLoad({ urls: [arm.api.url], key: world.server, specFile: world.specFile, prefix, concurrency: values.concurrency, extra: ['--seconds', String(seconds)] });
    for (const arm of arms) await load(arm, `warm-${arm.name}`, Number(values.warmup));
    await envir.pool.query('ANALYZE');

    log(`${ROUNDS} rounds of ${PHASE} s phases, A = ${values.a} ${values['a-env']}, B = ${values.b} ${values['b-env']}`);
    let n = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const arm of round % 2 === 0 ? arms : [...arms].reverse()) {
        const pids = { api: arm.api.proc.pid };
        const before = cpuSnapshot(pids);
        const r = await load(arm, `m${n++}`, PHASE);
        if (r.errors > 0) throw new Error(`${r.errors} wagers failed: ${JSON.stringify(r.statuses)}`);
        const cpu = cpuPerRequest(before, cpuSnapshot(pids), r.ok);
        arm.per_s.push(r.per_s);
        if (cpu) arm.cpu.push(cpu.perRequest.api);
        log(`${arm.name.toUpperCase()} ${Math.round(r.per_s)}/s p99 ${r.p99_ms.toFixed(0)} ms, API ${cpu ? cpu.perRequest.api : '?'} µs per wager, machine ${cpu ? Math.round(cpu.busy * 100) : '?'}% busy`);
      }
    }
    const [a, b] = arms;
    const cpuPart = a.cpu.length && b.cpu.length
      ? ` a_api_cpu_us=${Math.round(mean(a.cpu))} b_api_cpu_us=${Math.round(mean(b.cpu))} cpu_ratio=${(mean(b.cpu) / mean(a.cpu)).toFixed(3)}`
      : '';
    console.log(`RESULT a_per_s=${Math.round(mean(a.per_s))} b_per_s=${Math.round(mean(b.per_s))} ratio=${(mean(b.per_s) / mean(a.per_s)).toFixed(3)}${cpuPart}`);
  } finally {
    for (const p of procs) await stop(p);
    await envir.close();
  }
}

await main();
