// Bad input on the webhook routes (API.md §1, §11), all admin-key only:
//   POST /v1/webhooks                       (body: url, events, description?)
//   GET  /v1/webhooks                       (query: limit, cursor)
//   GET  /v1/webhooks/:id/deliveries        (query: limit, cursor, status)
//
// Every case must answer the one error body with the right status and code, a 400 must name the offending
// field in `details`, `request_id` must equal the X-Request-Id header, and nothing may be stored: the row
// counts of webhook_endpoints, webhook_deliveries and outbox_events are taken before the whole matrix and
// compared after it. Authentication and scope are checked before the body or the query is looked at.
//
// The last block shows the matrix tested the right thing: the valid bodies and queries it was made from,
// and the boundary values next to each refused one, are accepted.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { HttpClient, HttpResponse } from '../support/http.js';
import { startApiProcess, type RunningApi } from '../support/processes.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { createTenant, type TestTenant } from '../support/factories.js';

/** A cursor of the right shape (an id) that names no item: a list answers the items before it. */
const WELL_FORMED_CURSOR = `zzz_${'z'.repeat(26)}`;
/** Such a cursor of the kind of id a list has (`zzz_` is no kind: every list refuses it). */
const cursorOf = (prefix: string) => `${prefix}_${'z'.repeat(26)}`;

let env: TestEnv;
let api: RunningApi;
let acme: TestTenant;
/** A real endpoint: the deliveries route is exercised on it, and it must be the only one listed afterwards. */
let hook: { id: string; url: string; events: string[]; description: string | null; created_at: string };
let rowsBefore: Record<string, number>;

const TABLES = ['webhook_endpoints', 'webhook_deliveries', 'outbox_events'] as const;

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
  const created = await acme.admin.post('/v1/webhooks', { url: 'https://hooks.example.com/x', events: ['*'] });
  if (created.status !== 201) throw new Error(`webhook create failed: ${created.status} ${created.text}`);
  const { secret: _secret, ...view } = created.body;
  hook = view;
  rowsBefore = await countAll();
});

afterAll(async () => {
  await api?.stop();
  await env?.close();
});

// ---------------------------------------------------------------------------------------------------------
// Requests and assertions

/** A request body: a value sent as JSON, or raw bytes sent as they are. */
type Payload = { body: unknown } | { raw: string | Buffer };

interface BadCase {
  name: string;
  payload: Payload;
  /** The field `details` must name. */
  field: string;
}

/** The body POST /v1/webhooks accepts; the malformed and wrong-media cases are made from it. */
const VALID = { url: 'https://hooks.example.com/valid', events: ['bonus.granted', 'lootbox.opened'], description: 'CRM' };
const BASE = { url: VALID.url, events: VALID.events };

const KNOWN_EVENTS = [
  'player.created',
  'bonus.granted',
  'bonus.activated',
  'bonus.completed',
  'bonus.expired',
  'winz.credited',
  'lootbox.opened',
  'journey.completed',
  'jackpot.won',
  'tournament.finished',
  'campaign.execution_completed',
  'reward.granted',
];

interface SendOptions {
  /** Send no Authorization header at all. */
  anonymous?: boolean;
  key?: string;
  headers?: Record<string, string>;
}

function clientFor(anonymous?: boolean): HttpClient {
  return anonymous ? api.http : acme.admin;
}

function create(payload: Payload, { anonymous, ...opts }: SendOptions = {}): Promise<HttpResponse> {
  const body = 'body' in payload ? payload.body : undefined;
  return clientFor(anonymous).post('/v1/webhooks', body, { ...opts, ...('raw' in payload && { raw: payload.raw }) });
}

type ListRoute = 'list' | 'deliveries';
const LIST_ROUTES: ListRoute[] = ['list', 'deliveries'];

function pathOf(route: ListRoute): string {
  return route === 'list' ? '/v1/webhooks' : `/v1/webhooks/${hook.id}/deliveries`;
}

