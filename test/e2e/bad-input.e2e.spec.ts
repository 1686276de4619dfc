// Bad input on the three write endpoints of the foundation (API.md §1, §3, §4):
//   POST  /v1/platform/tenants   (platform key)
//   POST  /v1/players            (tenant server key)
//   PATCH /v1/players/:player    (tenant server key)
//
// Every case must answer the one error body with the right status and code, a 400 must name the offending
// field in `details`, `request_id` must equal the X-Request-Id header, and nothing may be stored: the row
// counts are taken before the whole matrix and compared after it, and the fixture player is re-read after
// every PATCH.
//
// The last blocks pin down inputs that once slipped past validation, and path ids and segments that once
// answered a 500 or Fastify's own error format.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { HttpClient, HttpResponse, RequestOptions } from '../support/http.js';
import { startApiProcess, type RunningApi } from '../support/processes.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { createPlayer, createTenant, type TestTenant, uniqueRef } from '../support/factories.js';

let env: TestEnv;
let api: RunningApi;
let acme: TestTenant;
/** The player every PATCH case targets; it must never change. */
let player: any;
let rowsBefore: Record<string, number>;

const TABLES = ['tenants', 'api_keys', 'players', 'outbox_events'] as const;

async function countAll(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const { rows } = await env.pool.query<{ n: string }>(`SELECT count(*) n FROM ${table}`);
    counts[table] = Number(rows[0].n);
  }
  return counts;
}

beforeAll(async () => {
  env = await createTestEnv();
  api = await startApiProcess(env.env);
  acme = await createTenant(api.platform, 'Acme');
  player = await createPlayer(acme.server, {
    country: 'DE',
    currency: 'EUR',
    vip_level: 3,
    registered_at: '2026-01-02T03:04:05Z',
    tags: ['vip'],
    attributes: { segment: 'whale' },
  });
  rowsBefore = await countAll();
});

afterAll(async () => {
  await api?.stop();
  await env?.close();
});

// ---------------------------------------------------------------------------------------------------------
// Endpoints and assertions

type Endpoint = 'tenants' | 'create' | 'patch';
const ENDPOINTS: Endpoint[] = ['tenants', 'create', 'patch'];

/** A request body: a value sent as JSON, or raw bytes sent as they are. */
type Payload = { body: unknown } | { raw: string | Buffer };

interface BadCase {
  name: string;
  payload: Payload;
  /** The field `details` must name. */
  field: string;
}

/** One body each endpoint accepts; the malformed and wrong-media cases are made from these. */
const VALID: Record<Endpoint, Record<string, unknown>> = {
  tenants: { name: 'Bad Input Casino' },
  create: { external_ref: 'bad-input-valid' },
  patch: { vip_level: 7 },
};

function clientFor(endpoint: Endpoint): HttpClient {
  return endpoint === 'tenants' ? api.platform : acme.server;
}

interface SendOptions {
  /** Send no Authorization header at all. */
  anonymous?: boolean;
  key?: string;
  headers?: Record<string, string>;
}

function send(endpoint: Endpoint, payload: Payload, { anonymous, ...opts }: SendOptions = {}): Promise<HttpResponse> {
  const client = anonymous ? api.http : clientFor(endpoint);
  const body = 'body' in payload ? payload.body : undefined;
  const options = { ...opts, ...('raw' in payload && { raw: payload.raw }) };
  switch (endpoint) {
    case 'tenants':
      return client.post('/v1/platform/tenants', body, options);
    case 'create':
      return client.post('/v1/players', body, options);
    case 'patch':
      return client.patch(`/v1/players/${player.id}`, body, options);
  }
}

/** A request with a body and no Content-Type at all (HttpClient always adds one, fetch adds none for bytes). */
async function sendWithoutContentType(endpoint: Endpoint, bytes: Buffer): Promise<HttpResponse> {
  const path = endpoint === 'tenants' ? '/v1/platform/tenants' : endpoint === 'create' ? '/v1/players' : `/v1/players/${player.id}`;
  const client = clientFor(endpoint);
  const res = await fetch(`${api.url}${path}`, {
    method: endpoint === 'patch' ? 'PATCH' : 'POST',
    headers: { authorization: `Bearer ${client.defaultKey}` },
    body: new Uint8Array(bytes),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined, text };
}

/** The API.md §1 error body with this status and code, and a request_id equal to the X-Request-Id header. */
function expectError(res: HttpResponse, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  expect(res.body).toEqual({
    error: { code, message: expect.any(String), ...(res.body.error.details !== undefined && { details: expect.any(Array) }) },
    request_id: expect.any(String),
  });
  expect(res.body.request_id).toBe(res.headers.get('x-request-id'));
}

/** 400 validation_failed whose `details` are well-formed and all name `field` (each case has one fault). */
function expectValidationFailed(res: HttpResponse, field: string): void {
  expectError(res, 400, 'validation_failed');
  const details: unknown[] = res.body.error.details;
  expect(details.length).toBeGreaterThan(0);
  for (const d of details) expect(d).toEqual({ field: expect.any(String), issue: expect.any(String) });
  expect([...new Set(res.body.error.details.map((d: { field: string }) => d.field))]).toEqual([field]);
}

const json = (body: unknown): Payload => ({ body });
const raw = (text: string | Buffer): Payload => ({ raw: text });

/** A case per value of one field, on top of a base body. */
function fieldCases(field: string, base: Record<string, unknown>, values: Array<[label: string, value: unknown]>): BadCase[] {
  return values.map(([label, value]) => ({ name: `${field}: ${label}`, payload: json({ ...base, [field]: value }), field }));
}

function nested(levels: number): Record<string, unknown> {
  let v: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < levels; i++) v = { [`l${i}`]: v };
  return v;
}

// ---------------------------------------------------------------------------------------------------------
// The matrices

