import { spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { databaseUrl, freshDatabaseName, ROOT, withAdmin } from '../support/env.js';
import { HttpClient } from '../support/http.js';
import { spawnApp, startApiProcess, startWorkerProcess } from '../support/processes.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('configuration is validated at boot', () => {
  it.each([
    ['api', 'PORT', 'not-a-port'],
    ['api', 'DATABASE_URL', 'mysql://root@localhost/x'],
    ['worker', 'REDIS_URL', 'http://127.0.0.1:6379'],
    ['worker', 'WEBHOOK_RETRY_DELAYS_SECONDS', '10,soon'],
  ] as const)('%s refuses a bad %s with a message naming it', async (app, name, value) => {
    const p = spawnApp(app, { ...env.env, [name]: value });
    const exit = await p.waitForExit();
    expect(exit.code).toBe(1);
    const fatal = p.lines.map((l) => JSON.parse(l)).find((l) => l.level === 'fatal');
    expect(fatal.message).toContain(name);
    expect(fatal.problems).toEqual([expect.stringMatching(new RegExp(`^${name}:`))]);
  });
});

describe('graceful shutdown', () => {
  it('the API stops on SIGTERM and exits 0', async () => {
    const api = await startApiProcess(env.env);
    expect((await api.http.get('/health')).status).toBe(200);
    const exit = await api.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(api.process.lines.some((l) => l.includes('"shut down"'))).toBe(true);
  });

  it('answers a request in flight at SIGTERM, closing its connection, then exits 0', async () => {
    const api = await startApiProcess(env.env);
    const tenant = await api.platform.post('/v1/platform/tenants', { name: 'Shutdown' });
    const body = JSON.stringify({ external_ref: 'in-flight-at-sigterm' });
    const { port } = new URL(api.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const answer = readAll(socket);
    // the request is under way (half its body sent) when the signal comes
    socket.write(`POST /v1/players HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${tenant.body.api_keys.server}\r\nContent-Type: application/json\r\n` +
      `Connection: keep-alive\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    await new Promise((r) => setTimeout(r, 200));
    const exited = api.process.stop('SIGTERM');
    await api.process.waitForLine(/"shutting down"/);
    await new Promise((r) => setTimeout(r, 300));
    socket.write(body.slice(10));
    const text = await answer;
    expect(text).toMatch(/^HTTP\/1\.1 201 /);
    expect(text.toLowerCase()).toContain('connection: close');
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({ external_ref: 'in-flight-at-sigterm' });
    expect(await exited).toEqual({ code: 0, signal: null });
  });

  it('answers the wagers in flight at SIGTERM (their batches on the ingestion thread), each committed one a 201, then exits 0', async () => {
    const api = await startApiProcess(env.env);
    const tenant = await api.platform.post('/v1/platform/tenants', { name: 'Shutdown burst' });
    const server = api.http.withKey(tenant.body.api_keys.server);
    const player = (await server.post('/v1/players', { external_ref: 'burst-at-sigterm', currency: 'EUR' })).body;
    const first = await server.post('/v1/wagers', { source_wager_id: 'burst-0', player_id: player.id, bet_amount: 1, win_amount: 0, currency: 'EUR', game_code: 'g', game_category: 'slots' });
    expect(first.status).toBe(201); // the ingestion thread is up
    const keys = Array.from({ length: 200 }, (_, i) => `burst-${i + 1}`);
    const sent = keys.map((k) =>
      server.post('/v1/wagers', { source_wager_id: k, player_id: player.id, bet_amount: 1, win_amount: 0, currency: 'EUR', game_code: 'g', game_category: 'slots' }),
    );
    await new Promise((r) => setTimeout(r, 30));
    const exited = api.process.stop('SIGTERM');
    const answers = await Promise.allSettled(sent);
    expect(await exited).toEqual({ code: 0, signal: null });
    const statuses = answers.map((a) => (a.status === 'fulfilled' ? a.value.status : 0));
    expect(statuses.filter((s) => ![0, 201, 503].includes(s))).toEqual([]);
    // whatever was committed was answered 201, and nothing answered 201 was lost
    const { rows } = await env.pool.query('SELECT source_wager_id FROM wagers WHERE tenant_id = $1 AND source_wager_id <> $2 ORDER BY source_wager_id', [tenant.body.tenant.id, 'burst-0']);
    expect(rows.map((r) => r.source_wager_id)).toEqual(keys.filter((_, i) => statuses[i] === 201).sort());
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThan(0);
  });

  it('answers what Node cannot parse as HTTP in the one error shape, with a request id', async () => {
    const api = await startApiProcess(env.env);
    try {
      const { port } = new URL(api.url);
      const ask = async (request: string) => {
        const socket = connect(Number(port), '127.0.0.1');
        await new Promise((r) => socket.once('connect', r));
        const answer = readAll(socket);
        socket.write(request);
        const text = await answer;
        const head = text.slice(0, text.indexOf('\r\n\r\n')).toLowerCase();
        return { status: Number(text.split(' ')[1]), head, body: JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) };
      };
      const garbage = await ask('GARBAGE\r\n\r\n');
      expect(garbage.status).toBe(400);
      expect(garbage.body).toEqual({
        error: { code: 'validation_failed', message: 'malformed HTTP request', details: [{ field: '(request)', issue: 'is not valid HTTP/1.1' }] },
        request_id: expect.stringMatching(/^req_/),
      });
      expect(garbage.head).toContain(`x-request-id: ${garbage.body.request_id}`);
      const smuggled = await ask('POST /v1/players HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}');
      expect(smuggled.status).toBe(400);
      expect(smuggled.body.error.code).toBe('validation_failed');
      const huge = await ask(`GET /v1/players/${'p'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(huge.status).toBe(431);
      expect(huge.body).toEqual({ error: { code: 'headers_too_large', message: 'the request headers or URL are too large' }, request_id: expect.stringMatching(/^req_/) });
      // and the API goes on serving
      expect((await api.http.get('/health')).status).toBe(200);
    } finally {
      await api.stop();
    }
  });

  it('the worker starts, then stops on SIGTERM and exits 0', async () => {
    const worker = await startWorkerProcess(env.env);
    const exit = await worker.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(worker.lines.some((l) => l.includes('"shut down"'))).toBe(true);
  });
});

describe('the command line', () => {
  let fresh: string;

  // No CREATE DATABASE here: db:migrate creates a missing database itself, as prisma migrate deploy does.
  beforeAll(() => {
    fresh = freshDatabaseName();
  });

  afterAll(async () => {
    await withAdmin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS "${fresh}" WITH (FORCE)`)));
  });

  const npm = (args: string[], extra: Record<string, string> = {}) =>
    spawnSync('npm', ['run', '--silent', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env.env, DATABASE_URL: databaseUrl(fresh), ...extra },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('npm run db:migrate creates the missing database, applies every migration once and records it in _prisma_migrations', async () => {
    const exists = async () => withAdmin(async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [fresh])).rowCount === 1);
    expect(await exists()).toBe(false);
    const first = npm(['db:migrate']);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(`created database ${fresh}`);
    expect(await exists()).toBe(true);
    expect(first.stdout).toMatch(/applied 20261122000000_foundation/);
    const second = npm(['db:migrate']);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/"0 applied, \d+ already applied"/);
    await withAdmin(async () => {
      const pg = await import('pg');
      const c = new pg.default.Client({ connectionString: databaseUrl(fresh) });
      await c.connect();
      try {
        const { rows } = await c.query('SELECT migration_name, finished_at IS NOT NULL AS done, rolled_back_at FROM _prisma_migrations');
        expect(rows).toContainEqual({ migration_name: '20261122000000_foundation', done: true, rolled_back_at: null });
      } finally {
        await c.end();
      }
    });
  });

  it('npm run tenant:create prints the tenant and keys that work against the API', async () => {
    const res = npm(['tenant:create', '--', '--name', 'Acme Casino', '--service-mode', 'white_label']);
    expect(res.status).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.tenant).toMatchObject({ name: 'Acme Casino', service_mode: 'white_label' });
    expect(out.tenant.id).toMatch(/^ten_/);

    const api = await startApiProcess({ ...env.env, DATABASE_URL: databaseUrl(fresh) });
    try {
      const client = new HttpClient(api.url, out.api_keys.server);
      expect((await client.post('/v1/players', { external_ref: 'cli-made' })).status).toBe(201);
      expect((await client.get('/v1/players/cli-made', { key: out.api_keys.admin })).status).toBe(200);
    } finally {
      await api.stop();
    }
  });

  it('tenant:create refuses a missing name', () => {
    const res = npm(['tenant:create']);
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('usage');
  });
});

/** Everything a socket receives until the server closes it. */
function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(text));
  });
}