function list(route: ListRoute, query: string, { anonymous, ...opts }: SendOptions = {}): Promise<HttpResponse> {
  return clientFor(anonymous).get(`${pathOf(route)}${query ? `?${query}` : ''}`, opts);
}

/** A request with a body and no Content-Type at all (HttpClient always adds one, fetch adds none for bytes). */
async function createWithoutContentType(bytes: Buffer): Promise<HttpResponse> {
  const res = await fetch(`${api.url}/v1/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${acme.adminKey}` },
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

/** 400 validation_failed whose `details` name exactly these fields (in any order). */
function expectFields(res: HttpResponse, fields: string[]): void {
  expectError(res, 400, 'validation_failed');
  expect(new Set(res.body.error.details.map((d: { field: string }) => d.field))).toEqual(new Set(fields));
}

const json = (body: unknown): Payload => ({ body });
const raw = (text: string | Buffer): Payload => ({ raw: text });

/** A case per value of one field, on top of a base body. */
function fieldCases(field: string, base: Record<string, unknown>, values: Array<[label: string, value: unknown]>): BadCase[] {
  return values.map(([label, value]) => ({ name: `${field}: ${label}`, payload: json({ ...base, [field]: value }), field }));
}

// ---------------------------------------------------------------------------------------------------------
// The body matrix

/** Bodies that are not JSON at all, or JSON but not an object: field `(body)`. */
function malformedCases(): BadCase[] {
  const valid = JSON.stringify(VALID);
  const url = JSON.stringify(VALID.url);
  const forms: Array<[string, string]> = [
    ['truncated', valid.slice(0, -1)],
    ['cut in the middle of a string', valid.slice(0, 12)],
    ['trailing comma', `${valid.slice(0, -1)},}`],
    ['a trailing comma in the events array', valid.replace('"lootbox.opened"]', '"lootbox.opened",]')],
    ['single quotes', valid.replaceAll('"', "'")],
    ['unquoted key', valid.replace(/"([a-z_]+)":/, '$1:')],
    ['the word undefined', 'undefined'],
    ['an empty body', ''],
    ['only whitespace', '  \n '],
    ['two documents', `${valid}${valid}`],
    ['trailing garbage', `${valid} x`],
    ['NaN literal', `{"url":${url},"events":NaN}`],
    ['Infinity literal', `{"url":${url},"events":["*"],"description":Infinity}`],
    ['hex number', `{"url":${url},"events":[0x10]}`],
    ['leading zero', `{"url":${url},"events":[01]}`],
    ['an unescaped newline inside a string', `{"url":"https://hooks.example.com/a\nb","events":["*"]}`],
    ['a comment', `/* hi */${valid}`],
    ['null', 'null'],
    ['a JSON array', `[${valid}]`],
    ['an empty array', '[]'],
    ['a JSON string', JSON.stringify(valid)],
    ['the URL alone as a JSON string', url],
    ['a number', '42'],
    ['a boolean', 'true'],
    // secure-json-parse refuses prototype-poisoning keys before any field is looked at, so the whole body
    // is named.
    ['a __proto__ key', `${valid.slice(0, -1)},"__proto__":{"admin":true}}`],
    ['a constructor.prototype key', `${valid.slice(0, -1)},"constructor":{"prototype":{"admin":true}}}`],
  ];
  return forms.map(([name, text]) => ({ name, payload: raw(text), field: '(body)' }));
}

const MISSING_AND_UNKNOWN: BadCase[] = [
  { name: 'missing url', payload: json({ events: ['*'] }), field: 'url' },
  { name: 'missing url, description given', payload: json({ events: ['*'], description: 'CRM' }), field: 'url' },
  { name: 'missing events', payload: json({ url: VALID.url }), field: 'events' },
  { name: 'missing events, description given', payload: json({ url: VALID.url, description: 'CRM' }), field: 'events' },
  { name: 'unknown field foo', payload: json({ ...BASE, foo: 1 }), field: 'foo' },
  { name: 'unknown field secret (the secret is generated, never chosen)', payload: json({ ...BASE, secret: 'whsec_mine' }), field: 'secret' },
  { name: 'unknown field id', payload: json({ ...BASE, id: 'whk_01m815s5g0tv8swys7gz4j0g32' }), field: 'id' },
  { name: 'unknown field created_at', payload: json({ ...BASE, created_at: '2026-01-01T00:00:00Z' }), field: 'created_at' },
  { name: 'unknown field tenant_id', payload: json({ ...BASE, tenant_id: 'ten_01m815s5g0tv8swys7gz4j0g32' }), field: 'tenant_id' },
  { name: 'unknown field secret_ciphertext', payload: json({ ...BASE, secret_ciphertext: 'v1.a.b.c' }), field: 'secret_ciphertext' },
  { name: 'unknown field enabled', payload: json({ ...BASE, enabled: false }), field: 'enabled' },
  { name: 'unknown field with a different case (URL)', payload: json({ ...BASE, URL: VALID.url }), field: 'URL' },
  { name: 'unknown field with a different case (Events)', payload: json({ ...BASE, Events: ['*'] }), field: 'Events' },
  { name: 'unknown field with an empty name', payload: json({ ...BASE, '': 1 }), field: '' },
  // class-transformer skips plain keys that name a function on the DTO (its method toInput, and everything
  // on Object.prototype), so the whitelist alone never sees them.
  ...['constructor', 'toInput', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'].map((key) => ({
    name: `shadowing key ${key}`,
    payload: json({ ...BASE, [key]: 1 }),
    field: key,
  })),
  { name: 'shadowing key toInput given a function-like object', payload: json({ ...BASE, toInput: { url: 'http://evil.example/' } }), field: 'toInput' },
  { name: 'shadowing key constructor given an object', payload: json({ ...BASE, constructor: { name: 'x' } }), field: 'constructor' },
];