/** Bodies that are not JSON at all, or JSON but not an object: field `(body)`. */
function malformedCases(endpoint: Endpoint): BadCase[] {
  const valid = JSON.stringify(VALID[endpoint]);
  const forms: Array<[string, string]> = [
    ['truncated', valid.slice(0, -1)],
    ['cut in the middle of a string', valid.slice(0, 5)],
    ['trailing comma', `${valid.slice(0, -1)},}`],
    ['single quotes', valid.replaceAll('"', "'")],
    ['unquoted key', valid.replace(/"([a-z_]+)":/, '$1:')],
    ['the word undefined', 'undefined'],
    ['an empty body', ''],
    ['only whitespace', '  \n '],
    ['two documents', `${valid}${valid}`],
    ['trailing garbage', `${valid} x`],
    ['NaN literal', '{"vip_level":NaN}'],
    ['Infinity literal', '{"vip_level":Infinity}'],
    ['hex number', '{"vip_level":0x10}'],
    ['leading zero', '{"vip_level":01}'],
    ['a comment', `/* hi */${valid}`],
    ['null', 'null'],
    ['a JSON array', `[${valid}]`],
    ['an empty array', '[]'],
    ['a JSON string', JSON.stringify(valid)],
    ['a number', '42'],
    ['a boolean', 'true'],
    // secure-json-parse refuses prototype-poisoning keys before any field is looked at, so the whole body
    // is named; the contract would also allow naming `__proto__`.
    ['a __proto__ key', `${valid.slice(0, -1)},"__proto__":{"admin":true}}`],
    ['a constructor.prototype key', `${valid.slice(0, -1)},"constructor":{"prototype":{"admin":true}}}`],
  ];
  return [
    ...forms.map(([name, text]) => ({ name, payload: raw(text), field: '(body)' })),
    ...INVALID_UTF8.map(([name, bytes]) => ({ name: `invalid UTF-8: ${name}`, payload: raw(withBytes(endpoint, bytes)), field: '(body)' })),
  ];
}

/** Byte sequences that are not UTF-8 (JSON's only encoding): once read with U+FFFD in their place and stored. */
const INVALID_UTF8: Array<[string, number[]]> = [
  ['a 0xFF byte', [0xff]],
  ['a lone continuation byte', [0x80]],
  ['a Latin-1 é (0xE9)', [0xe9]],
  ['a 2-byte sequence cut short', [0xc3]],
  ['a 3-byte sequence cut short', [0xe2, 0x82]],
  ['an overlong encoding of /', [0xc0, 0xaf]],
  ['an encoded lone surrogate (CESU-8)', [0xed, 0xa0, 0x80]],
  ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
];

/** A body each endpoint would accept (201/200) if the bytes were read as U+FFFD: they sit inside a free-text string. */
function withBytes(endpoint: Endpoint, bytes: number[]): Buffer {
  const [before, after] = {
    tenants: ['{"name":"Bad', 'Casino"}'],
    create: ['{"external_ref":"utf8-', '-ref"}'],
    patch: ['{"attributes":{"note":"a', 'b"}}'],
  }[endpoint];
  return Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);
}

const REF = { external_ref: 'bad-input-ref' };

const TENANT_CASES: BadCase[] = [
  { name: 'missing name', payload: json({}), field: 'name' },
  { name: 'missing name, mode given', payload: json({ service_mode: 'plugin' }), field: 'name' },
  { name: 'unknown field foo', payload: json({ name: 'X', foo: 1 }), field: 'foo' },
  { name: 'unknown field id', payload: json({ name: 'X', id: 'ten_01m815s5g0tv8swys7gz4j0g32' }), field: 'id' },
  { name: 'unknown field api_keys', payload: json({ name: 'X', api_keys: { admin: 'mine' } }), field: 'api_keys' },
  ...fieldCases('name', {}, [
    ['a number', 5],
    ['a boolean', true],
    ['an array', ['Acme']],
    ['an object', { en: 'Acme' }],
    ['null', null],
    ['empty', ''],
    ['201 characters', 'n'.repeat(201)],
    ['100,000 characters', 'n'.repeat(100_000)],
    ['a NUL', 'Acme\u0000Casino'],
    ['a newline', 'Acme\nCasino'],
    ['a tab', 'Acme\tCasino'],
    ['an ESC', 'Acme\u001b[31m'],
    ['a DEL', 'Acme\u007f'],
  ]),
  ...fieldCases('service_mode', { name: 'X' }, [
    ['unknown mode', 'enterprise'],
    ['wrong case', 'PLUGIN'],
    ['empty', ''],
    ['a number', 1],
    ['a boolean', true],
    ['an array', ['plugin']],
    ['null', null],
  ]),
];

const VIP_LEVEL_VALUES: Array<[string, unknown]> = [
  ['a numeric string', '2'],
  ['a boolean', true],
  ['an array', [2]],
  ['an object', { level: 2 }],
  ['null', null],
  ['negative', -1],
  ['1001', 1001],
  ['fractional 1.5', 1.5],
  ['1e300', 1e300],
  ['"NaN"', 'NaN'],
  ['"Infinity"', 'Infinity'],
  ['an empty string', ''],
];

/** Numbers JSON.stringify cannot write: sent as raw JSON text. */
function rawVipLevelCases(base: Record<string, unknown>): BadCase[] {
  const prefix = JSON.stringify(base).slice(0, -1);
  const sep = prefix === '{' ? '' : ',';
  return (
    [
      ['2^53 + 1 (not a safe integer)', '9007199254740993'],
      ['1e400 (Infinity once parsed)', '1e400'],
      ['-1e400', '-1e400'],
      ['1000.5', '1000.5'],
      ['1.0001e3 (1000.1)', '1.0001e3'],
    ] as Array<[string, string]>
  ).map(([label, text]) => ({ name: `vip_level: ${label}`, payload: raw(`${prefix}${sep}"vip_level":${text}}`), field: 'vip_level' }));
}

const TAGS_VALUES: Array<[string, unknown]> = [
  ['a string', 'vip'],
  ['an object', { 0: 'vip' }],
  ['a number', 1],
  ['null', null],
  ['a number inside', ['vip', 1]],
  ['null inside', [null]],
  ['an array inside', [['vip']]],
  ['an empty tag', ['']],
  ['a 65-character tag', ['t'.repeat(65)]],
  ['51 tags', Array.from({ length: 51 }, (_, i) => `tag-${i}`)],
  ['duplicate tags', ['vip', 'sports', 'vip']],
  ['a newline in a tag', ['vip\n']],
  ['a NUL in a tag', ['v\u0000ip']],
];

