// Shared plumbing of the benchmarks: a fresh migrated database, the built apps as processes, and
// cleanup. Run `npm run build` first (the bench:* scripts do).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';

export const ROOT = path.resolve(import.meta.dirname, '..');
const ADMIN_URL = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const children = new Set();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

export function log(msg) {
  process.stderr.write(`[bench] ${msg}\n`);
}

function dbUrl(name) {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function freshEnvironment() {
  const built = path.join(ROOT, 'dist', 'libs', 'db', 'src', 'migrate.js');
  if (!existsSync(built)) throw new Error('run `npm run build` first');
  const { migrate } = await import(pathToFileURL(built).href);
  const name = `wowsino_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  await migrate(dbUrl(name), path.join(ROOT, 'prisma', 'migrations'));
  const prefix = `bench_${randomBytes(3).toString('hex')}`;
  const env = {
    NODE_ENV: 'production',
    WEBHOOK_SECRET_KEY: randomBytes(32).toString('base64'),
    DATABASE_URL: dbUrl(name),
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    PLATFORM_API_KEY: 'bench-platform-key-0123456789',
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: '0',
  };
  const pool = new pg.Pool({ connectionString: dbUrl(name), max: 4 });
  return {
    env,
    pool,
    async close() {
      await pool.end();
      const redis = new Redis(REDIS_URL);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      redis.disconnect();
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Starts a node script and resolves once a stdout/stderr line matches `ready`, with that line. */
export function startProcess(script, args, env, ready, nodeArgs = []) {
  const proc = spawn(process.execPath, [...nodeArgs, script, ...args], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  proc.on('exit', () => children.delete(proc));
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (c) => {
      out += c.toString();
      for (const line of out.split('\n')) {
        if (ready.test(line)) {
          proc.stdout.removeAllListeners('data');
          proc.stderr.removeAllListeners('data');
          proc.stdout.resume();
          proc.stderr.resume();
          return resolve({ proc, line });
        }
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${out}`)));
  });
}

export async function stop(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

/**
 * Node's flags for the API and the worker: BENCH_PROFILE_DIR=<dir> writes V8 CPU profiles there (node
 * --cpu-prof); BENCH_NODE_ARGS adds any others, space-separated (V8's tracing flags, which NODE_OPTIONS refuses).
 */
function nodeArgs() {
  return [
    ...(process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []),
    ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
  ];
}

/** An API process; `root`: the checkout whose build it runs (this one by default). */
export async function startApi(env, root = ROOT) {
  const { proc, line } = await startProcess(path.join(root, 'dist/apps/api/src/main.js'), [], env, /"api listening"/, nodeArgs());
  return { proc, url: `http://127.0.0.1:${JSON.parse(line).port}` };
}

export async function startWorker(env) {
  const { proc } = await startProcess(path.join(ROOT, 'dist/apps/worker/src/main.js'), [], env, /"worker started"/, nodeArgs());
  return proc;
}

export async function api(url, method, p, key, body) {
  const res = await fetch(`${url}${p}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body && { 'content-type': 'application/json' }) },
    body: body && JSON.stringify(body),
  });
  const json = await res.json().catch(() => undefined);
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * CPU time used so far, from /proc (Linux): by the given child processes (name → pid), by every
 * PostgreSQL and Redis server process on the machine, and by the whole machine (busy and total).
 * Two snapshots around a run give CPU per request by process: what a run spends, and where. Returns
 * null where /proc is not there.
 */
export function cpuSnapshot(children) {
  if (!existsSync('/proc/stat')) return null;
  const ticksOf = (pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return { comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ticks: Number(fields[11]) + Number(fields[12]) };
    } catch {
      return null; // gone meanwhile
    }
  };
  const out = { procs: {}, servers: { postgres: {}, redis: {} } };
  for (const [name, pid] of Object.entries(children)) out.procs[name] = ticksOf(pid)?.ticks ?? 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const p = ticksOf(entry);
    if (p?.comm === 'postgres') out.servers.postgres[entry] = p.ticks;
    else if (p?.comm === 'redis-server') out.servers.redis[entry] = p.ticks;
  }
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  out.total = cpu.reduce((a, b) => a + b, 0);
  out.idle = cpu[3] + (cpu[4] ?? 0);
  return out;
}

/** CPU between two snapshots: µs per request by process, and how busy the machine was. */
export function cpuPerRequest(before, after, requests) {
  if (!before || !after || requests <= 0) return null;
  const tickUs = 1e6 / TICKS_PER_SECOND;
  const ticks = Object.fromEntries(Object.keys(after.procs).map((k) => [k, after.procs[k] - (before.procs[k] ?? 0)]));
  // Server processes by pid: one that started during the run counts whole, one that ended during it
  // (an idle pooled connection closing) drops out. Summing all of them instead would subtract the
  // whole past CPU of a backend that exits mid-run.
  for (const [server, pids] of Object.entries(after.servers)) {
    ticks[server] = Object.entries(pids).reduce((sum, [pid, t]) => sum + t - (before.servers[server][pid] ?? 0), 0);
  }
  const perRequest = Object.fromEntries(Object.entries(ticks).map(([k, t]) => [k, Math.round((t * tickUs) / requests)]));
  const total = after.total - before.total;
  return { perRequest, busy: total > 0 ? 1 - (after.idle - before.idle) / total : 0 };
}

export const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