const H = 'https://hooks.example.com/';

const URL_CASES: BadCase[] = fieldCases('url', { events: ['*'] }, [
  // ill-typed
  ['a number', 42],
  ['a boolean', true],
  ['false', false],
  ['an array', [H]],
  ['an empty array', []],
  ['an object', { href: H }],
  ['an empty object', {}],
  ['null', null],
  // not http(s)
  ['ftp:', 'ftp://hooks.example.com/x'],
  ['javascript:', 'javascript:alert(1)'],
  ['javascript: with //', 'javascript://hooks.example.com/%0Aalert(1)'],
  ['file:', 'file:///etc/passwd'],
  ['mailto:', 'mailto:ops@example.com'],
  ['data:', 'data:text/plain,hello'],
  ['ws:', 'ws://hooks.example.com/x'],
  ['gopher:', 'gopher://hooks.example.com/x'],
  ['a made-up scheme', 'webhook://hooks.example.com/x'],
  // not absolute
  ['no scheme', 'hooks.example.com/x'],
  ['scheme-relative', '//hooks.example.com/x'],
  ['a relative path', '/v1/hook'],
  ['a dot-relative path', './hook'],
  ['a bare word', 'hook'],
  ['no host', 'http://'],
  ['no host, a path', 'https://?x=1'],
  // ill-formed
  ['a space in the host', 'https://hooks example.com/x'],
  ['only spaces', '   '],
  ['a port out of range', 'https://hooks.example.com:99999/x'],
  ['a non-numeric port', 'https://hooks.example.com:port/x'],
  ['an unterminated IPv6 literal', 'http://[::1/x'],
  ['a < in the host', 'https://hooks<example.com/x'],
  // credentials
  ['credentials user:pass@', 'https://user:pass@hooks.example.com/x'],
  ['a user name only', 'https://user@hooks.example.com/x'],
  ['a password only', 'https://:pass@hooks.example.com/x'],
  ['percent-encoded credentials', 'https://us%40er:p%3Ass@hooks.example.com/x'],
  ['credentials on http', 'http://admin:admin@hooks.example.com/x'],
  // length and content
  ['an empty string', ''],
  ['2049 characters', H + 'a'.repeat(2049 - H.length)],
  ['100,000 characters', H + 'a'.repeat(100_000)],
  ['a NUL in the path', `${H}a\u0000b`],
  ['a NUL in the host', 'https://hooks.exa\u0000mple.com/x'],
  ['a control character (SOH) in the host', 'https://hooks.exa\u0001mple.com/x'],
  ['an ESC in the host', 'https://hooks\u001b.example.com/x'],
  ['a DEL in the host', 'https://hooks\u007f.example.com/x'],
  ['a lone surrogate', `${H}\ud800`],
  // the URL parser would silently strip or encode these while the raw string was stored
  ['a newline in the path', `${H}a\nb`],
  ['a tab in the path', `${H}a\tb`],
  ['a SOH in the path', `${H}a\u0001b`],
  ['a leading control character', `\u0001${H}x`],
  ['a leading space', ` ${H}x`],
  ['a trailing space', `${H}x `],
  ['a space in the path', `${H}a b`],
  ['a DEL in the path', `${H}a\u007fb`],
  ['a C1 control (U+0085) in the path', `${H}a\u0085b`],
  ['no slashes after the scheme', 'https:hooks.example.com/x'],
  ['one slash after the scheme', 'https:/hooks.example.com/x'],
]);