const ATTRIBUTES_VALUES: Array<[string, unknown]> = [
  ['an array', [{ segment: 'whale' }]],
  ['an empty array', []],
  ['a string', '{"segment":"whale"}'],
  ['a number', 1],
  ['a boolean', true],
  ['null', null],
  ['over 16 KiB', { blob: 'a'.repeat(16 * 1024) }],
  ['many small keys over 16 KiB', Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`key${i}`, i]))],
  ['6 levels of objects', nested(6)],
  ['6 levels through arrays', { a: [[[[[1]]]]] }],
];

const CREATE_CASES: BadCase[] = [
  { name: 'missing external_ref', payload: json({}), field: 'external_ref' },
  { name: 'missing external_ref, other fields given', payload: json({ country: 'DE', vip_level: 1 }), field: 'external_ref' },
  { name: 'unknown field foo', payload: json({ ...REF, foo: 1 }), field: 'foo' },
  { name: 'unknown field id', payload: json({ ...REF, id: 'plr_01m815s5g0tv8swys7gz4j0g32' }), field: 'id' },
  { name: 'unknown field winz_balance', payload: json({ ...REF, winz_balance: 1_000_000 }), field: 'winz_balance' },
  { name: 'self_excluded is PATCH-only', payload: json({ ...REF, self_excluded: true }), field: 'self_excluded' },
  { name: 'unknown field with a camelCase name', payload: json({ ...REF, vipLevel: 2 }), field: 'vipLevel' },
  ...fieldCases('external_ref', {}, [
    ['a number', 123],
    ['a boolean', true],
    ['an array', ['user-1']],
    ['an object', { id: 'user-1' }],
    ['null', null],
    ['empty', ''],
    ['129 characters', 'r'.repeat(129)],
    ['100,000 characters', 'r'.repeat(100_000)],
    ['a NUL', 'user\u0000-1'],
    ['a newline', 'user-1\n'],
    ['a carriage return', 'user\r-1'],
    ['a tab', 'user\t1'],
    ['an ESC', '\u001buser'],
    ['a DEL', 'user\u007f'],
  ]),
  ...fieldCases('country', REF, [
    ['lower case', 'de'],
    ['alpha-3', 'DEU'],
    ['one letter', 'D'],
    ['a digit', 'D1'],
    ['empty', ''],
    ['a number', 49],
    ['null', null],
  ]),
  ...fieldCases('currency', REF, [
    ['lower case', 'usd'],
    ['two letters', 'US'],
    ['four letters', 'EURO'],
    ['a number', 978],
    ['null', null],
  ]),
  ...fieldCases('vip_level', REF, VIP_LEVEL_VALUES),
  ...rawVipLevelCases(REF),
  ...fieldCases('registered_at', REF, [
    ['a date without time', '2026-01-01'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['day 32', '2026-01-32T00:00:00Z'],
    ['hour 25', '2026-01-01T25:00:00Z'],
    ['no time zone', '2026-01-01T00:00:00'],
    ['a space instead of T', '2026-01-01 00:00:00Z'],
    ['an offset out of range', '2026-01-01T00:00:00+25:00'],
    ['a word', 'yesterday'],
    ['a Date.toString()', 'Thu Jan 01 2026 00:00:00 GMT+0000'],
    ['epoch millis', 1_767_225_600_000],
    ['epoch millis as a string', '1767225600000'],
    ['empty', ''],
    ['null', null],
  ]),
  ...fieldCases('tags', REF, TAGS_VALUES),
  ...fieldCases('attributes', REF, ATTRIBUTES_VALUES),
];

const PATCH_CASES: BadCase[] = [
  { name: 'unknown field foo', payload: json({ foo: 1 }), field: 'foo' },
  { name: 'unknown field next to a good one', payload: json({ vip_level: 9, foo: 1 }), field: 'foo' },
  { name: 'external_ref cannot change', payload: json({ external_ref: 'renamed' }), field: 'external_ref' },
  { name: 'currency cannot change', payload: json({ currency: 'USD' }), field: 'currency' },
  { name: 'registered_at cannot change', payload: json({ registered_at: '2026-01-01T00:00:00Z' }), field: 'registered_at' },
  { name: 'id cannot change', payload: json({ id: 'plr_01m815s5g0tv8swys7gz4j0g32' }), field: 'id' },
  { name: 'stats cannot change', payload: json({ stats: { deposit_count: 5 } }), field: 'stats' },
  { name: 'winz_balance cannot change', payload: json({ winz_balance: 1_000_000 }), field: 'winz_balance' },
  ...fieldCases('vip_level', {}, VIP_LEVEL_VALUES),
  ...rawVipLevelCases({}),
  ...fieldCases('country', {}, [
    ['lower case', 'de'],
    ['alpha-3', 'DEU'],
    ['empty', ''],
    ['a number', 49],
    ['a boolean', false],
  ]),
  ...fieldCases('self_excluded', {}, [
    ['a string', 'true'],
    ['a number', 1],
    ['null', null],
    ['an array', [true]],
  ]),
  ...fieldCases('excluded_until', {}, [
    ['a date without time', '2030-01-01'],
    ['month 13', '2030-13-01T00:00:00Z'],
    ['no time zone', '2030-01-01T00:00:00'],
    ['a word', 'tomorrow'],
    ['epoch millis', 1_893_456_000_000],
    ['a boolean', true],
    ['empty', ''],
  ]),
  ...fieldCases('tags', {}, TAGS_VALUES),
  ...fieldCases('attributes', {}, ATTRIBUTES_VALUES),
];

const CASES: Record<Endpoint, BadCase[]> = {
  tenants: [...malformedCases('tenants'), ...TENANT_CASES],
  create: [...malformedCases('create'), ...CREATE_CASES],
  patch: [...malformedCases('patch'), ...PATCH_CASES],
};

const TITLES: Record<Endpoint, string> = {
  tenants: 'POST /v1/platform/tenants',
  create: 'POST /v1/players',
  patch: 'PATCH /v1/players/:player',
};

// ---------------------------------------------------------------------------------------------------------
// The tests

describe.each(ENDPOINTS)('%s: 400 validation_failed', (endpoint) => {
  it.each(CASES[endpoint])(`${TITLES[endpoint]} $name → 400 naming $field`, async ({ payload, field }) => {
    const res = await send(endpoint, payload);
    expectValidationFailed(res, field);
    if (endpoint === 'patch') expect((await acme.server.get(`/v1/players/${player.id}`)).body).toEqual(player);
  });
});

describe('400 details name every offending field at once', () => {
  it('POST /v1/players with six faults (one of them a missing field)', async () => {
    const res = await send('create', json({ vip_level: -1, country: 'de', tags: ['a', 'a'], attributes: [], foo: 1 }));
    expectError(res, 400, 'validation_failed');
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(new Set(fields)).toEqual(new Set(['external_ref', 'vip_level', 'country', 'tags', 'attributes', 'foo']));
  });

  it('PATCH /v1/players/:player with five faults leaves the player unchanged', async () => {
    const res = await send('patch', json({ vip_level: '9', country: 'it', self_excluded: 'yes', excluded_until: 'soon', bar: true }));
    expectError(res, 400, 'validation_failed');
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(new Set(fields)).toEqual(new Set(['vip_level', 'country', 'self_excluded', 'excluded_until', 'bar']));
    expect((await acme.server.get(`/v1/players/${player.id}`)).body).toEqual(player);
  });

  it('POST /v1/platform/tenants with two faults', async () => {
    const res = await send('tenants', json({ name: '', service_mode: 'saas' }));
    expectError(res, 400, 'validation_failed');
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(new Set(fields)).toEqual(new Set(['name', 'service_mode']));
  });

  it('rejects the bad value even next to valid ones (no partial PATCH)', async () => {
    const res = await send('patch', json({ vip_level: 9, country: 'IT', tags: ['new'], self_excluded: true, attributes: nested(6) }));
    expectValidationFailed(res, 'attributes');
    expect((await acme.server.get(`/v1/players/${player.id}`)).body).toEqual(player);
  });
});

describe('415 unsupported_media_type and 413 payload_too_large', () => {
  const CONTENT_TYPES = ['text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonx'];

  describe.each(ENDPOINTS)('%s', (endpoint) => {
    it.each(CONTENT_TYPES)(`${TITLES[endpoint]} with a valid JSON body sent as %s → 415`, async (contentType) => {
      const res = await send(endpoint, raw(JSON.stringify(VALID[endpoint])), { headers: { 'content-type': contentType } });
      expectError(res, 415, 'unsupported_media_type');
    });

    it(`${TITLES[endpoint]} with a form-encoded body → 415`, async () => {
      const form = new URLSearchParams(Object.entries(VALID[endpoint]).map(([k, v]): [string, string] => [k, String(v)])).toString();
      const res = await send(endpoint, raw(form), { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expectError(res, 415, 'unsupported_media_type');
    });

    it.each(['gzip', 'deflate', 'br'])(`${TITLES[endpoint]} with a valid JSON body marked Content-Encoding: %s → 415`, async (encoding) => {
      const res = await send(endpoint, raw(JSON.stringify(VALID[endpoint])), { headers: { 'content-encoding': encoding } });
      expectError(res, 415, 'unsupported_media_type');
      expect(res.body.error.message).toBe(`Content-Encoding ${encoding} is not supported; send the JSON uncompressed`);
    });

    it(`${TITLES[endpoint]} with a valid JSON body and no Content-Type → 415`, async () => {
      const res = await sendWithoutContentType(endpoint, Buffer.from(JSON.stringify(VALID[endpoint])));
      expectError(res, 415, 'unsupported_media_type');
    });

    it(`${TITLES[endpoint]} with a valid JSON body just over 1 MiB → 413`, async () => {
      const pad = 'p'.repeat(1024 * 1024);
      const body = endpoint === 'patch' ? { attributes: { pad } } : { ...VALID[endpoint], attributes: { pad } };
      const text = JSON.stringify(body);
      expect(Buffer.byteLength(text)).toBeGreaterThan(1024 * 1024);
      const path = endpoint === 'tenants' ? '/v1/platform/tenants' : endpoint === 'create' ? '/v1/players' : `/v1/players/${player.id}`;
      const res = await clientFor(endpoint).rawSocketRequest(endpoint === 'patch' ? 'PATCH' : 'POST', path, Buffer.from(text));
      expectError(res, 413, 'payload_too_large');
    });
  });
});

describe('request ids on errors', () => {
  it("echoes the caller's X-Request-Id in the header and the body", async () => {
    const res = await send('create', raw('{'), { headers: { 'x-request-id': 'caller-req.42' } });
    expectValidationFailed(res, '(body)');
    expect(res.body.request_id).toBe('caller-req.42');
  });

  it('gives every error its own request id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await send('create', json({}))).body.request_id);
    expect(ids.size).toBe(5);
  });
});

describe('authentication comes before the body', () => {
  const BAD_BODIES: Array<{ name: string; payload: Payload; headers?: Record<string, string> }> = [
    { name: 'malformed JSON', payload: raw('{"name":') },
    { name: 'an empty body', payload: raw('') },
    { name: 'a JSON array', payload: raw('[]') },
    { name: 'ill-typed fields', payload: json({ name: 5, external_ref: 5, vip_level: '2' }) },
    { name: 'unknown fields', payload: json({ foo: 1 }) },
    { name: 'a text/plain body', payload: raw('hello'), headers: { 'content-type': 'text/plain' } },
    { name: 'invalid UTF-8', payload: raw(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])) },
  ];
  const cases = ENDPOINTS.flatMap((endpoint) => BAD_BODIES.map((b) => ({ endpoint, ...b, title: `${TITLES[endpoint]} with ${b.name}` })));

  it.each(cases)('$title and no Authorization → 401', async ({ endpoint, payload, headers }) => {
    const res = await send(endpoint, payload, { headers, anonymous: true });
    expectError(res, 401, 'unauthorized');
  });

  it.each(cases)('$title and an unknown key → 401', async ({ endpoint, payload, headers }) => {
    const res = await send(endpoint, payload, { headers, key: 'wz_server_not-a-real-key' });
    expectError(res, 401, 'unauthorized');
  });

  it('a tenant key on the platform route with a bad body → 403, not 400', async () => {
    const res = await api.platform.post('/v1/platform/tenants', undefined, { raw: '{', key: acme.serverKey });
    expectError(res, 403, 'forbidden');
  });

  it('the platform key on a tenant route with a bad body → 401, not 400', async () => {
    const res = await api.platform.post('/v1/players', undefined, { raw: '{' });
    expectError(res, 401, 'unauthorized');
  });

  it('a PATCH of an unknown player with a bad body and no key → 401', async () => {
    const res = await api.http.patch('/v1/players/nobody-here', { vip_level: -1 });
    expectError(res, 401, 'unauthorized');
  });
});

