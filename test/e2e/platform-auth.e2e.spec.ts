import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApiProcess, type RunningApi } from '../support/processes.js';
import { createTestEnv, PLATFORM_KEY, type TestEnv } from '../support/test-env.js';
import { createTenant, type TestTenant, uniqueRef } from '../support/factories.js';

let env: TestEnv;
let api: RunningApi;
let acme: TestTenant;

beforeAll(async () => {
  env = await createTestEnv();
  api = await startApiProcess(env.env);
  acme = await createTenant(api.platform, 'Acme Casino');
});

afterAll(async () => {
  await api?.stop();
  await env?.close();
});

describe('POST /v1/platform/tenants', () => {
  it('creates a tenant and two keys, shown once and stored only as SHA-256 hashes', async () => {
    const res = await api.platform.post('/v1/platform/tenants', { name: 'Royal', service_mode: 'white_label' });
    expect(res.status).toBe(201);
    expect(res.body.tenant).toEqual({ id: expect.stringMatching(/^ten_[0-9a-z]{26}$/), name: 'Royal', service_mode: 'white_label', created_at: expect.any(String) });
    const { admin, server } = res.body.api_keys;
    expect(admin).toMatch(/^wz_admin_[A-Za-z0-9_-]{43}$/);
    expect(server).toMatch(/^wz_server_[A-Za-z0-9_-]{43}$/);

    const { rows } = await env.pool.query('SELECT scope, key_hash, key_prefix FROM api_keys WHERE tenant_id = $1 ORDER BY scope', [res.body.tenant.id]);
    const sha = (k: string) => createHash('sha256').update(k).digest('hex');
    expect(rows).toEqual([
      { scope: 'admin', key_hash: sha(admin), key_prefix: admin.slice(0, 13) },
      { scope: 'server', key_hash: sha(server), key_prefix: server.slice(0, 14) },
    ]);
    const dump = JSON.stringify((await env.pool.query('SELECT * FROM api_keys')).rows) + JSON.stringify((await env.pool.query('SELECT * FROM tenants')).rows);
    expect(dump).not.toContain(admin);
    expect(dump).not.toContain(server);
  });

  it('defaults service_mode to plugin', async () => {
    const res = await api.platform.post('/v1/platform/tenants', { name: 'Plain' });
    expect(res.body.tenant.service_mode).toBe('plugin');
  });

  it('gives each tenant its own random keys', async () => {
    const a = await createTenant(api.platform);
    const b = await createTenant(api.platform);
    expect(new Set([a.adminKey, a.serverKey, b.adminKey, b.serverKey]).size).toBe(4);
  });

  it.each([
    ['no Authorization header', {}, 401, 'unauthorized'],
    ['an unknown key', { authorization: 'Bearer not-the-platform-key-at-all' }, 401, 'unauthorized'],
    ['a non-bearer scheme', { authorization: `Basic ${PLATFORM_KEY}` }, 401, 'unauthorized'],
    ['an empty bearer', { authorization: 'Bearer ' }, 401, 'unauthorized'],
  ])('refuses %s', async (_, headers, status, code) => {
    const res = await api.http.post('/v1/platform/tenants', { name: 'X' }, { headers });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });

  it('refuses tenant keys with 403 (valid key, wrong scope)', async () => {
    for (const key of [acme.adminKey, acme.serverKey]) {
      const res = await api.http.post('/v1/platform/tenants', { name: 'X' }, { key });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });

  it('stores nothing when refused', async () => {
    const before = (await env.pool.query('SELECT count(*)::int n FROM tenants')).rows[0].n;
    await api.http.post('/v1/platform/tenants', { name: 'X' });
    await api.http.post('/v1/platform/tenants', { name: 'X' }, { key: acme.adminKey });
    expect((await env.pool.query('SELECT count(*)::int n FROM tenants')).rows[0].n).toBe(before);
  });
});

describe('platform API disabled (PLATFORM_API_KEY unset)', () => {
  it('answers 404 not_found whatever the key', async () => {
    const { PLATFORM_API_KEY: _, ...rest } = env.env;
    const bare = await startApiProcess(rest);
    try {
      for (const key of [undefined, PLATFORM_KEY, acme.adminKey]) {
        const res = await bare.http.post('/v1/platform/tenants', { name: 'X' }, key ? { key } : {});
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('not_found');
      }
      expect((await bare.http.get('/health')).status).toBe(200);
    } finally {
      await bare.stop();
    }
  });
});

describe('tenant keys', () => {
  it('refuses a missing, unknown or malformed key with 401', async () => {
    for (const headers of [{}, { authorization: 'Bearer wz_server_unknownunknownunknownunknownunknownunknown1' }, { authorization: acme.serverKey }, { authorization: `Bearer ${PLATFORM_KEY}` }]) {
      const res = await api.http.get('/v1/players/anyone', { headers });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
  });

  it('lets both scopes use server routes', async () => {
    for (const client of [acme.server, acme.admin]) {
      const res = await client.post('/v1/players', { external_ref: uniqueRef() });
      expect(res.status).toBe(201);
    }
  });

  it('accepts the bearer scheme case-insensitively', async () => {
    const res = await api.http.get('/v1/players/nobody', { headers: { authorization: `bearer ${acme.serverKey}` } });
    expect(res.status).toBe(404);
  });
});