const EVENTS_CASES: BadCase[] = fieldCases('events', { url: VALID.url }, [
  // ill-typed
  ['a string', 'bonus.granted'],
  ['the string "*"', '*'],
  ['a number', 1],
  ['a boolean', true],
  ['null', null],
  ['an object', { type: 'bonus.granted' }],
  ['an array-like object', { 0: 'bonus.granted', length: 1 }],
  ['an empty object', {}],
  // unknown or wrongly written types
  ['an unknown type', ['player.deleted']],
  ['a misspelt type', ['bonus.grantd']],
  ['wrong case Bonus.Granted', ['Bonus.Granted']],
  ['upper case', ['BONUS.GRANTED']],
  ['a trailing space', ['bonus.granted ']],
  ['a wildcard pattern bonus.*', ['bonus.*']],
  ['the word all', ['all']],
  ['a double star', ['**']],
  ['an empty string', ['']],
  ['a known type next to an unknown one', ['bonus.granted', 'bonus.revoked']],
  // "*" must be alone
  ['"*" then a type', ['*', 'bonus.granted']],
  ['a type then "*"', ['bonus.granted', '*']],
  ['"*" twice', ['*', '*']],
  ['"*" with every type', ['*', ...KNOWN_EVENTS]],
  // size
  ['an empty array', []],
  [`every known type plus two repeats (${KNOWN_EVENTS.length + 2} entries)`, [...KNOWN_EVENTS, 'bonus.granted', 'lootbox.opened']],
  [`every known type twice (${KNOWN_EVENTS.length * 2} entries)`, [...KNOWN_EVENTS, ...KNOWN_EVENTS]],
  ['1000 entries', Array.from({ length: 1000 }, () => 'bonus.granted')],
  // non-strings inside
  ['a number inside', [1]],
  ['null inside', [null]],
  ['a boolean inside', [true]],
  ['an array inside', [['bonus.granted']]],
  ['an object inside', [{ type: 'bonus.granted' }]],
  ['a good type and a number', ['bonus.granted', 1]],
]);

const DESCRIPTION_CASES: BadCase[] = fieldCases('description', BASE, [
  ['null', null],
  ['a number', 5],
  ['a boolean', true],
  ['an array', ['CRM']],
  ['an object', { en: 'CRM' }],
  ['501 characters', 'd'.repeat(501)],
  ['100,000 characters', 'd'.repeat(100_000)],
  ['a NUL', 'CRM\u0000hook'],
  ['a newline', 'CRM\nhook'],
  ['a carriage return', 'CRM\rhook'],
  ['a tab', 'CRM\thook'],
  ['an ESC', 'CRM\u001b[31m'],
  ['a DEL', 'CRM\u007f'],
  ['U+0085 (NEL)', 'CRM\u0085hook'],
  ['U+009B (CSI)', '\u009b31mCRM'],
  ['a lone surrogate', 'CRM \ud800'],
]);

