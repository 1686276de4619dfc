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
  acme = await createTenant(api.platform);
});

afterAll(async () => {
  await api?.stop();
  await env?.close();
});

describe('/health and /ready', () => {
  it('answer without a key', async () => {
    expect((await api.http.get('/health')).body).toEqual({ status: 'ok' });
    const ready = await api.http.get('/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { database: 'up', redis: 'up' } });
  });

  it.each([
    ['database', { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nowhere' }],
    ['redis', { REDIS_URL: 'redis://127.0.0.1:1' }],
  ])('/ready answers 503 when the %s is unreachable, /health stays 200', async (dependency, overrides) => {
    const broken = await startApiProcess({ ...env.env, ...overrides });
    try {
      expect((await broken.http.get('/health')).status).toBe(200);
      const res = await broken.http.get('/ready');
      expect(res.status).toBe(503);
      expect(res.body.error).toEqual({
        code: 'service_unavailable',
        message: 'a dependency is unreachable',
        details: [{ field: dependency, issue: 'unreachable' }],
      });
      expect(res.body.request_id).toBe(res.headers.get('x-request-id'));
    } finally {
      await broken.stop();
    }
  });
});

describe('X-Request-Id', () => {
  it('is generated when the caller sends none, on success and on every kind of error', async () => {
    const responses = [
      await api.http.get('/health'),
      await api.http.get('/v1/nowhere'),
      await api.http.get('/v1/players/x'),
      await acme.server.post('/v1/players', { external_ref: 7 }),
      await acme.server.post('/v1/players', undefined, { raw: 'x=1', headers: { 'content-type': 'text/plain' } }),
      // an ordinary client gets its 413: the server reads the body out before answering
      await acme.server.post('/v1/players', undefined, { raw: `{"external_ref":"${'a'.repeat(2 * 1024 * 1024)}"}` }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 404, 401, 400, 415, 413]);
    for (const r of responses) {
      expect(r.headers.get('x-request-id')).toMatch(/^req_[0-9a-z]{26}$/);
      if (r.status >= 400) expect(r.body.request_id).toBe(r.headers.get('x-request-id'));
    }
  });

  it("echoes the caller's id", async () => {
    const res = await acme.server.get('/v1/players/nobody', { headers: { 'x-request-id': 'trace-42:abc.DEF_1' } });
    expect(res.headers.get('x-request-id')).toBe('trace-42:abc.DEF_1');
    expect(res.body.request_id).toBe('trace-42:abc.DEF_1');
  });

  it('replaces a malformed one', async () => {
    for (const bad of ['a'.repeat(129), 'has space', 'quote"d', '']) {
      const res = await api.http.get('/health', { headers: { 'x-request-id': bad } });
      expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    }
  });
});

describe('errors of the framework itself', () => {
  it('answers unknown routes and methods with 404 not_found in the error shape', async () => {
    for (const res of [await api.http.get('/nope'), await acme.server.delete('/v1/players'), await acme.server.get('/v1/players')]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: { code: 'not_found', message: expect.any(String) }, request_id: expect.any(String) });
    }
  });
});

describe('OpenAPI', () => {
  it('serves the Swagger UI at /docs', async () => {
    const res = await api.http.get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.text).toContain('swagger');
  });

  it('documents every route, with its schemas and the error shape, at /docs-json', async () => {
    const { body: doc } = await api.http.get('/docs-json');
    expect(doc.openapi).toMatch(/^3\./);
    const operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([p, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${p}`, op })),
    );
    expect(operations.map((o) => o.route).sort()).toEqual(
      [
        'GET /health',
        'GET /ready',
        'POST /v1/platform/tenants',
        'POST /v1/players',
        'GET /v1/players/{player}',
        'PATCH /v1/players/{player}',
        'GET /v1/players/{player}/wallet',
        'POST /v1/players/{player}/wallet/credits',
        'POST /v1/players/{player}/wallet/debits',
        'POST /v1/players/{player}/bonuses',
        'GET /v1/players/{player}/bonuses',
        'POST /v1/players/{player}/bonuses/{bonus_id}/cancel',
        'POST /v1/players/{player}/bonuses/{bonus_id}/forfeit',
        'POST /v1/players/{player}/rewards',
        'POST /v1/bonus-templates',
        'GET /v1/bonus-templates',
        'GET /v1/bonus-templates/{id}',
        'DELETE /v1/bonus-templates/{id}',
        'POST /v1/wagers',
        'POST /v1/journeys/event',
        'POST /v1/journeys',
        'GET /v1/journeys',
        'GET /v1/journeys/{id}',
        'POST /v1/journeys/{id}/deactivate',
        'GET /v1/players/{player}/journeys',
        'GET /v1/players/{player}/lootbox-opens',
        'POST /v1/lootbox',
        'GET /v1/lootbox',
        'GET /v1/lootbox/{id}',
        'POST /v1/lootbox/{id}/open',
        'POST /v1/lootbox/{id}/rotate-seed',
        'GET /v1/lootbox/{id}/seeds',
        'POST /v1/tournaments',
        'GET /v1/tournaments',
        'GET /v1/tournaments/{id}',
        'POST /v1/tournaments/{id}/cancel',
        'POST /v1/tournaments/{id}/score',
        'GET /v1/tournaments/{id}/leaderboard',
        'GET /v1/tournaments/{id}/leaderboard/{player}',
        'POST /v1/jackpots',
        'GET /v1/jackpots',
        'GET /v1/jackpots/{id}',
        'GET /v1/jackpots/{id}/wins',
        'POST /v1/jackpots/{id}/contribute',
        'POST /v1/segments',
        'GET /v1/segments',
        'GET /v1/segments/{id}',
        'PATCH /v1/segments/{id}',
        'DELETE /v1/segments/{id}',
        'GET /v1/segments/{id}/preview',
        'POST /v1/campaigns',
        'GET /v1/campaigns',
        'GET /v1/campaigns/{id}',
        'PATCH /v1/campaigns/{id}',
        'DELETE /v1/campaigns/{id}',
        'POST /v1/campaigns/{id}/executions',
        'GET /v1/campaigns/{id}/executions',
        'GET /v1/campaigns/{id}/executions/{execution_id}',
        'POST /v1/webhooks',
        'GET /v1/webhooks',
        'DELETE /v1/webhooks/{id}',
        'GET /v1/webhooks/{id}/deliveries',
        'POST /v1/webhooks/{id}/deliveries/{delivery_id}/retry',
      ].sort(),
    );
    const errorRef = '#/components/schemas/ErrorResponseDto';
    for (const { route, op } of operations) {
      expect({ route, has500: op.responses['500']?.content?.['application/json']?.schema?.$ref }).toEqual({ route, has500: errorRef });
      const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
      expect({ route, success: success.length > 0 }).toEqual({ route, success: true });
      if ((route.startsWith('POST') || route.startsWith('PATCH')) && !/\/(retry|cancel|forfeit|deactivate|rotate-seed)$/.test(route)) {
        expect({ route, has400: op.responses['400']?.content?.['application/json']?.schema?.$ref }).toEqual({ route, has400: errorRef });
        expect({ route, body: Boolean(op.requestBody) }).toEqual({ route, body: true });
      }
      if (route.includes('/v1/') && !route.includes('/platform/')) {
        expect({ route, security: op.security }).toEqual({ route, security: [{ apiKey: [] }] });
        expect({ route, has401: Boolean(op.responses['401']) }).toEqual({ route, has401: true });
      }
    }
    const schemas = doc.components.schemas;
    expect(Object.keys(schemas.CreatePlayerDto.properties).sort()).toEqual(
      ['attributes', 'country', 'currency', 'external_ref', 'registered_at', 'tags', 'vip_level'].sort(),
    );
    expect(schemas.CreatePlayerDto.required).toEqual(['external_ref']);
    expect(schemas.PlayerDto.properties.stats.$ref).toBe('#/components/schemas/PlayerStatsDto');
    expect(schemas.ErrorResponseDto.required.sort()).toEqual(['error', 'request_id']);
  });
});

describe('logs', () => {
  it('are one JSON object per line, one per request, with no keys or secrets in them', async () => {
    const marker = uniqueRef('logcheck');
    await acme.server.post('/v1/players', { external_ref: marker });
    await acme.admin.get(`/v1/players/${marker}`, { headers: { 'x-request-id': marker } });
    await api.http.get('/v1/players/x', { key: 'wz_server_thisisnotakeybutitlookslikeone0000000000000' });
    await api.platform.post('/v1/platform/tenants', { name: 'Logged' });
    await new Promise((r) => setTimeout(r, 200));

    const lines = api.process.lines;
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    const text = lines.join('\n');
    for (const secret of [acme.adminKey, acme.serverKey, PLATFORM_KEY, 'thisisnotakeybutitlookslikeone', 'Bearer']) {
      expect(text).not.toContain(secret);
    }
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.message === 'request' && l.request_id === marker);
    expect(logged).toMatchObject({ level: 'log', context: 'HTTP', method: 'GET', route: '/v1/players/:player', status: 200, tenant_id: acme.id });
  });
});
