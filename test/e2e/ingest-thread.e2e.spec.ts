// The ingestion thread dying mid-batch (README, "Wager intake"): its batches in flight fail, the
// batcher runs their items again one by one on a new thread, an item that fails alone answers 503 and
// stores nothing, and a retry applies it once. The pipeline runs as the API builds it (dist/), in a
// process of its own that the test drives (test/support/ingest-thread-driver.mjs): no HTTP request
// can kill the thread at a chosen moment. A row lock held by the test is that moment: a batch waits
// on it inside its transaction.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { ROOT } from '../support/env.js';
import { createPlayer, createTenant, type TestTenant } from '../support/factories.js';
import { type RunningApi, startApiProcess } from '../support/processes.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { eventually } from '../support/wait.js';

interface Answer {
  id: string;
  status: number;
  code?: string;
  value?: { wager_id: string; source_wager_id: string };
}

/** The driver process: submit wagers, kill the thread, read the answers. */
class Driver {
  private readonly answers = new Map<string, Answer>();
  private killed = 0;
  private readonly stderr: string[] = [];
  private ready: () => void = () => undefined;
  private constructor(private readonly proc: ChildProcess) {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (!line.startsWith('{"driver":true')) return; // the app's own info logs
      const { driver: _, ...m } = JSON.parse(line) as Answer & { driver: true; killed?: boolean; ready?: boolean };
      if (m.ready) this.ready();
      else if (m.killed !== undefined) this.killed += 1;
      else if (m.id !== undefined) this.answers.set(m.id, m);
    });
    createInterface({ input: proc.stderr! }).on('line', (line) => this.stderr.push(line));
  }

  static async start(env: Record<string, string>): Promise<Driver> {
    const proc = spawn(process.execPath, [path.join(ROOT, 'test', 'support', 'ingest-thread-driver.mjs')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const driver = new Driver(proc);
    await new Promise<void>((resolve, reject) => {
      driver.ready = resolve;
      proc.once('exit', (code) => reject(new Error(`the driver exited with ${code}:\n${driver.log()}`)));
    });
    return driver;
  }

  submit(tenantId: string, id: string, wager: { sourceWagerId: string; playerId: string; betAmount: number }): void {
    this.proc.stdin!.write(`${JSON.stringify({ op: 'submit', id, tenantId, wager: { ...wager, betAmount: String(wager.betAmount), currency: 'EUR' } })}\n`);
  }

  async kill(): Promise<void> {
    const before = this.killed;
    this.proc.stdin!.write(`${JSON.stringify({ op: 'kill' })}\n`);
    await eventually(async () => this.killed > before, 10_000, 'the kill acknowledged');
  }

  answer(id: string, timeoutMs = 20_000): Promise<Answer> {
    return eventually(async () => this.answers.get(id), timeoutMs, `the answer to ${id}`);
  }

  has(id: string): boolean {
    return this.answers.has(id);
  }

  log(): string {
    return this.stderr.join('\n');
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.stdin!.end();
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

let env: TestEnv;
let api: RunningApi;
let driver: Driver | undefined;
let tenant: TestTenant;

beforeAll(async () => {
  env = await createTestEnv();
  api = await startApiProcess(env.env);
  tenant = await createTenant(api.platform);
});

afterAll(async () => {
  await driver?.stop();
  await api?.stop();
  await env?.close();
});

/** How many backends of the test database wait for a lock. */
async function lockWaiters(): Promise<number> {
  const { rows } = await env.pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
  return rows[0].n as number;
}

describe('the ingestion thread dies mid-batch', () => {
  it('batches in flight fail, their items run again alone on a new thread, one that fails alone answers 503 and a retry applies it once', async () => {
    const a = await createPlayer(tenant.server, { currency: 'EUR' });
    const b = await createPlayer(tenant.server, { currency: 'EUR' });
    driver = await Driver.start(env.env);

    // player A is locked by someone else: every batch that touches A waits inside its transaction
    const blocker = new pg.Client({ connectionString: env.db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM players WHERE id = $1 FOR UPDATE', [a.id]);

      // 1. x runs alone (the pipeline was idle) and waits on A; y and z queue behind it as one batch
      driver.submit(tenant.id, 'x', { sourceWagerId: 'thread-x', playerId: a.id, betAmount: 100 });
      await eventually(async () => (await lockWaiters()) >= 1, 20_000, 'x waiting on the lock');
      driver.submit(tenant.id, 'y', { sourceWagerId: 'thread-y', playerId: a.id, betAmount: 20 });
      driver.submit(tenant.id, 'z', { sourceWagerId: 'thread-z', playerId: b.id, betAmount: 3 });

      // 2. the thread dies: x, alone in its batch, answers 503 at once
      await driver.kill();
      expect(await driver.answer('x')).toMatchObject({ status: 503, code: 'service_unavailable' });
      expect(driver.has('y') || driver.has('z')).toBe(false);

      // 3. [y, z] run on a new thread and wait on A too; it dies as well: the batcher runs y alone
      //    (on another new thread, waiting on A again) and that one dies too: y answers 503
      await eventually(async () => (await lockWaiters()) >= 2, 20_000, '[y, z] waiting on the lock');
      await driver.kill();
      await eventually(async () => (await lockWaiters()) >= 3, 20_000, 'y alone waiting on the lock');
      expect(driver.has('y')).toBe(false);
      await driver.kill();
      expect(await driver.answer('y')).toMatchObject({ status: 503, code: 'service_unavailable' });
      expect(driver.has('z')).toBe(false);
    } finally {
      // the dead threads' transactions never committed: once A is free they fail and roll back
      await blocker.query('ROLLBACK');
      await blocker.end();
    }

    // 4. z, run alone on a fourth thread, applies once A's dead waiters are gone
    const z = await driver.answer('z');
    expect(z).toMatchObject({ status: 201, value: { source_wager_id: 'thread-z' } });

    // nothing of x or y was stored; z once
    const stored = async () => (await env.pool.query(`SELECT source_wager_id FROM wagers WHERE tenant_id = $1 ORDER BY source_wager_id`, [tenant.id])).rows;
    expect(await stored()).toEqual([{ source_wager_id: 'thread-z' }]);

    // 5. the operator retries: x and y apply now, z replays its first answer
    driver.submit(tenant.id, 'x2', { sourceWagerId: 'thread-x', playerId: a.id, betAmount: 100 });
    driver.submit(tenant.id, 'y2', { sourceWagerId: 'thread-y', playerId: a.id, betAmount: 20 });
    driver.submit(tenant.id, 'z2', { sourceWagerId: 'thread-z', playerId: b.id, betAmount: 3 });
    expect(await driver.answer('x2')).toMatchObject({ status: 201, value: { source_wager_id: 'thread-x' } });
    expect(await driver.answer('y2')).toMatchObject({ status: 201, value: { source_wager_id: 'thread-y' } });
    expect(await driver.answer('z2')).toEqual({ ...z, id: 'z2', status: 200 });

    expect(await stored()).toEqual([{ source_wager_id: 'thread-x' }, { source_wager_id: 'thread-y' }, { source_wager_id: 'thread-z' }]);
    const totals = await env.pool.query(`SELECT id, total_wagered::text AS t FROM players WHERE id = ANY($1) ORDER BY id`, [[a.id, b.id]]);
    expect(Object.fromEntries(totals.rows.map((r) => [r.id, r.t]))).toEqual({ [a.id]: '120', [b.id]: '3' });
    // what the API answers agrees: the players' stats as a client reads them
    expect((await tenant.server.get(`/v1/players/${a.id}`)).body).toMatchObject({ stats: { total_wagered: 120 } });
    expect(driver.log()).toContain('the ingestion thread stopped with batches in flight');
  });
});