const BODY_CASES: BadCase[] = [...malformedCases(), ...MISSING_AND_UNKNOWN, ...URL_CASES, ...EVENTS_CASES, ...DESCRIPTION_CASES];

// ---------------------------------------------------------------------------------------------------------
// The query matrix

interface QueryCase {
  name: string;
  query: string;
  field: string;
}

const PAGE_QUERY_CASES: QueryCase[] = [
  { name: 'limit 0', query: 'limit=0', field: 'limit' },
  { name: 'limit 501', query: 'limit=501', field: 'limit' },
  { name: 'limit -1', query: 'limit=-1', field: 'limit' },
  { name: 'limit 1.5', query: 'limit=1.5', field: 'limit' },
  { name: 'limit 0x10 (hex)', query: 'limit=0x10', field: 'limit' },
  { name: 'limit 1e2 (exponent)', query: 'limit=1e2', field: 'limit' },
  { name: 'limit +5', query: 'limit=%2B5', field: 'limit' },
  { name: 'limit 5.0', query: 'limit=5.0', field: 'limit' },
  { name: 'limit with a leading space', query: 'limit=%205', field: 'limit' },
  { name: 'limit abc', query: 'limit=abc', field: 'limit' },
  { name: 'limit empty', query: 'limit=', field: 'limit' },
  { name: 'limit without =', query: 'limit', field: 'limit' },
  { name: 'limit a space', query: 'limit=%20', field: 'limit' },
  { name: 'limit NaN', query: 'limit=NaN', field: 'limit' },
  { name: 'limit Infinity', query: 'limit=Infinity', field: 'limit' },
  { name: 'limit 1e400', query: 'limit=1e400', field: 'limit' },
  { name: 'limit 2^53 + 1', query: 'limit=9007199254740993', field: 'limit' },
  { name: 'limit given twice', query: 'limit=1&limit=2', field: 'limit' },
  { name: 'limit given twice with the same value', query: 'limit=5&limit=5', field: 'limit' },
  { name: 'limit with brackets (an array)', query: 'limit[]=5', field: 'limit[]' },
  { name: 'cursor empty', query: 'cursor=', field: 'cursor' },
  { name: 'cursor without =', query: 'cursor', field: 'cursor' },
  { name: 'cursor 65 characters', query: `cursor=${'c'.repeat(65)}`, field: 'cursor' },
  { name: 'cursor 64 characters', query: `cursor=${'c'.repeat(64)}`, field: 'cursor' },
  { name: 'cursor an id and more', query: `cursor=${WELL_FORMED_CURSOR}x`, field: 'cursor' },
  { name: 'cursor an id of no kind', query: `cursor=${WELL_FORMED_CURSOR}`, field: 'cursor' },
  { name: 'cursor the id of a player', query: `cursor=${cursorOf('plr')}`, field: 'cursor' },
  { name: 'cursor not an id', query: 'cursor=garbage', field: 'cursor' },
  { name: 'cursor 1000 characters', query: `cursor=${'c'.repeat(1000)}`, field: 'cursor' },
  { name: 'cursor given twice', query: 'cursor=a&cursor=b', field: 'cursor' },
  { name: 'cursor with a newline', query: 'cursor=ab%0Acd', field: 'cursor' },
  { name: 'cursor with a NUL', query: 'cursor=ab%00cd', field: 'cursor' },
  { name: 'unknown parameter foo', query: 'foo=1', field: 'foo' },
  { name: 'unknown parameter next to a good one', query: 'limit=5&foo=1', field: 'foo' },
  { name: 'unknown parameter page', query: 'page=2', field: 'page' },
  { name: 'unknown parameter offset', query: 'offset=10', field: 'offset' },
  { name: 'unknown parameter with a different case (Limit)', query: 'Limit=5', field: 'Limit' },
  { name: 'unknown parameter constructor', query: 'constructor=1', field: 'constructor' },
  { name: 'unknown parameter __proto__', query: '__proto__=1', field: '__proto__' },
  { name: 'unknown parameter toPageRequest (a DTO method)', query: 'toPageRequest=1', field: 'toPageRequest' },
  { name: 'unknown parameter without a value', query: 'verbose', field: 'verbose' },
];