describe('after the whole matrix', () => {
  it('stored nothing: no tenant, key, player or outbox event was added', async () => {
    expect(await countAll()).toEqual(rowsBefore);
  });

  it('left the fixture player exactly as it was', async () => {
    const now = await acme.server.get(`/v1/players/${player.id}`);
    expect(now.status).toBe(200);
    expect(now.body).toEqual(player);
    const { rows } = await env.pool.query("SELECT count(*)::int n FROM outbox_events WHERE data->>'id' = $1", [player.id]);
    expect(rows[0].n).toBe(1); // player.created only
  });

  it('still accepts the valid bodies the malformed cases were made from (the matrix tested the right thing)', async () => {
    const tenant = await send('tenants', json(VALID.tenants));
    expect(tenant.status).toBe(201);
    const created = await send('create', json(VALID.create));
    expect(created.status).toBe(201);
    const patched = await send('patch', json(VALID.patch));
    expect(patched.status).toBe(200);
    expect(patched.body.vip_level).toBe(7);
  });
});

describe('bodies nested too deep', () => {
  // JSON.parse takes them; anything walking them recursively afterwards would overflow the stack (a 500)
  const nested = (depth: number, leaf = '1') => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
  const WRITES: Array<{ name: string; request: (body: string) => Promise<HttpResponse> }> = [
    { name: 'POST /v1/players (attributes)', request: (b) => acme.server.post('/v1/players', undefined, { raw: `{"external_ref":"deep-${uniqueRef('r')}","attributes":${b}}` }) },
    { name: 'POST /v1/players (an unknown field)', request: (b) => acme.server.post('/v1/players', undefined, { raw: `{"external_ref":"deep-${uniqueRef('r')}","zz":${b}}` }) },
    { name: 'POST /v1/players (the whole body)', request: (b) => acme.server.post('/v1/players', undefined, { raw: b }) },
    { name: 'PATCH /v1/players/:player (attributes)', request: (b) => acme.server.patch(`/v1/players/${player.id}`, undefined, { raw: `{"attributes":${b}}` }) },
    { name: 'POST /v1/wagers (tournament_ids)', request: (b) => acme.server.post('/v1/wagers', undefined, { raw: `{"source_wager_id":"deep","external_ref":"deep","bet_amount":1,"win_amount":0,"currency":"EUR","game_code":"g","game_category":"slots","tournament_ids":[${b}]}` }) },
    { name: 'POST /v1/journeys/event (properties)', request: (b) => acme.server.post('/v1/journeys/event', undefined, { raw: `{"external_ref":"deep","trigger":"login","event_id":"deep","properties":${b}}` }) },
    { name: 'POST /v1/tournaments (scoring)', request: (b) => acme.admin.post('/v1/tournaments', undefined, { raw: `{"name":"deep","scoring":${b}}` }) },
    { name: 'POST /v1/bonus-templates (game_weights)', request: (b) => acme.admin.post('/v1/bonus-templates', undefined, { raw: `{"name":"deep","game_weights":${b}}` }) },
  ];
  const COUNTED = ['players', 'wagers', 'tournaments', 'bonus_templates', 'player_events', 'outbox_events'];
  const counts = async () => Object.fromEntries(await Promise.all(COUNTED.map(async (t) => [t, (await env.pool.query(`SELECT count(*)::int n FROM ${t}`)).rows[0].n])));

  it.each(WRITES.flatMap((w) => [65, 20_000].map((depth) => ({ ...w, depth }))))('$name nested $depth deep → 400, nothing stored', async ({ request, depth }) => {
    const before = await counts();
    const res = await request(nested(depth));
    expectValidationFailed(res, '(body)');
    expect(res.body.error.details).toEqual([{ field: '(body)', issue: 'must not nest objects and arrays more than 64 deep' }]);
    expect(await counts()).toEqual(before);
  });

  it('lets a body 64 deep through to the fields\' own rules (attributes: 5 levels)', async () => {
    // the body is one level, attributes the other 63: refused by the attributes rule, not the parser
    const before = await counts();
    const res = await acme.server.post('/v1/players', undefined, { raw: `{"external_ref":"deep-ok-${uniqueRef('r')}","attributes":${nested(63)}}` });
    expectValidationFailed(res, 'attributes');
    expect(await counts()).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Inputs that once got through (found while writing this file), each with its own storage check.

describe('inputs that slipped past validation before', () => {
  let counts: Record<string, number>;
  let fixture: unknown;
  beforeAll(async () => {
    counts = await countAll();
    fixture = (await acme.server.get(`/v1/players/${player.id}`)).body;
  });
  afterAll(async () => {
    expect(await countAll()).toEqual(counts);
    expect((await acme.server.get(`/v1/players/${player.id}`)).body).toEqual(fixture);
  });

  // class-transformer skips plain keys that name a function on the DTO (its methods toInput/toPatch and
  // everything on Object.prototype), so the whitelist alone never sees them.
  const SHADOWING_KEYS = ['constructor', 'toString', 'hasOwnProperty', 'valueOf'];

  it.each(SHADOWING_KEYS)('POST /v1/players refuses the unknown key %s', async (key) => {
    const res = await send('create', json({ external_ref: uniqueRef('bug'), [key]: 1 }));
    expectValidationFailed(res, key);
  });

  it('POST /v1/players refuses the unknown key toInput', async () => {
    const res = await send('create', json({ external_ref: uniqueRef('bug'), toInput: 1 }));
    expectValidationFailed(res, 'toInput');
  });

  it('PATCH /v1/players/:player refuses the unknown key toPatch (and changes nothing)', async () => {
    const res = await send('patch', json({ vip_level: 2, toPatch: 1 }));
    expectValidationFailed(res, 'toPatch');
  });

  it('POST /v1/platform/tenants refuses the unknown key constructor', async () => {
    const res = await send('tenants', json({ name: 'Shadow', constructor: 1 }));
    expectValidationFailed(res, 'constructor');
  });

  // Strings PostgreSQL cannot store (NUL, unpaired UTF-16 surrogates): a 400 naming the exact place, not a
  // database error.
  it.each([
    { name: 'a NUL in an attributes value', body: { attributes: { note: 'a\u0000b' } }, field: 'attributes.note' },
    { name: 'a NUL in an attributes key', body: { attributes: { 'k\u0000': 1 } }, field: 'attributes.k\u0000' },
    { name: 'a lone surrogate in attributes', body: { attributes: { note: '\ud800' } }, field: 'attributes.note' },
    { name: 'a lone surrogate in a tag', body: { tags: ['\ud800'] }, field: 'tags' },
    { name: 'a lone surrogate in external_ref', body: { external_ref: 'user-\ud800' }, field: 'external_ref' },
  ])('POST /v1/players with $name → 400, not 500', async ({ body, field }) => {
    const res = await send('create', json({ external_ref: uniqueRef('bug'), ...body }));
    expectValidationFailed(res, field);
  });

  it('PATCH /v1/players/:player with a NUL in attributes → 400, not 500', async () => {
    const res = await send('patch', json({ attributes: { note: 'a\u0000b' } }));
    expectValidationFailed(res, 'attributes.note');
  });

  // new Date() rolls an impossible date over (2026-02-30 would be stored as 2026-03-02).
  it.each(['2026-02-30T00:00:00Z', '2026-04-31T00:00:00Z', '2027-02-29T12:00:00Z'])(
    'POST /v1/players refuses the impossible registered_at %s',
    async (registeredAt) => {
      const res = await send('create', json({ external_ref: uniqueRef('bug'), registered_at: registeredAt }));
      expectValidationFailed(res, 'registered_at');
    },
  );

  it('PATCH /v1/players/:player refuses the impossible excluded_until 2030-02-30T00:00:00Z', async () => {
    const res = await send('patch', json({ excluded_until: '2030-02-30T00:00:00Z' }));
    expectValidationFailed(res, 'excluded_until');
  });

  // C1 controls U+0080..U+009F are control characters too (Unicode category Cc).
  it.each([
    { name: 'external_ref with U+0085 (NEL)', endpoint: 'create' as const, body: { external_ref: `user-${uniqueRef()}\u0085` }, field: 'external_ref' },
    { name: 'a tag with U+009B (CSI)', endpoint: 'create' as const, body: { external_ref: uniqueRef('bug'), tags: ['\u009b31m'] }, field: 'tags' },
    { name: 'a tenant name with U+0085 (NEL)', endpoint: 'tenants' as const, body: { name: 'Acme\u0085Casino' }, field: 'name' },
  ])('refuses control characters: $name', async ({ endpoint, body, field }) => {
    const res = await send(endpoint, json(body));
    expectValidationFailed(res, field);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Path ids and path segments. A NUL (%00) in an id once answered 500 internal_error (PostgreSQL cannot compare
// it); Fastify's router answered an over-long segment (414) or a bad escape (400) in its own format, without
// request_id or X-Request-Id; and an external_ref of 101 to 128 characters could not be used as :player.

describe('path ids and segments', () => {
  const NO_ID = '01m815s5g0tv8swys7gz4j0g32';
  let counts: Record<string, number>;
  let fixture: unknown;
  beforeAll(async () => {
    counts = await countAll();
    fixture = (await acme.server.get(`/v1/players/${player.id}`)).body;
  });
  afterAll(async () => {
    expect(await countAll()).toEqual(counts);
    expect((await acme.server.get(`/v1/players/${player.id}`)).body).toEqual(fixture);
  });

  interface IdRoute {
    name: string;
    request: (id: string, opts?: RequestOptions) => Promise<HttpResponse>;
  }

  /** A route of every resource with a path id, each with a body or query it would accept. */
  const ID_ROUTES: IdRoute[] = [
    { name: 'GET /v1/players/:player', request: (id, o) => acme.server.get(`/v1/players/${id}`, o) },
    { name: 'PATCH /v1/players/:player', request: (id, o) => acme.server.patch(`/v1/players/${id}`, { vip_level: 1 }, o) },
    { name: 'GET /v1/players/:player/wallet', request: (id, o) => acme.server.get(`/v1/players/${id}/wallet?limit=5`, o) },
    {
      name: 'POST /v1/players/:player/wallet/credits',
      request: (id, o) => acme.server.post(`/v1/players/${id}/wallet/credits`, { amount: 1000, idempotency_key: 'nul-credit' }, o),
    },
    { name: 'GET /v1/players/:player/bonuses', request: (id, o) => acme.server.get(`/v1/players/${id}/bonuses?limit=5`, o) },
    {
      name: 'POST /v1/players/:player/bonuses',
      request: (id, o) => acme.server.post(`/v1/players/${id}/bonuses`, { bonus_template_id: `btp_${NO_ID}`, idempotency_key: 'nul-grant' }, o),
    },
    { name: 'POST /v1/players/:player/bonuses/:bonus_id/cancel (the player)', request: (id, o) => acme.server.post(`/v1/players/${id}/bonuses/bns_${NO_ID}/cancel`, undefined, o) },
    { name: 'POST /v1/players/:player/bonuses/:bonus_id/forfeit (the bonus)', request: (id, o) => acme.server.post(`/v1/players/${player.id}/bonuses/${id}/forfeit`, undefined, o) },
    {
      name: 'POST /v1/players/:player/rewards',
      request: (id, o) => acme.admin.post(`/v1/players/${id}/rewards`, { reward: { type: 'winz', amount: 1000 }, grant_key: 'nul-reward' }, o),
    },
    { name: 'GET /v1/players/:player/journeys', request: (id, o) => acme.server.get(`/v1/players/${id}/journeys`, o) },
    { name: 'GET /v1/players/:player/lootbox-opens', request: (id, o) => acme.server.get(`/v1/players/${id}/lootbox-opens`, o) },
    { name: 'GET /v1/bonus-templates/:id', request: (id, o) => acme.admin.get(`/v1/bonus-templates/${id}`, o) },
    { name: 'DELETE /v1/bonus-templates/:id', request: (id, o) => acme.admin.delete(`/v1/bonus-templates/${id}`, o) },
    { name: 'GET /v1/journeys/:id', request: (id, o) => acme.admin.get(`/v1/journeys/${id}`, o) },
    { name: 'POST /v1/journeys/:id/deactivate', request: (id, o) => acme.admin.post(`/v1/journeys/${id}/deactivate`, undefined, o) },
    { name: 'GET /v1/lootbox/:id', request: (id, o) => acme.server.get(`/v1/lootbox/${id}`, o) },
    { name: 'POST /v1/lootbox/:id/open', request: (id, o) => acme.server.post(`/v1/lootbox/${id}/open`, { player_id: player.id, idempotency_key: 'nul-open' }, o) },
    { name: 'POST /v1/lootbox/:id/rotate-seed', request: (id, o) => acme.admin.post(`/v1/lootbox/${id}/rotate-seed`, undefined, o) },
    { name: 'GET /v1/lootbox/:id/seeds', request: (id, o) => acme.server.get(`/v1/lootbox/${id}/seeds?limit=5`, o) },
    { name: 'GET /v1/tournaments/:id', request: (id, o) => acme.server.get(`/v1/tournaments/${id}`, o) },
    {
      name: 'POST /v1/tournaments/:id/score',
      request: (id, o) => acme.server.post(`/v1/tournaments/${id}/score`, { player_id: player.id, source_wager_id: 'nul-score', bet_amount: 1000, currency: 'EUR' }, o),
    },
    { name: 'GET /v1/tournaments/:id/leaderboard/:player (the player)', request: (id, o) => acme.server.get(`/v1/tournaments/trn_${NO_ID}/leaderboard/${id}`, o) },
    { name: 'GET /v1/jackpots/:id/wins', request: (id, o) => acme.server.get(`/v1/jackpots/${id}/wins?limit=5`, o) },
    {
      name: 'POST /v1/jackpots/:id/contribute',
      request: (id, o) => acme.server.post(`/v1/jackpots/${id}/contribute`, { player_id: player.id, source_wager_id: 'nul-contribution', bet_amount: 1000, currency: 'EUR' }, o),
    },
    { name: 'DELETE /v1/webhooks/:id', request: (id, o) => acme.admin.delete(`/v1/webhooks/${id}`, o) },
    { name: 'GET /v1/webhooks/:id/deliveries', request: (id, o) => acme.admin.get(`/v1/webhooks/${id}/deliveries?limit=5`, o) },
    { name: 'POST /v1/webhooks/:id/deliveries/:delivery_id/retry (the delivery)', request: (id, o) => acme.admin.post(`/v1/webhooks/whk_${NO_ID}/deliveries/${id}/retry`, undefined, o) },
  ];

  const NUL_IDS: Array<{ label: string; make: () => string }> = [
    { label: 'ab%00cd', make: () => 'ab%00cd' },
    { label: 'only a NUL', make: () => '%00' },
    { label: "the fixture player's id with a NUL appended", make: () => `${player.id}%00` },
    { label: "the fixture player's external_ref with a NUL inside", make: () => `${player.external_ref.slice(0, 3)}%00${player.external_ref.slice(3)}` },
  ];

  it.each(ID_ROUTES.flatMap((route) => NUL_IDS.map((id) => ({ title: `${route.name} with ${id.label}`, route, id }))))(
    '$title → 404 not_found, as an unknown id',
    async ({ route, id }) => {
      const res = await route.request(id.make());
      expectError(res, 404, 'not_found');
    },
  );

  it("echoes the caller's X-Request-Id on a NUL id's 404", async () => {
    const res = await acme.server.get('/v1/lootbox/lbx_ab%00cd', { headers: { 'x-request-id': 'caller-nul.1' } });
    expectError(res, 404, 'not_found');
    expect(res.body.request_id).toBe('caller-nul.1');
  });

  // A NUL id is refused where an unknown id is: after authentication, and after the body and query.
  it.each([
    { name: 'GET /v1/players/:player with no key → 401', request: () => api.http.get('/v1/players/ab%00cd'), status: 401, code: 'unauthorized' },
    { name: 'GET /v1/lootbox/:id with an unknown key → 401', request: () => acme.server.get('/v1/lootbox/lbx_ab%00cd', { key: 'wz_server_not-a-real-key' }), status: 401, code: 'unauthorized' },
    {
      name: 'POST /v1/players/:player/rewards with a server key → 403',
      request: () => acme.server.post('/v1/players/ab%00cd/rewards', { reward: { type: 'winz', amount: 1000 }, grant_key: 'nul-reward' }),
      status: 403,
      code: 'forbidden',
    },
    { name: 'POST /v1/journeys/:id/deactivate with a server key → 403', request: () => acme.server.post('/v1/journeys/%00/deactivate'), status: 403, code: 'forbidden' },
  ])('$name, not 404', async ({ request, status, code }) => {
    expectError(await request(), status, code);
  });

  it.each([
    { name: 'PATCH /v1/players/:player with a bad body', request: () => acme.server.patch('/v1/players/ab%00cd', { vip_level: -1 }), field: 'vip_level' },
    { name: 'PATCH /v1/players/:player with malformed JSON', request: () => acme.server.patch('/v1/players/ab%00cd', undefined, { raw: '{' }), field: '(body)' },
    { name: 'POST /v1/lootbox/:id/open with a bad body', request: () => acme.server.post('/v1/lootbox/lbx_%00/open', { player_id: player.id }), field: 'idempotency_key' },
    {
      name: 'POST /v1/jackpots/:id/contribute with a bad body',
      request: () => acme.server.post('/v1/jackpots/%00/contribute', { player_id: player.id, source_wager_id: 'nul-c', bet_amount: 1.5, currency: 'EUR' }),
      field: 'bet_amount',
    },
    { name: 'GET /v1/players/:player/bonuses with a bad query', request: () => acme.server.get('/v1/players/%00/bonuses?limit=0'), field: 'limit' },
    { name: 'GET /v1/lootbox/:id/seeds with a bad query', request: () => acme.server.get('/v1/lootbox/lbx_ab%00cd/seeds?limit=abc'), field: 'limit' },
  ])('$name and a NUL id → 400 naming $field (checked first, as for an unknown id)', async ({ request, field }) => {
    expectValidationFailed(await request(), field);
  });

  // Segments Fastify's router refuses before any route runs: the API.md §1 body and X-Request-Id all the same.
  const SEGMENT_ROUTES: IdRoute[] = [
    { name: 'GET /v1/players/:player', request: (seg, o) => acme.server.get(`/v1/players/${seg}`, o) },
    { name: 'PATCH /v1/players/:player', request: (seg, o) => acme.server.patch(`/v1/players/${seg}`, { vip_level: 1 }, o) },
    { name: 'POST /v1/players/:player/bonuses', request: (seg, o) => acme.server.post(`/v1/players/${seg}/bonuses`, { bonus_template_id: `btp_${NO_ID}`, idempotency_key: 'seg-grant' }, o) },
    { name: 'GET /v1/lootbox/:id', request: (seg, o) => acme.server.get(`/v1/lootbox/lbx_${seg}`, o) },
    { name: 'GET /v1/tournaments/:id/leaderboard/:player', request: (seg, o) => acme.server.get(`/v1/tournaments/trn_${NO_ID}/leaderboard/${seg}`, o) },
    { name: 'DELETE /v1/webhooks/:id', request: (seg, o) => acme.admin.delete(`/v1/webhooks/whk_${seg}`, o) },
    { name: 'GET /v1/no-such-route/:segment', request: (seg, o) => acme.server.get(`/v1/no-such-route/${seg}`, o) },
  ];

  const OVERLONG: Array<[string, string]> = [
    ['129 characters', 'x'.repeat(129)],
    ['1000 characters', 'x'.repeat(1000)],
    ['129 percent-encoded é', '%C3%A9'.repeat(129)],
  ];
  const BADLY_ENCODED: Array<[string, string]> = [
    ['invalid UTF-8 (%FF)', 'ab%FFcd'],
    ['a lone surrogate (%ED%A0%80)', 'ab%ED%A0%80cd'],
    ['an overlong encoding (%C0%AF)', 'ab%C0%AFcd'],
    ['a broken escape (%G0)', 'ab%G0cd'],
    ['a cut escape at the end (%E)', 'abcd%E'],
  ];

  it.each(SEGMENT_ROUTES.flatMap((route) => OVERLONG.map(([label, seg]) => ({ title: `${route.name} with a segment of ${label}`, route, seg }))))(
    '$title → 404 not_found (longer than any id or external_ref)',
    async ({ route, seg }) => {
      expectError(await route.request(seg), 404, 'not_found');
    },
  );

  it.each(SEGMENT_ROUTES.flatMap((route) => BADLY_ENCODED.map(([label, seg]) => ({ title: `${route.name} with ${label}`, route, seg }))))(
    '$title → 400 validation_failed naming (path)',
    async ({ route, seg }) => {
      expectValidationFailed(await route.request(seg), '(path)');
    },
  );

  it.each([
    ['an over-long segment', 'x'.repeat(129), 404, 'not_found'],
    ['a bad escape', 'ab%FFcd', 400, 'validation_failed'],
  ] as Array<[string, string, number, string]>)("echoes the caller's X-Request-Id on %s", async (_, seg, status, code) => {
    const res = await acme.server.get(`/v1/players/${seg}`, { headers: { 'x-request-id': 'caller-router.7' } });
    expectError(res, status, code);
    expect(res.body.request_id).toBe('caller-router.7');
  });

  it('gives each router refusal its own request id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) ids.add((await acme.server.get('/v1/players/ab%FFcd')).body.request_id);
    for (let i = 0; i < 3; i++) ids.add((await acme.server.get(`/v1/players/${'x'.repeat(200)}`)).body.request_id);
    expect(ids.size).toBe(6);
  });
});

describe('an external_ref of up to 128 characters is a :player', () => {
  const REFS: Array<[string, string]> = [
    ['128 ASCII characters', `ref128-${'r'.repeat(121)}`],
    ['128 two-byte characters', 'é'.repeat(128)],
    ['128 characters with / ? # % & + and spaces', `a/b?c#d%e&f+g h-${'s'.repeat(112)}`],
  ];

  it.each(REFS)('%s: created, then read, patched and used by :player routes', async (_, ref) => {
    expect(ref.length).toBe(128);
    const created = await acme.server.post('/v1/players', { external_ref: ref });
    expect(created.status).toBe(201);
    expect(created.body.external_ref).toBe(ref);
    const path = `/v1/players/${encodeURIComponent(ref)}`;

    const read = await acme.server.get(path);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const patched = await acme.server.patch(path, { vip_level: 4 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: created.body.id, external_ref: ref, vip_level: 4 });

    const wallet = await acme.server.get(`${path}/wallet`);
    expect(wallet.status).toBe(200);
    const board = await acme.server.get(`/v1/tournaments/trn_01m815s5g0tv8swys7gz4j0g32/leaderboard/${encodeURIComponent(ref)}`);
    expectError(board, 404, 'not_found'); // the tournament is unknown; the route was reached

    // One more character names nothing (no external_ref is that long): 404, not 414.
    expectError(await acme.server.get(`${path}x`), 404, 'not_found');
  });
});

describe('a valid multi-byte UTF-8 body is still read exactly', () => {
  it('POST /v1/players stores the characters as sent (no U+FFFD)', async () => {
    const ref = `ütf8-€-𝄞-${uniqueRef()}`;
    const created = await acme.server.post('/v1/players', undefined, { raw: Buffer.from(JSON.stringify({ external_ref: ref, attributes: { note: 'naïve ☃ 🎰' } }), 'utf8') });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ external_ref: ref, attributes: { note: 'naïve ☃ 🎰' } });
    const { rows } = await env.pool.query('SELECT count(*)::int n FROM players WHERE external_ref LIKE $1', ['%\ufffd%']);
    expect(rows[0].n).toBe(0);
  });
});