const QUERY_CASES: Record<ListRoute, QueryCase[]> = {
  list: [...PAGE_QUERY_CASES, { name: 'status is not a parameter of the endpoint list', query: 'status=pending', field: 'status' }],
  deliveries: [
    ...PAGE_QUERY_CASES,
    { name: 'status done', query: 'status=done', field: 'status' },
    { name: 'status PENDING', query: 'status=PENDING', field: 'status' },
    { name: 'status Succeeded', query: 'status=Succeeded', field: 'status' },
    { name: 'status empty', query: 'status=', field: 'status' },
    { name: 'status given twice', query: 'status=pending&status=failed', field: 'status' },
    { name: 'status as a list', query: 'status=pending,failed', field: 'status' },
    { name: 'status with a trailing space', query: 'status=pending%20', field: 'status' },
  ],
};

const ROUTE_TITLES: Record<ListRoute, string> = {
  list: 'GET /v1/webhooks',
  deliveries: 'GET /v1/webhooks/:id/deliveries',
};

// ---------------------------------------------------------------------------------------------------------
// The tests

describe('POST /v1/webhooks: 400 validation_failed', () => {
  it.each(BODY_CASES)('$name → 400 naming $field', async ({ payload, field }) => {
    const res = await create(payload);
    expectValidationFailed(res, field);
  });
});

describe.each(LIST_ROUTES)('%s: 400 validation_failed on the query string', (route) => {
  it.each(QUERY_CASES[route])(`${ROUTE_TITLES[route]}?$query ($name) → 400 naming $field`, async ({ query, field }) => {
    const res = await list(route, query);
    expectValidationFailed(res, field);
  });
});

describe('400 details name every offending field at once', () => {
  it('POST /v1/webhooks with four faults', async () => {
    const res = await create(json({ url: 'ftp://hooks.example.com/x', events: [], description: null, foo: 1 }));
    expectFields(res, ['url', 'events', 'description', 'foo']);
  });

  it('POST /v1/webhooks with an empty object names both required fields', async () => {
    const res = await create(json({}));
    expectFields(res, ['url', 'events']);
  });

  it('POST /v1/webhooks with null everywhere', async () => {
    const res = await create(json({ url: null, events: null, description: null }));
    expectFields(res, ['url', 'events', 'description']);
  });

  it('POST /v1/webhooks with a shadowing key and a bad value', async () => {
    const res = await create(json({ url: 'https://user:pass@hooks.example.com/x', events: ['Bonus.Granted'], toInput: 1, constructor: 1 }));
    expectFields(res, ['url', 'events', 'toInput', 'constructor']);
  });

  it('POST /v1/webhooks with a different-case key in place of the real one names both', async () => {
    const res = await create(json({ url: VALID.url, Events: ['*'] }));
    expectFields(res, ['events', 'Events']);
  });

  it('GET /v1/webhooks with a bad limit, a bad cursor and an unknown parameter', async () => {
    const res = await list('list', `limit=0&cursor=${'c'.repeat(65)}&foo=1`);
    expectFields(res, ['limit', 'cursor', 'foo']);
  });

  it('GET /v1/webhooks/:id/deliveries with a bad limit, a bad status and an unknown parameter', async () => {
    const res = await list('deliveries', 'limit=abc&status=done&foo=1');
    expectFields(res, ['limit', 'status', 'foo']);
  });
});

describe('415 unsupported_media_type and 413 payload_too_large', () => {
  const CONTENT_TYPES = [
    'text/plain',
    'text/plain; charset=utf-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'application/jsonx',
    'application/octet-stream',
  ];

  it.each(CONTENT_TYPES)('POST /v1/webhooks with a valid JSON body sent as %s → 415', async (contentType) => {
    const res = await create(raw(JSON.stringify(VALID)), { headers: { 'content-type': contentType } });
    expectError(res, 415, 'unsupported_media_type');
  });

  it('POST /v1/webhooks with a form-encoded body → 415', async () => {
    const form = new URLSearchParams({ url: VALID.url, events: 'bonus.granted', description: 'CRM' }).toString();
    const res = await create(raw(form), { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectError(res, 415, 'unsupported_media_type');
  });

  it('POST /v1/webhooks with a valid JSON body and no Content-Type → 415', async () => {
    const res = await createWithoutContentType(Buffer.from(JSON.stringify(VALID)));
    expectError(res, 415, 'unsupported_media_type');
  });

  it('POST /v1/webhooks with a JSON body just over 1 MiB → 413 (not a 400 about the description)', async () => {
    const text = JSON.stringify({ ...VALID, description: 'p'.repeat(1024 * 1024) });
    expect(Buffer.byteLength(text)).toBeGreaterThan(1024 * 1024);
    const res = await acme.admin.rawSocketRequest('POST', '/v1/webhooks', Buffer.from(text));
    expectError(res, 413, 'payload_too_large');
  });

  it('POST /v1/webhooks with a 1 MiB events array → 413', async () => {
    const events = Array.from({ length: 80_000 }, () => 'bonus.granted');
    const text = JSON.stringify({ url: VALID.url, events });
    expect(Buffer.byteLength(text)).toBeGreaterThan(1024 * 1024);
    const res = await acme.admin.rawSocketRequest('POST', '/v1/webhooks', Buffer.from(text));
    expectError(res, 413, 'payload_too_large');
  });
});

describe('request ids on errors', () => {
  it("echoes the caller's X-Request-Id in the header and the body of a body 400", async () => {
    const res = await create(raw('{'), { headers: { 'x-request-id': 'caller-req.webhooks-1' } });
    expectValidationFailed(res, '(body)');
    expect(res.body.request_id).toBe('caller-req.webhooks-1');
  });

  it("echoes the caller's X-Request-Id on a query 400", async () => {
    const res = await list('deliveries', 'status=done', { headers: { 'x-request-id': 'caller-req.webhooks-2' } });
    expectValidationFailed(res, 'status');
    expect(res.body.request_id).toBe('caller-req.webhooks-2');
  });

  it('gives every error its own request id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await create(json({ url: VALID.url }))).body.request_id);
    expect(ids.size).toBe(5);
  });
});

describe('authentication and scope come before the body and the query', () => {
  const BAD_BODIES: Array<{ name: string; payload: Payload; headers?: Record<string, string> }> = [
    { name: 'malformed JSON', payload: raw('{"url":') },
    { name: 'an empty body', payload: raw('') },
    { name: 'a JSON array', payload: raw('[]') },
    { name: 'a __proto__ key', payload: raw('{"url":"https://hooks.example.com/x","events":["*"],"__proto__":{"a":1}}') },
    { name: 'missing fields', payload: json({}) },
    { name: 'ill-typed fields', payload: json({ url: 5, events: 'bonus.granted', description: null }) },
    { name: 'a bad URL and bad events', payload: json({ url: 'javascript:alert(1)', events: ['Bonus.Granted'] }) },
    { name: 'unknown and shadowing fields', payload: json({ ...BASE, secret: 'mine', toInput: 1 }) },
    { name: 'a text/plain body', payload: raw('hello'), headers: { 'content-type': 'text/plain' } },
  ];
  const BAD_QUERIES: Array<{ route: ListRoute; query: string }> = [
    { route: 'list', query: 'limit=0' },
    { route: 'list', query: 'foo=1' },
    { route: 'deliveries', query: 'status=done' },
    { route: 'deliveries', query: `cursor=${'c'.repeat(65)}&limit=abc` },
  ];

  it.each(BAD_BODIES)('POST /v1/webhooks with $name and no Authorization → 401', async ({ payload, headers }) => {
    const res = await create(payload, { headers, anonymous: true });
    expectError(res, 401, 'unauthorized');
  });

  it.each(BAD_BODIES)('POST /v1/webhooks with $name and an unknown key → 401', async ({ payload, headers }) => {
    const res = await create(payload, { headers, key: 'wz_admin_not-a-real-key' });
    expectError(res, 401, 'unauthorized');
  });

  it.each(BAD_BODIES)("POST /v1/webhooks with $name and the tenant's server key → 403", async ({ payload, headers }) => {
    const res = await create(payload, { headers, key: acme.serverKey });
    expectError(res, 403, 'forbidden');
  });

  it.each(BAD_BODIES)('POST /v1/webhooks with $name and the platform key → 401 (not a tenant key)', async ({ payload, headers }) => {
    const res = await api.platform.post('/v1/webhooks', 'body' in payload ? payload.body : undefined, {
      headers,
      ...('raw' in payload && { raw: payload.raw }),
    });
    expectError(res, 401, 'unauthorized');
  });

  it.each(BAD_QUERIES)('GET $route?$query with no Authorization → 401', async ({ route, query }) => {
    const res = await list(route, query, { anonymous: true });
    expectError(res, 401, 'unauthorized');
  });

  // Reads are open to the server key (API.md §1): a bad query is its 400, as for the admin key.
  it.each(BAD_QUERIES)("GET $route?$query with the tenant's server key → the admin key's 400", async ({ route, query }) => {
    const asServer = await list(route, query, { key: acme.serverKey });
    const asAdmin = await list(route, query, { key: acme.adminKey });
    expectError(asServer, 400, 'validation_failed');
    expect(asServer.body.error.details).toEqual(asAdmin.body.error.details);
  });
});

describe('after the whole matrix', () => {
  it('stored nothing: no endpoint, delivery or outbox event was added', async () => {
    expect(await countAll()).toEqual(rowsBefore);
  });

  it('still lists exactly the one fixture endpoint, unchanged', async () => {
    const res = await acme.admin.get('/v1/webhooks');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [hook], next_cursor: null });
  });

  it('still accepts the valid body the malformed cases were made from (the matrix tested the right thing)', async () => {
    const res = await create(json(VALID));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^whk_/),
      ...VALID,
      created_at: expect.any(String),
      secret: expect.stringMatching(/^whsec_/),
    });
  });

  it('still answers the valid queries the bad ones were made from', async () => {
    // limit=1 on the two endpoints that exist now gives one of them and a next_cursor
    const first = await list('list', 'limit=1');
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(1);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    for (const [route, query] of [
      ['list', `cursor=${first.body.next_cursor}`],
      ['list', 'limit=500'],
      ['list', `cursor=${cursorOf('whk')}`],
      ['deliveries', 'limit=1&status=pending'],
      ['deliveries', 'status=succeeded'],
      ['deliveries', 'status=failed'],
      ['deliveries', `limit=500&cursor=${cursorOf('dlv')}`],
    ] as Array<[ListRoute, string]>) {
      const res = await list(route, query);
      expect({ route, query, status: res.status }).toEqual({ route, query, status: 200 });
      expect(Object.keys(res.body).sort()).toEqual(['data', 'next_cursor']);
      expect(Array.isArray(res.body.data)).toBe(true);
    }
  });

  it.each([
    { name: 'a URL of exactly 2048 characters', body: { url: H + 'a'.repeat(2048 - H.length), events: ['*'] } },
    { name: 'a plain http URL with a port, query and fragment', body: { url: 'http://hooks.example.com:8080/x?y=1#z', events: ['*'] } },
    { name: 'an empty description', body: { ...BASE, description: '' } },
    { name: 'a description of exactly 500 characters', body: { ...BASE, description: 'd'.repeat(500) } },
    { name: 'a description with non-ASCII text', body: { ...BASE, description: 'Boni für VIPs — 🎰' } },
    { name: 'every known event type', body: { url: VALID.url, events: KNOWN_EVENTS } },
    { name: 'duplicate event types', body: { url: VALID.url, events: ['bonus.granted', 'bonus.granted'] } },
  ])('accepts the boundary value: $name', async ({ body }) => {
    const res = await create(json(body));
    expect(res.status).toBe(201);
    expect(res.body.url).toBe(body.url);
    expect(new Set(res.body.events)).toEqual(new Set(body.events));
  });
});
