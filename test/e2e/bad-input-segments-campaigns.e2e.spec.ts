// Bad input on segments and campaigns (API.md §1, §2, §10), all with the admin key:
//   POST /v1/segments                               PATCH /v1/segments/:id
//   POST /v1/campaigns                              PATCH /v1/campaigns/:id
//   POST /v1/campaigns/:id/executions
// and the query strings and path ids of GET /v1/segments, /v1/segments/:id, /v1/segments/:id/preview,
// DELETE /v1/segments/:id, GET /v1/campaigns, /v1/campaigns/:id, /v1/campaigns/:id/executions,
// /v1/campaigns/:id/executions/:execution_id and DELETE /v1/campaigns/:id.
//
// Every case must answer the one error body with the right status and code, a 400 must name the offending
// field(s) in `details` (a rule that does not parse: the field `rule`, its 0-based `position` and what was
// `expected` there), `request_id` must equal the X-Request-Id header, and nothing may change: the row counts of
// the segment, campaign and execution tables (and of the grants, bonuses, ledger, players and outbox_events an
// execution would write) and a digest of every segment, campaign and execution row are taken before and after
// every refused request, and before and after the whole matrix. Authentication and scope come before the body.
//
// No worker runs: an execution stays queued, so nothing is ever granted.
//
// The last blocks show the matrix tested the right thing: the valid bodies the bad ones were made from, and
// the boundary values next to the refused ones, are accepted.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { HttpClient, HttpResponse } from '../support/http.js';
import { startApiProcess, type RunningApi } from '../support/processes.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { createPlayer, createTenant, type TestTenant } from '../support/factories.js';
import { expectError, expectFields, expectValidationFailed, without } from '../support/bad-input.js';

/** A cursor of the right shape (an id) that names no item: a list answers the items before it. */
const WELL_FORMED_CURSOR = `zzz_${'z'.repeat(26)}`;
/** Such a cursor of the kind of id a list has (`zzz_` is no kind: every list refuses it). */
const cursorOf = (prefix: string) => `${prefix}_${'z'.repeat(26)}`;

let env: TestEnv;
let api: RunningApi;
let acme: TestTenant;
/** Another tenant, whose objects acme must not reach (404, never a leak). */
let other: TestTenant;
/** acme's players: two match the fixture segment (vip 3 in DE, vip 5 in AT), one does not (vip 1 in DE). */
let players: any[];
/** acme's bonus template and lootbox (the rewards that name an object), and the other tenant's. */
let template: any;
let box: any;
let otherTemplate: any;
let otherBox: any;
/** The segment every campaign case names, and the campaign (scheduled, one execution) every id case targets. */
let segment: any;
let campaign: any;
let execution: any;
/** A second acme campaign: it ran once ('sibling-run-1') and was then deactivated. */
let sibling: any;
/** The other tenant's segment, campaign and execution. */
let otherSegment: any;
let otherCampaign: any;
let otherExecution: any;
let rowsBefore: Record<string, number | string>;

/** Well-formed ids that name nothing. */
const NO_SEGMENT = 'seg_01m815s5g0tv8swys7gz4j0g32';
const NO_CAMPAIGN = 'cmp_01m815s5g0tv8swys7gz4j0g32';
const NO_TEMPLATE = 'btp_01m815s5g0tv8swys7gz4j0g32';
const NO_BOX = 'lbx_01m815s5g0tv8swys7gz4j0g32';
const FIXTURE_RUN = 'fixture-run-1';

const TABLES = [
  'segments',
  'campaigns',
  'campaign_executions',
  'campaign_execution_members',
  'reward_grants',
  'bonus_grants',
  'ledger_transactions',
  'ledger_entries',
  'players',
  'outbox_events',
] as const;

/** Tables whose rows a refused PATCH could change without adding one: every row is folded into a digest. */
const DIGESTS = ['segments', 'campaigns', 'campaign_executions'] as const;

/** Every count and digest in one round trip (it runs around each of the many refused requests). */
const COUNT_SQL = `SELECT ${[
  ...TABLES.map((t) => `(SELECT count(*) FROM ${t})::int AS ${t}`),
  ...DIGESTS.map((t) => `(SELECT coalesce(md5(string_agg(r::text, '|' ORDER BY r.id)), '') FROM ${t} r) AS ${t}_digest`),
].join(', ')}`;

async function countAll(): Promise<Record<string, number | string>> {
  const { rows } = await env.pool.query<Record<string, number | string>>(COUNT_SQL);
  return { ...rows[0] };
}

/** The request, with the row counts and digests checked unchanged around it. */
async function storingNothing(request: () => Promise<HttpResponse>): Promise<HttpResponse> {
  const before = await countAll();
  const res = await request();
  expect(await countAll()).toEqual(before);
  return res;
}

async function created(res: Promise<HttpResponse>, what: string, status = 201): Promise<any> {
  const r = await res;
  if (r.status !== status) throw new Error(`${what} failed: ${r.status} ${r.text}`);
  return r.body;
}

beforeAll(async () => {
  env = await createTestEnv();
  api = await startApiProcess(env.env);
  acme = await createTenant(api.platform, 'Acme');
  other = await createTenant(api.platform, 'Other');
  players = [
    await createPlayer(acme.server, { external_ref: 'bad-input-sc-vip3', vip_level: 3, country: 'DE', currency: 'EUR' }),
    await createPlayer(acme.server, { external_ref: 'bad-input-sc-vip1', vip_level: 1, country: 'DE', currency: 'EUR' }),
    await createPlayer(acme.server, { external_ref: 'bad-input-sc-vip5', vip_level: 5, country: 'AT', currency: 'EUR' }),
  ];
  template = await created(acme.admin.post('/v1/bonus-templates', TEMPLATE), 'template');
  box = await created(acme.admin.post('/v1/lootbox', LOOTBOX), 'lootbox');
  otherTemplate = await created(other.admin.post('/v1/bonus-templates', TEMPLATE), 'other template');
  otherBox = await created(other.admin.post('/v1/lootbox', LOOTBOX), 'other lootbox');
  segment = await created(acme.admin.post('/v1/segments', FIXTURE_SEGMENT), 'segment');
  campaign = await created(acme.admin.post('/v1/campaigns', { ...CAMPAIGN_BASE, name: 'Fixture reload', segment_id: segment.id }), 'campaign');
  execution = await created(acme.admin.post(`/v1/campaigns/${campaign.id}/executions`, { execution_id: FIXTURE_RUN }), 'execution', 202);
  sibling = await created(acme.admin.post('/v1/campaigns', { name: 'Sibling', segment_id: segment.id, reward: { type: 'bonus', bonus_template_id: template.id } }), 'sibling');
  await created(acme.admin.post(`/v1/campaigns/${sibling.id}/executions`, { execution_id: 'sibling-run-1' }), 'sibling execution', 202);
  sibling = await created(acme.admin.patch(`/v1/campaigns/${sibling.id}`, { active: false }), 'sibling deactivation', 200);
  otherSegment = await created(other.admin.post('/v1/segments', FIXTURE_SEGMENT), 'other segment');
  otherCampaign = await created(other.admin.post('/v1/campaigns', { ...CAMPAIGN_BASE, segment_id: otherSegment.id }), 'other campaign');
  otherExecution = await created(other.admin.post(`/v1/campaigns/${otherCampaign.id}/executions`, { execution_id: 'other-run-1' }), 'other execution', 202);
  rowsBefore = await countAll();
});

afterAll(async () => {
  await api?.stop();
  await env?.close();
});

// ---------------------------------------------------------------------------------------------------------
// Endpoints and assertions

type Endpoint = 'segment' | 'segmentPatch' | 'campaign' | 'campaignPatch' | 'execute';
const ENDPOINTS: Endpoint[] = ['segment', 'segmentPatch', 'campaign', 'campaignPatch', 'execute'];

const TITLES: Record<Endpoint, string> = {
  segment: 'POST /v1/segments',
  segmentPatch: 'PATCH /v1/segments/:id',
  campaign: 'POST /v1/campaigns',
  campaignPatch: 'PATCH /v1/campaigns/:id',
  execute: 'POST /v1/campaigns/:id/executions',
};

const METHODS: Record<Endpoint, 'POST' | 'PATCH'> = { segment: 'POST', segmentPatch: 'PATCH', campaign: 'POST', campaignPatch: 'PATCH', execute: 'POST' };

function pathOf(endpoint: Endpoint): string {
  switch (endpoint) {
    case 'segment':
      return '/v1/segments';
    case 'segmentPatch':
      return `/v1/segments/${segment.id}`;
    case 'campaign':
      return '/v1/campaigns';
    case 'campaignPatch':
      return `/v1/campaigns/${campaign.id}`;
    case 'execute':
      return `/v1/campaigns/${campaign.id}/executions`;
  }
}

/** Every route here is an admin route. */
function clientFor(_endpoint: Endpoint): HttpClient {
  return acme.admin;
}

/**
 * A request body: a value sent as JSON, raw bytes sent as they are, or a value (or raw text) made when the
 * request is sent (bodies that name the fixtures, which exist only once the API runs).
 */
type Payload = { body: unknown } | { raw: string | Buffer } | { lazy: () => unknown } | { lazyRaw: () => string };

interface BadCase {
  name: string;
  payload: Payload;
  /** The field(s) `details` must name, exactly. */
  fields: string[];
}

interface SendOptions {
  /** Send no Authorization header at all. */
  anonymous?: boolean;
  key?: string;
  headers?: Record<string, string>;
}

function bodyOf(payload: Payload): { raw?: string | Buffer; body?: unknown } {
  if ('raw' in payload) return { raw: payload.raw };
  if ('lazyRaw' in payload) return { raw: payload.lazyRaw() };
  return { body: 'lazy' in payload ? payload.lazy() : payload.body };
}

function request(client: HttpClient, method: string, path: string, payload: Payload, opts: Omit<SendOptions, 'anonymous'> = {}): Promise<HttpResponse> {
  const { raw: rawBody, body } = bodyOf(payload);
  return rawBody !== undefined ? client.request(method, path, undefined, { ...opts, raw: rawBody }) : client.request(method, path, body, opts);
}

function send(endpoint: Endpoint, payload: Payload, { anonymous, ...opts }: SendOptions = {}): Promise<HttpResponse> {
  return request(anonymous ? api.http : clientFor(endpoint), METHODS[endpoint], pathOf(endpoint), payload, opts);
}

/** A request with a body and no Content-Type at all (HttpClient always adds one, fetch adds none for bytes). */
async function sendWithoutContentType(endpoint: Endpoint, bytes: Buffer): Promise<HttpResponse> {
  const res = await fetch(`${api.url}${pathOf(endpoint)}`, {
    method: METHODS[endpoint],
    headers: { authorization: `Bearer ${clientFor(endpoint).defaultKey}` },
    body: new Uint8Array(bytes),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined, text };
}

/**
 * 400 validation_failed for a rule that does not parse: one detail naming `rule`, with the 0-based position
 * and what was expected there (exactly `expected`, when given), and the issue saying where.
 */
function expectRuleError(res: HttpResponse, position: number, expected?: string[]): void {
  expectError(res, 400, 'validation_failed');
  expect(res.body.error.details).toEqual([{ field: 'rule', issue: expect.any(String), position, expected: expected ?? expect.any(Array) }]);
  const detail = res.body.error.details[0];
  expect(detail.expected.length).toBeGreaterThan(0);
  for (const e of detail.expected) expect(typeof e).toBe('string');
  expect(detail.issue).toContain(`at ${position}: expected `);
}

/** A 400 naming `rule` alone, in whichever form: refused before the parser (no position) or by it. */
function expectRuleRefused(res: HttpResponse): void {
  expectError(res, 400, 'validation_failed');
  expect(res.body.error.details).toHaveLength(1);
  expect(res.body.error.details[0]).toMatchObject({ field: 'rule', issue: expect.any(String) });
}

const json = (body: unknown): Payload => ({ body });
const raw = (text: string | Buffer): Payload => ({ raw: text });
const lazy = (make: () => unknown): Payload => ({ lazy: make });

/** A base body: a value, or one made when the request is sent (it names a fixture). */
type Base = Record<string, unknown> | (() => Record<string, unknown>);
const baseOf = (base: Base): Record<string, unknown> => (typeof base === 'function' ? base() : base);
/** The base with these changes (undefined removes a field). */
const changed = (base: Base, change: Record<string, unknown>): Payload => {
  const make = () => Object.fromEntries(Object.entries({ ...baseOf(base), ...change }).filter(([, v]) => v !== undefined));
  return typeof base === 'function' ? lazy(make) : json(make());
};

/** A case per value of one field, on top of a base body. */
function fieldCases(field: string, base: Base, values: Array<[label: string, value: unknown]>): BadCase[] {
  return values.map(([label, value]) => ({ name: `${field}: ${label}`, payload: changed(base, { [field]: value }), fields: [field] }));
}

function missingCases(base: Base, fields: string[]): BadCase[] {
  return fields.map((field) => ({ name: `missing ${field}`, payload: changed(base, { [field]: undefined }), fields: [field] }));
}

function unknownCases(base: Base, keys: Array<[key: string, value: unknown]>): BadCase[] {
  return keys.map(([key, value]) => ({ name: `unknown field ${key}`, payload: changed(base, { [key]: value }), fields: [key] }));
}

/**
 * A body whose one value is written as raw JSON text (numbers JSON.stringify cannot write): `value` is put
 * where the placeholder string is.
 */
function rawWith(body: unknown, text: string): Payload {
  return raw(JSON.stringify(body).replace('"@@RAW@@"', text));
}
const RAW = '@@RAW@@';

// Keys that name a function on the DTO (its methods, and everything on Object.prototype): a copy that
// looked only at the DTO's properties would let them through.
const SHADOWING_KEYS = ['constructor', 'toInput', 'toPatch', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

const TWO_53 = 2 ** 53;

/** Strings no name, id or schedule accepts. */
const BAD_TEXT = (max: number): Array<[string, unknown]> => [
  ['a number', 5],
  ['null', null],
  ['empty', ''],
  [`${max + 1} characters`, 'n'.repeat(max + 1)],
  ['100 KB', 'n'.repeat(100_000)],
  ['a NUL', 'ab\u0000c'],
  ['a newline', 'ab\nc'],
  ['a tab', 'ab\tc'],
  ['an escape (ESC)', 'ab\u001bc'],
  ['a DEL', 'ab\u007fc'],
  ['a C1 control (U+0085)', 'ab\u0085c'],
  ['a lone surrogate', 'abc\ud800'],
  ['an array', ['abc']],
  ['an object', { name: 'abc' }],
  ['a boolean', false],
];

const BAD_BOOLEANS: Array<[string, unknown]> = [
  ['"true"', 'true'],
  ['"false"', 'false'],
  ['1', 1],
  ['0', 0],
  ['null', null],
  ['an array', [true]],
  ['an object', { active: true }],
];

/** Bodies that are not JSON at all, or JSON but not an object: field `(body)`. */
function malformedCases(valid: Record<string, unknown>): BadCase[] {
  const text = JSON.stringify(valid);
  const forms: Array<[string, string]> = [
    ['truncated', text.slice(0, -1)],
    ['cut in the middle of a string', text.slice(0, 5)],
    ['trailing comma', `${text.slice(0, -1)},}`],
    ['single quotes', text.replaceAll('"', "'")],
    ['unquoted key', text.replace(/"([a-z_]+)":/, '$1:')],
    ['the word undefined', 'undefined'],
    ['an empty body', ''],
    ['only whitespace', '  \n '],
    ['two documents', `${text}${text}`],
    ['trailing garbage', `${text} x`],
    ['NaN literal', `${text.slice(0, -1)},"amount":NaN}`],
    ['Infinity literal', `${text.slice(0, -1)},"amount":Infinity}`],
    ['hex number', `${text.slice(0, -1)},"amount":0x10}`],
    ['leading zero', `${text.slice(0, -1)},"amount":01}`],
    ['a comment', `/* hi */${text}`],
    ['null', 'null'],
    ['a JSON array', `[${text}]`],
    ['an empty array', '[]'],
    ['a JSON string', JSON.stringify(text)],
    ['a number', '42'],
    ['a boolean', 'true'],
    // secure-json-parse refuses prototype-poisoning keys before any field is looked at
    ['a __proto__ key', `${text.slice(0, -1)},"__proto__":{"admin":true}}`],
    ['a constructor.prototype key', `${text.slice(0, -1)},"constructor":{"prototype":{"admin":true}}}`],
  ];
  return [
    ...forms.map(([name, body]) => ({ name, payload: raw(body), fields: ['(body)'] })),
    // bytes that are not UTF-8 inside a string (Fastify alone would have stored them as U+FFFD)
    { name: 'invalid UTF-8 bytes', payload: raw(Buffer.concat([Buffer.from(text.slice(0, 10)), Buffer.from([0xff, 0xfe]), Buffer.from(text.slice(10))])), fields: ['(body)'] },
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Fixture bodies

const TEMPLATE = { name: 'Free chip', kind: 'no_deposit', currency: 'USD', fixed_amount: 10_000, wagering_multiplier: 30, wagering_base: 'bonus' };
const LOOTBOX = { name: 'Daily box', currency: 'WINZ', prize_table: [{ weight: 1, reward: { type: 'winz', amount: 1_000 } }] };

const FIXTURE_SEGMENT = { name: 'Fixture VIPs', rule: "min_vip_level=2 AND country IN ('DE', 'AT')" };

// ---------------------------------------------------------------------------------------------------------
// Rules that do not parse: the 0-based position (UTF-16 code units) and exactly what was expected there.

const FACTOR = ['a field', 'NOT', "'('"];
const CONTINUE = ['AND', 'OR', 'end of rule'];
const OPERATORS = ['an operator (=, !=, <, <=, >, >=)', 'IN', 'NOT IN', 'IS'];
const INTEGER = ['an integer'];
const TIMESTAMP = ["a timestamp such as '2025-05-19T00:00:00Z' or now()"];

interface RuleCase {
  name: string;
  rule: string;
  position: number;
  expected: string[];
}

const RULE_CASES: RuleCase[] = [
  { name: 'a dangling AND', rule: 'min_vip_level=2 AND', position: 19, expected: FACTOR },
  { name: 'a dangling OR after spaces', rule: 'vip_level = 1 OR   ', position: 19, expected: FACTOR },
  { name: 'AND twice', rule: "vip_level = 1 AND AND country = 'DE'", position: 18, expected: ['a field'] },
  { name: 'a lone NOT', rule: 'NOT', position: 3, expected: FACTOR },
  { name: 'a field and nothing else', rule: 'vip_level', position: 9, expected: OPERATORS },
  { name: 'no value after >', rule: 'vip_level >', position: 11, expected: INTEGER },
  { name: 'a text where an integer belongs', rule: "vip_level = 'gold'", position: 12, expected: INTEGER },
  { name: 'a quoted number where an integer belongs', rule: "vip_level = '2'", position: 12, expected: INTEGER },
  { name: 'a decimal where an integer belongs', rule: 'vip_level = 1.5', position: 12, expected: INTEGER },
  { name: 'an integer beyond 2^53 − 1', rule: 'vip_level = 9007199254740992', position: 12, expected: ['an integer between -9007199254740991 and 9007199254740991'] },
  { name: 'an unquoted text', rule: 'country = DE', position: 10, expected: ['a text value in quotes'] },
  { name: 'an unclosed parenthesis', rule: '(vip_level = 1', position: 14, expected: ['AND', 'OR', "')'"] },
  { name: 'one parenthesis too many', rule: 'vip_level = 1)', position: 13, expected: CONTINUE },
  { name: 'an empty pair of parentheses', rule: '()', position: 1, expected: FACTOR },
  { name: 'an unknown field', rule: 'no_such_field = 1', position: 0, expected: ['a field'] },
  { name: 'a field in another case is fine but a misspelt one is not', rule: 'VIP_LEVEL = 1 AND vip_levle = 2', position: 18, expected: ['a field'] },
  { name: 'an unterminated text', rule: "country = 'DE", position: 13, expected: ["a closing ' for the text that starts at 10"] },
  { name: 'an unterminated double-quoted text', rule: 'vip_level = 1 AND country = "DE', position: 31, expected: ['a closing " for the text that starts at 28'] },
  { name: 'a bad duration unit', rule: 'last_deposit_at < now() - 7x', position: 26, expected: ['a duration such as 7d (an integer and m, h, d or w)'] },
  { name: 'a duration in months (M)', rule: 'last_deposit_at < now() - 1M', position: 26, expected: ['a duration such as 7d (an integer and m, h, d or w)'] },
  { name: 'a duration over 100 years', rule: 'registered_at > now() - 5300w', position: 24, expected: ['a duration of at most 100 years'] },
  { name: 'now without parentheses', rule: 'registered_at > now', position: 19, expected: ["'('"] },
  { name: 'an impossible date', rule: "registered_at > '2026-02-30T00:00:00Z'", position: 16, expected: TIMESTAMP },
  { name: 'a date without time', rule: "registered_at > '2026-02-01'", position: 16, expected: TIMESTAMP },
  { name: 'a number where a timestamp belongs', rule: 'registered_at > 5', position: 16, expected: TIMESTAMP },
  { name: 'an ordering on a boolean', rule: 'self_excluded > true', position: 14, expected: ["'='", "'!='"] },
  { name: 'an ordering on tags', rule: "tags > 'vip'", position: 5, expected: ["'='", "'!='"] },
  { name: 'a number where a boolean belongs', rule: 'self_excluded = 1', position: 16, expected: ['true or false'] },
  { name: 'an empty IN list', rule: 'vip_level IN ()', position: 14, expected: INTEGER },
  { name: 'an IN list without parentheses', rule: 'vip_level IN 1, 2', position: 13, expected: ["'('"] },
  { name: 'an unclosed IN list', rule: 'vip_level IN (1, 2', position: 18, expected: ["','", "')'"] },
  { name: 'IS NOT without NULL', rule: 'vip_level IS NOT 5', position: 17, expected: ['NULL'] },
  { name: 'IS without NULL', rule: 'vip_level IS 5', position: 13, expected: ['NULL', 'NOT NULL'] },
  { name: 'NOT without IN after a field', rule: 'vip_level NOT 5', position: 14, expected: ['IN'] },
  { name: 'attributes without a name', rule: 'attributes = 1', position: 10, expected: ["'.' and an attribute name (attributes.<name>)"] },
  { name: 'attributes with six names', rule: 'attributes.a.b.c.d.e.f = 1', position: 21, expected: ['at most 5 attribute names in a path'] },
  { name: '&& instead of AND', rule: "vip_level = 1 && country = 'DE'", position: 14, expected: CONTINUE },
  { name: 'a shorthand with >=', rule: 'min_vip_level >= 2', position: 14, expected: ["'='"] },
  {
    name: '33 nested parentheses',
    rule: `${'('.repeat(33)}vip_level = 1${')'.repeat(33)}`,
    position: 32,
    expected: ['at most 32 levels of nested parentheses and NOTs'],
  },
  { name: 'a text of 1,001 characters', rule: `country = '${'x'.repeat(1_001)}'`, position: 10, expected: ['text of at most 1000 characters'] },
  {
    name: 'an IN list of 1,001 values',
    rule: `vip_level IN (${Array.from({ length: 1_001 }, () => '1').join(',')})`,
    position: 14 + 2 * 1_000,
    expected: ['at most 1000 values in a list'],
  },
  { name: 'a control character (U+0001) after a comparison', rule: 'vip_level = 1\u0001', position: 13, expected: CONTINUE },
  { name: 'a bell (U+0007) before a field', rule: '\u0007vip_level = 1', position: 0, expected: FACTOR },
  { name: 'valid after 9,000 spaces, then a stray quote', rule: `${' '.repeat(9_000)}vip_level = 1 '`, position: 9_015, expected: ["a closing ' for the text that starts at 9014"] },
];

/**
 * Hostile rules: SQL, comments, separators and look-alike characters. None parses; none may reach the
 * database as text or change anything. Where the parser refuses them, the exact position is pinned.
 */
const HOSTILE_RULES: Array<{ name: string; rule: string; position?: number; expected?: string[] }> = [
  // the quote opens a text that never closes: refused at the end of the rule
  { name: 'an SQL injection opening with a quote', rule: "'; DROP TABLE players; --", position: 25, expected: ["a closing ' for the text that starts at 0"] },
  { name: 'an SQL injection closing a text', rule: "country = 'DE'' OR ''1''=''1'; DROP TABLE players; --", position: 29, expected: CONTINUE },
  { name: 'a second statement after a comparison', rule: 'vip_level = 1; DELETE FROM players', position: 13, expected: CONTINUE },
  { name: 'a second statement after a text', rule: "country = 'DE'; DROP TABLE players", position: 14, expected: CONTINUE },
  { name: 'an SQL comment', rule: "country = 'DE' -- AND vip_level = 1", position: 15, expected: CONTINUE },
  { name: 'a C comment', rule: "country = 'DE' /* x */", position: 15, expected: CONTINUE },
  { name: 'OR 1=1', rule: 'vip_level = 1 OR 1=1', position: 17, expected: FACTOR },
  { name: 'a UNION', rule: 'vip_level = 1 UNION SELECT * FROM api_keys', position: 14, expected: CONTINUE },
  { name: 'a function call', rule: "country = 'x' OR pg_sleep(10) IS NULL", position: 17, expected: ['a field'] },
  { name: 'a sub-select as a value', rule: 'vip_level = (SELECT 1)', position: 12, expected: INTEGER },
  { name: 'a quoted identifier as a field', rule: '"players"."vip_level" = 1', position: 0, expected: FACTOR },
  { name: 'a backslash before a quote (no escapes: the text ends there)', rule: "country = 'a\\' OR 1=1 --", position: 18, expected: FACTOR },
  { name: 'a cast', rule: 'vip_level::text = 1', position: 9, expected: OPERATORS },
  { name: 'a fullwidth equals sign (U+FF1D)', rule: 'vip_level \uff1d 1', position: 10, expected: OPERATORS },
  { name: 'a non-ASCII letter in a field name', rule: "país = 'ES'", position: 0, expected: ['a field'] },
  { name: 'a zero-width space (U+200B) before the operator', rule: 'vip_level\u200b= 1', position: 9, expected: OPERATORS },
  { name: 'a right-to-left override (U+202E)', rule: "\u202ecountry = 'DE'", position: 0, expected: FACTOR },
  { name: 'a no-break space (U+00A0)', rule: 'vip_level\u00a0= 1', position: 9, expected: OPERATORS },
  { name: 'an emoji', rule: '\u{1f3b0} = 1', position: 0, expected: FACTOR },
  { name: 'Cyrillic letters looking like Latin ones', rule: 'vір_level = 1', position: 0, expected: ['a field'] },
  // NUL and lone surrogates cannot be stored at all: refused as the one field `rule` (before the parser, or by it)
  { name: 'a NUL after a comparison', rule: 'vip_level = 1\u0000' },
  { name: 'a NUL inside a text', rule: "country = 'D\u0000E'" },
  { name: 'a NUL alone', rule: '\u0000' },
  { name: 'a NUL splitting a field name', rule: 'vip\u0000_level = 1' },
  { name: 'a lone surrogate inside a text', rule: "country = 'D\ud800E'" },
  { name: 'a lone surrogate outside a text', rule: 'vip_level = 1 \udc00' },
];

/** Values of `rule` the DTO refuses before any parsing (not a string, or longer than 10,000 characters). */
const BAD_RULE_VALUES: Array<[string, unknown]> = [
  ['a number', 5],
  ['a boolean', true],
  ['an array', ['vip_level = 1']],
  ['an empty array', []],
  ['an object', { vip_level: 1 }],
  ['a structured rule', { and: [{ field: 'vip_level', op: '>=', value: 2 }] }],
  ['10,001 characters (a valid rule padded with spaces)', `vip_level = 1${' '.repeat(10_001 - 13)}`],
  ['100 KB', `vip_level = 1 OR ${'vip_level = 1 OR '.repeat(6_000)}vip_level = 1`],
];

const ruleBodyCases = (base: Base): Array<RuleCase & { payload: Payload }> => RULE_CASES.map((c) => ({ ...c, payload: changed(base, { rule: c.rule }) }));
const hostileBodyCases = (base: Base) => HOSTILE_RULES.map((c) => ({ ...c, payload: changed(base, { rule: c.rule }) }));

// ---------------------------------------------------------------------------------------------------------
// POST /v1/segments

const SEGMENT = { name: 'Lapsed VIPs', rule: 'min_vip_level=2 AND last_deposit_at < now() - 7d' };

const SEGMENT_UNKNOWN: Array<[string, unknown]> = [
  ['foo', 1],
  ['id', NO_SEGMENT],
  ['canonical_rule', 'vip_level >= 2'],
  ['created_at', '2026-01-01T00:00:00Z'],
  ['updated_at', '2026-01-01T00:00:00Z'],
  ['tenant_id', 'ten_01m815s5g0tv8swys7gz4j0g32'],
  ['rules', ['vip_level = 1']],
  ['filter', 'vip_level = 1'],
  ['sql', 'SELECT 1'],
  ['where', 'true'],
  ['params', [1]],
  ['count', 5],
  ['sample', []],
  ['description', 'x'],
  ['Name', 'Lapsed VIPs'],
  ['RULE', 'vip_level = 1'],
  ...SHADOWING_KEYS.map((k): [string, unknown] => [k, 1]),
];

const SEGMENT_CASES: BadCase[] = [
  ...malformedCases(SEGMENT),
  ...missingCases(SEGMENT, ['name', 'rule']),
  { name: 'an empty object names name and rule', payload: json({}), fields: ['name', 'rule'] },
  ...unknownCases(SEGMENT, SEGMENT_UNKNOWN),
  ...fieldCases('name', SEGMENT, BAD_TEXT(200)),
  ...fieldCases('rule', SEGMENT, BAD_RULE_VALUES),
];

// ---------------------------------------------------------------------------------------------------------
// PATCH /v1/segments/:id

const SEGMENT_PATCH = { name: 'Renamed VIPs', rule: 'vip_level >= 3' };

const SEGMENT_PATCH_CASES: BadCase[] = [
  ...malformedCases(SEGMENT_PATCH),
  ...unknownCases(SEGMENT_PATCH, [...SEGMENT_UNKNOWN, ['active', false], ['segment_id', NO_SEGMENT]]),
  { name: 'only an unknown field', payload: json({ foo: 1 }), fields: ['foo'] },
  ...fieldCases('name', SEGMENT_PATCH, BAD_TEXT(200)),
  ...fieldCases('rule', SEGMENT_PATCH, BAD_RULE_VALUES),
  { name: 'a bad name and a bad rule value name both', payload: json({ name: '', rule: 5 }), fields: ['name', 'rule'] },
];

// ---------------------------------------------------------------------------------------------------------
// Rewards (API.md §6): shapes no campaign reward accepts (field `reward`).

const WINZ = { type: 'winz', amount: 50_000 };
const EXTERNAL = { type: 'external', amount: 100_000, currency: 'EUR', description: 'Weekend in Vegas' };

const BAD_REWARDS: Array<[label: string, reward: unknown]> = [
  ['null', null],
  ['an empty array', []],
  ['an array of a reward', [WINZ]],
  ['a string', 'winz'],
  ['a number', 5_000],
  ['a boolean', true],
  ['an empty object', {}],
  ['type missing', { amount: 5_000 }],
  ['type unknown', { type: 'cash', amount: 5_000 }],
  ['type nothing (not a campaign reward)', { type: 'nothing' }],
  ['type in the wrong case', { type: 'WINZ', amount: 5_000 }],
  ['type with a trailing space', { type: 'winz ', amount: 5_000 }],
  ['type a number', { type: 1, amount: 5_000 }],
  ['type null', { type: null, amount: 5_000 }],
  ['type constructor', { type: 'constructor', amount: 5_000 }],
  ['type toString', { type: 'toString' }],
  ['winz without amount', { type: 'winz' }],
  ['winz with amount 1.5 (a float)', { type: 'winz', amount: 1.5 }],
  ['winz with amount 0.001 (a float)', { type: 'winz', amount: 0.001 }],
  ['winz with amount "5000"', { type: 'winz', amount: '5000' }],
  ['winz with amount 0', { type: 'winz', amount: 0 }],
  ['winz with amount -5', { type: 'winz', amount: -5 }],
  ['winz with amount -0.5', { type: 'winz', amount: -0.5 }],
  ['winz with amount 2^53', { type: 'winz', amount: TWO_53 }],
  ['winz with amount 1e20', { type: 'winz', amount: 1e20 }],
  ['winz with amount 1e308', { type: 'winz', amount: 1e308 }],
  ['winz with amount null', { type: 'winz', amount: null }],
  ['winz with amount an array', { type: 'winz', amount: [5_000] }],
  ['winz with amount an object', { type: 'winz', amount: { millis: 5_000 } }],
  ['winz with an extra currency', { ...WINZ, currency: 'EUR' }],
  ['winz with an unknown key', { ...WINZ, foo: 1 }],
  ['winz with a constructor key', { ...WINZ, constructor: 1 }],
  ['winz with a toString key', { ...WINZ, toString: 'x' }],
  ['winz with an extra bonus_template_id', { ...WINZ, bonus_template_id: NO_TEMPLATE }],
  ['bonus without bonus_template_id', { type: 'bonus' }],
  ['bonus with bonus_template_id a number', { type: 'bonus', bonus_template_id: 5 }],
  ['bonus with bonus_template_id null', { type: 'bonus', bonus_template_id: null }],
  ['bonus with bonus_template_id empty', { type: 'bonus', bonus_template_id: '' }],
  ['bonus with bonus_template_id of 65 characters', { type: 'bonus', bonus_template_id: 'b'.repeat(65) }],
  ['bonus with bonus_template_id of 100 KB', { type: 'bonus', bonus_template_id: 'b'.repeat(100_000) }],
  ['bonus with a newline in bonus_template_id', { type: 'bonus', bonus_template_id: 'btp_a\nb' }],
  ['bonus with a NUL in bonus_template_id', { type: 'bonus', bonus_template_id: 'btp_a\u0000b' }],
  ['bonus with an extra amount', { type: 'bonus', bonus_template_id: NO_TEMPLATE, amount: 5_000 }],
  ['external without currency', without(EXTERNAL, 'currency')],
  ['external without description', without(EXTERNAL, 'description')],
  ['external without amount', without(EXTERNAL, 'amount')],
  ['external with amount 99.99 (a float)', { ...EXTERNAL, amount: 99.99 }],
  ['external with amount -1', { ...EXTERNAL, amount: -1 }],
  ['external with amount "100000"', { ...EXTERNAL, amount: '100000' }],
  ['external with amount 2^53', { ...EXTERNAL, amount: TWO_53 }],
  ['external with a lowercase currency', { ...EXTERNAL, currency: 'eur' }],
  ['external with currency WINZ', { ...EXTERNAL, currency: 'WINZ' }],
  ['external with an empty description', { ...EXTERNAL, description: '' }],
  ['external with a 501-character description', { ...EXTERNAL, description: 'd'.repeat(501) }],
  ['external with a 100 KB description', { ...EXTERNAL, description: 'd'.repeat(100_000) }],
  ['external with a newline in the description', { ...EXTERNAL, description: 'Weekend\nin Vegas' }],
  ['external with a NUL in the description', { ...EXTERNAL, description: 'Weekend\u0000in Vegas' }],
  ['lootbox without lootbox_id', { type: 'lootbox' }],
  ['lootbox with lootbox_id a number', { type: 'lootbox', lootbox_id: 5 }],
  ['lootbox with lootbox_id empty', { type: 'lootbox', lootbox_id: '' }],
  ['lootbox with lootbox_id of 65 characters', { type: 'lootbox', lootbox_id: 'l'.repeat(65) }],
  ['lootbox with an extra amount', { type: 'lootbox', lootbox_id: NO_BOX, amount: 5_000 }],
];

/** Raw-number amounts JSON.stringify cannot write (or writes differently), in a winz reward. */
const RAW_AMOUNTS: Array<[string, string]> = [
  ['1e400 (Infinity once parsed)', '1e400'],
  ['2^53 + 1 (raw)', '9007199254740993'],
  ['1000.5 (raw)', '1000.5'],
  ['-0.5 (raw)', '-0.5'],
  ['1e308 (raw)', '1e308'],
  ['-0 (raw)', '-0'],
];

// ---------------------------------------------------------------------------------------------------------
// POST /v1/campaigns

const CAMPAIGN_BASE = { name: 'Weekly reload', segment_id: NO_SEGMENT, reward: WINZ, schedule: '0 9 * * 1' };
/** The base campaign, naming the fixture segment. */
const CAMPAIGN = (): Record<string, unknown> => ({ ...CAMPAIGN_BASE, segment_id: segment.id });

/** Schedules no campaign accepts: not text, or not a cron expression of 5 or 6 fields (API.md §10). */
const BAD_SCHEDULES: Array<[string, unknown]> = [
  ['empty', ''],
  ['only spaces', '   '],
  ['not cron', 'not cron'],
  ['3 fields', '* * *'],
  ['4 fields', '0 9 * *'],
  ['7 fields', '0 0 9 * * 1 2026'],
  ['minute 61', '61 * * * *'],
  ['minute 60', '60 * * * *'],
  ['second 60 (6 fields)', '60 * * * * *'],
  ['hour 24', '0 24 * * *'],
  ['day of month 0', '0 9 0 * *'],
  ['day of month 32', '0 9 32 * *'],
  ['February 30 (never fires)', '0 9 30 2 *'],
  ['month 13', '0 9 * 13 *'],
  ['day of week 8', '0 9 * * 8'],
  ['a step of 0', '*/0 * * * *'],
  ['an inverted range', '5-1 * * * *'],
  ['an empty list item', '5,,5 * * * *'],
  ['letters', 'a b c d e'],
  ['a sixth occurrence of Monday', '0 9 * * 1#6'],
  ['a macro (@daily)', '@daily'],
  ['an SQL injection', "0 9 * * 1'; DROP TABLE campaigns; --"],
  // cron-parser reads H as a random value, drawn anew each time the next slot is computed: the campaign would
  // run at a different time each time, more than once in the period it names
  ['a hashed minute (H)', 'H 9 * * 1'],
  ['a hashed hour (H)', '0 H * * *'],
  ['a number', 5],
  ['null', null],
  ['a boolean', true],
  ['an array of fields', ['0', '9', '*', '*', '1']],
  ['an object', { cron: '0 9 * * 1' }],
  ['121 characters', `0 9 * * 1${' '.repeat(112)}`],
  ['100 KB', `0 9 * * ${'1,'.repeat(50_000)}1`],
  ['a newline', '0 9 * * 1\n'],
  ['a tab between fields', '0\t9 * * 1'],
  ['a NUL', '0 9 * * 1\u0000'],
];

const CAMPAIGN_UNKNOWN: Array<[string, unknown]> = [
  ['foo', 1],
  ['id', NO_CAMPAIGN],
  ['active', true],
  ['created_at', '2026-01-01T00:00:00Z'],
  ['updated_at', '2026-01-01T00:00:00Z'],
  ['tenant_id', 'ten_01m815s5g0tv8swys7gz4j0g32'],
  ['segment', { rule: 'vip_level = 1' }],
  ['segmentId', NO_SEGMENT],
  ['rule', 'vip_level >= 2'],
  ['rewards', [WINZ]],
  ['amount', 5_000],
  ['cron', '0 9 * * 1'],
  ['timezone', 'Europe/Berlin'],
  ['execution_id', 'run-1'],
  ['executions', []],
  ['player_ids', []],
  ...SHADOWING_KEYS.map((k): [string, unknown] => [k, 1]),
];

const CAMPAIGN_CASES: BadCase[] = [
  ...malformedCases(CAMPAIGN_BASE),
  ...missingCases(CAMPAIGN, ['name', 'segment_id', 'reward']),
  { name: 'an empty object names every required field', payload: json({}), fields: ['name', 'segment_id', 'reward'] },
  ...unknownCases(CAMPAIGN, CAMPAIGN_UNKNOWN),
  ...fieldCases('name', CAMPAIGN, BAD_TEXT(200)),
  ...fieldCases('segment_id', CAMPAIGN, BAD_TEXT(64)),
  ...BAD_REWARDS.map(([label, reward]): BadCase => ({ name: `reward: ${label}`, payload: changed(CAMPAIGN, { reward }), fields: ['reward'] })),
  ...RAW_AMOUNTS.map(([label, text]): BadCase => ({ name: `reward.amount: ${label}`, payload: rawWith({ ...CAMPAIGN_BASE, reward: { type: 'winz', amount: RAW } }, text), fields: ['reward'] })),
  ...fieldCases('schedule', CAMPAIGN, BAD_SCHEDULES),
  // checked once the DTO is valid, before the segment is looked up
  { name: 'a bad schedule with an unknown segment (the 400 comes first)', payload: json({ ...CAMPAIGN_BASE, schedule: '61 * * * *' }), fields: ['schedule'] },
];

// ---------------------------------------------------------------------------------------------------------
// PATCH /v1/campaigns/:id

const CAMPAIGN_PATCH = { name: 'Renamed reload', reward: { type: 'winz', amount: 60_000 }, schedule: '30 9 * * 1', active: true };

const CAMPAIGN_PATCH_CASES: BadCase[] = [
  ...malformedCases(CAMPAIGN_PATCH),
  ...unknownCases(
    CAMPAIGN_PATCH,
    CAMPAIGN_UNKNOWN.filter(([k]) => k !== 'active'),
  ),
  { name: 'only an unknown field', payload: json({ foo: 1 }), fields: ['foo'] },
  ...fieldCases('name', CAMPAIGN_PATCH, BAD_TEXT(200)),
  ...fieldCases('segment_id', CAMPAIGN_PATCH, BAD_TEXT(64)),
  ...BAD_REWARDS.map(([label, reward]): BadCase => ({ name: `reward: ${label}`, payload: json({ ...CAMPAIGN_PATCH, reward }), fields: ['reward'] })),
  ...RAW_AMOUNTS.map(([label, text]): BadCase => ({ name: `reward.amount: ${label}`, payload: rawWith({ reward: { type: 'winz', amount: RAW } }, text), fields: ['reward'] })),
  // null removes the schedule (a control below); everything else that is not a cron expression is refused
  ...fieldCases(
    'schedule',
    CAMPAIGN_PATCH,
    BAD_SCHEDULES.filter(([label]) => label !== 'null'),
  ),
  ...fieldCases('active', CAMPAIGN_PATCH, BAD_BOOLEANS),
  { name: 'a fault in every field names them all', payload: json({ name: '', segment_id: 5, reward: { type: 'cash' }, schedule: 7, active: 'yes', foo: 1 }), fields: ['name', 'segment_id', 'reward', 'schedule', 'active', 'foo'] },
];

// ---------------------------------------------------------------------------------------------------------
// POST /v1/campaigns/:id/executions

const EXECUTE = { execution_id: 'reload-2026-w47' };

const EXECUTE_CASES: BadCase[] = [
  ...malformedCases(EXECUTE),
  { name: 'missing execution_id (an empty object)', payload: json({}), fields: ['execution_id'] },
  ...unknownCases(EXECUTE, [
    ['foo', 1],
    ['campaign_id', NO_CAMPAIGN],
    ['status', 'completed'],
    ['matched', 0],
    ['granted', 0],
    ['scheduled_for', '2026-01-01T00:00:00Z'],
    ['snapshot_at', '2026-01-01T00:00:00Z'],
    ['idempotency_key', 'k'],
    ['executionId', 'run-1'],
    ['segment_id', NO_SEGMENT],
    ['rule', 'vip_level >= 0'],
    ['reward', WINZ],
    ['player_ids', []],
    ['dry_run', true],
    ...SHADOWING_KEYS.map((k): [string, unknown] => [k, 1]),
  ]),
  { name: 'unknown field foo with a bad execution_id names both', payload: json({ execution_id: '', foo: 1 }), fields: ['execution_id', 'foo'] },
  ...fieldCases('execution_id', EXECUTE, [
    ['empty', ''],
    ['129 characters', 'e'.repeat(129)],
    ['100 KB', 'e'.repeat(100_000)],
    ['a space inside', 'reload 2026'],
    ['a leading space', ' reload'],
    ['a trailing space', 'reload '],
    ['starting with scheduled:', 'scheduled:2026-01-05T09:00:00.000Z'],
    ['exactly scheduled:', 'scheduled:'],
    ['starting with a dot', '.reload'],
    ['starting with a hyphen', '-reload'],
    ['starting with a colon', ':reload'],
    ['starting with an underscore', '_reload'],
    ['a slash', 'reload/2026'],
    ['a percent sign', 'reload%20'],
    ['a quote', "reload'2026"],
    ['a non-ASCII letter', 'réload'],
    ['an emoji', 'reload-\u{1f3b0}'],
    ['a newline', 'reload\n'],
    ['a NUL', 'reload\u0000'],
    ['a lone surrogate', 'reload\ud800'],
    ['a number', 2026],
    ['null', null],
    ['a boolean', true],
    ['an array', ['reload']],
    ['an object', { id: 'reload' }],
  ]),
];

const CASES: Record<Endpoint, BadCase[]> = {
  segment: SEGMENT_CASES,
  segmentPatch: SEGMENT_PATCH_CASES,
  campaign: CAMPAIGN_CASES,
  campaignPatch: CAMPAIGN_PATCH_CASES,
  execute: EXECUTE_CASES,
};

/** One body each endpoint accepts; the wrong-media and auth cases are made from these. */
const VALID: Record<Endpoint, () => Record<string, unknown>> = {
  segment: () => SEGMENT,
  segmentPatch: () => SEGMENT_PATCH,
  campaign: CAMPAIGN,
  campaignPatch: () => CAMPAIGN_PATCH,
  execute: () => EXECUTE,
};

// ---------------------------------------------------------------------------------------------------------
// Queries

type ListRoute = 'segments' | 'preview' | 'campaigns' | 'executions';
interface QueryCase {
  route: ListRoute;
  query: string;
  fields: string[];
}

function listPath(route: ListRoute): string {
  switch (route) {
    case 'segments':
      return '/v1/segments';
    case 'preview':
      return `/v1/segments/${segment.id}/preview`;
    case 'campaigns':
      return '/v1/campaigns';
    case 'executions':
      return `/v1/campaigns/${campaign.id}/executions`;
  }
}

function list(route: ListRoute, query: string, { anonymous, ...opts }: SendOptions = {}): Promise<HttpResponse> {
  return (anonymous ? api.http : acme.admin).get(`${listPath(route)}${query ? `?${query}` : ''}`, opts);
}

/** Bad values of an integer query parameter in [min, …]: `huge` is above its maximum. */
const intQueries = (name: string, min: number, huge: string): Array<[query: string, field: string]> => [
  [`${name}=${min - 1}`, name],
  [`${name}=-1`, name],
  [`${name}=1.5`, name],
  [`${name}=abc`, name],
  [`${name}=`, name],
  [`${name}=1e2`, name],
  [`${name}=0x10`, name],
  [`${name}=%205`, name],
  [`${name}=+5`, name],
  [`${name}=${huge}`, name],
  [`${name}=99999999999999999999`, name],
  [`${name}=9007199254740993`, name],
  [`${name}=Infinity`, name],
  [`${name}=NaN`, name],
  [`${name}=true`, name],
  [`${name}=%00`, name],
  [`${name}=1&${name}=2`, name],
  [`${name}[]=1`, `${name}[]`],
];

const PAGE_QUERIES: Array<[query: string, field: string]> = [
  ...intQueries('limit', 1, '501'),
  ['limit=1000000', 'limit'],
  ['cursor=', 'cursor'],
  [`cursor=${'c'.repeat(65)}`, 'cursor'],
  [`cursor=${'c'.repeat(64)}`, 'cursor'],
  [`cursor=${WELL_FORMED_CURSOR}x`, 'cursor'],
  [`cursor=${WELL_FORMED_CURSOR}`, 'cursor'],
  [`cursor=${cursorOf('plr')}`, 'cursor'],
  ['cursor=garbage', 'cursor'],
  [`cursor=${'c'.repeat(10_000)}`, 'cursor'],
  ['cursor=ab%00cd', 'cursor'],
  ['cursor=ab%0Acd', 'cursor'],
  ['cursor=a&cursor=b', 'cursor'],
  ['foo=1', 'foo'],
  ['limit=5&foo=1', 'foo'],
  ['offset=10', 'offset'],
  ['status=queued', 'status'],
  ['active=true', 'active'],
  ['segment_id=seg_x', 'segment_id'],
  ['constructor=1', 'constructor'],
  ['toPageRequest=1', 'toPageRequest'],
];

const PREVIEW_QUERIES: Array<[query: string, field: string]> = [
  ...intQueries('limit', 1, '101'),
  ['limit=500', 'limit'],
  ['cursor=abc', 'cursor'],
  ['offset=0', 'offset'],
  ['rule=vip_level%20%3E%3D%200', 'rule'],
  ['foo=1', 'foo'],
  ['constructor=1', 'constructor'],
];

const QUERY_CASES: QueryCase[] = [
  ...(['segments', 'campaigns', 'executions'] as const).flatMap((route) => PAGE_QUERIES.map(([query, field]) => ({ route, query, fields: [field] }))),
  ...PREVIEW_QUERIES.map(([query, field]) => ({ route: 'preview' as const, query, fields: [field] })),
  ...(['segments', 'campaigns', 'executions'] as const).map((route) => ({ route, query: 'limit=0&cursor=&foo=1', fields: ['limit', 'cursor', 'foo'] })),
  { route: 'preview', query: 'limit=0&foo=1', fields: ['limit', 'foo'] },
];

// ---------------------------------------------------------------------------------------------------------
// Path ids

interface IdRoute {
  name: string;
  request: (id: string) => Promise<HttpResponse>;
}

const SEGMENT_ROUTES: IdRoute[] = [
  { name: 'GET /v1/segments/:id', request: (id) => acme.admin.get(`/v1/segments/${id}`) },
  { name: 'PATCH /v1/segments/:id', request: (id) => acme.admin.patch(`/v1/segments/${id}`, { name: 'Renamed by a 404' }) },
  { name: 'DELETE /v1/segments/:id', request: (id) => acme.admin.delete(`/v1/segments/${id}`) },
  { name: 'GET /v1/segments/:id/preview', request: (id) => acme.admin.get(`/v1/segments/${id}/preview?limit=5`) },
];
const CAMPAIGN_ROUTES: IdRoute[] = [
  { name: 'GET /v1/campaigns/:id', request: (id) => acme.admin.get(`/v1/campaigns/${id}`) },
  { name: 'PATCH /v1/campaigns/:id', request: (id) => acme.admin.patch(`/v1/campaigns/${id}`, { active: false }) },
  { name: 'DELETE /v1/campaigns/:id', request: (id) => acme.admin.delete(`/v1/campaigns/${id}`) },
  { name: 'POST /v1/campaigns/:id/executions', request: (id) => acme.admin.post(`/v1/campaigns/${id}/executions`, { execution_id: 'bad-input-404-run' }) },
  { name: 'GET /v1/campaigns/:id/executions', request: (id) => acme.admin.get(`/v1/campaigns/${id}/executions?limit=5`) },
  { name: 'GET /v1/campaigns/:id/executions/:execution_id', request: (id) => acme.admin.get(`/v1/campaigns/${id}/executions/${FIXTURE_RUN}`) },
];

/** Ids that name nothing acme owns; `own` is the right prefix's unknown id, `wrong` a real object of the other kind. */
const badIds = (own: string, wrong: () => string, others: () => string): Array<{ label: string; make: () => string }> => [
  { label: 'an unknown id', make: () => own },
  { label: 'an id without prefix', make: () => 'whatever' },
  { label: 'the id of an object of the other kind', make: wrong },
  { label: 'a bonus template id', make: () => template.id },
  { label: 'a lootbox id', make: () => box.id },
  { label: 'a player id', make: () => players[0].id },
  { label: 'an execution id', make: () => FIXTURE_RUN },
  { label: "the other tenant's id", make: others },
  { label: 'an id of 100 characters', make: () => `${own.slice(0, 4)}${'x'.repeat(96)}` },
  { label: 'an id with a NUL (%00)', make: () => `${own.slice(0, 4)}ab%00cd` },
  { label: 'an unknown id with a NUL appended', make: () => `${own}%00` },
  { label: 'an id that is only a NUL', make: () => '%00' },
  { label: 'an id with a space (%20)', make: () => `${own.slice(0, 4)}ab%20cd` },
  { label: 'an id with control characters (%01%1B)', make: () => `${own.slice(0, 4)}ab%01%1Bcd` },
  { label: 'an id with a quote and a percent sign', make: () => `${own.slice(0, 4)}ab'%25cd` },
  { label: 'an id with an SQL injection', make: () => `${own}'%20OR%20'1'='1` },
  { label: 'an id in upper case', make: () => own.toUpperCase() },
];

/**
 * Ids the HTTP router refuses before any route runs: longer than any id or external_ref (128) → 404 as an unknown id;
 * a path that is not valid percent-encoded UTF-8 → 400 naming (path). Both in the API.md §1 shape, with X-Request-Id.
 */
const unroutableIds = (own: string): Array<{ label: string; make: () => string; status: number }> => [
  { label: 'an id of 1000 characters', make: () => `${own.slice(0, 4)}${'x'.repeat(996)}`, status: 404 },
  { label: 'an id with invalid UTF-8 (%FF)', make: () => `${own.slice(0, 4)}ab%FFcd`, status: 400 },
  { label: 'an id with a lone surrogate (%ED%A0%80)', make: () => `${own.slice(0, 4)}ab%ED%A0%80cd`, status: 400 },
  { label: 'an id with a broken escape (%G0)', make: () => `${own.slice(0, 4)}ab%G0cd`, status: 400 },
];

const ID_CASES = [
  ...SEGMENT_ROUTES.flatMap((route) =>
    badIds(
      NO_SEGMENT,
      () => campaign.id,
      () => otherSegment.id,
    ).map((b) => ({ title: `${route.name} with ${b.label}`, request: () => route.request(b.make()) })),
  ),
  ...CAMPAIGN_ROUTES.flatMap((route) =>
    badIds(
      NO_CAMPAIGN,
      () => segment.id,
      () => otherCampaign.id,
    ).map((b) => ({ title: `${route.name} with ${b.label}`, request: () => route.request(b.make()) })),
  ),
];

const UNROUTABLE_CASES = [
  ...SEGMENT_ROUTES.flatMap((route) => unroutableIds(NO_SEGMENT).map((b) => ({ title: `${route.name} with ${b.label}`, status: b.status, request: () => route.request(b.make()) }))),
  ...CAMPAIGN_ROUTES.flatMap((route) => unroutableIds(NO_CAMPAIGN).map((b) => ({ title: `${route.name} with ${b.label}`, status: b.status, request: () => route.request(b.make()) }))),
];

/** Execution ids that name no execution of the fixture campaign. */
const BAD_EXECUTION_IDS: Array<{ label: string; make: () => string }> = [
  { label: 'an unknown execution id', make: () => 'no-such-run' },
  { label: "the id of another campaign's execution", make: () => 'sibling-run-1' },
  { label: "the id of the other tenant's execution", make: () => otherExecution.execution_id },
  { label: 'a scheduled: id', make: () => 'scheduled:2026-01-05T09:00:00.000Z' },
  { label: 'the campaign id', make: () => campaign.id },
  { label: 'the fixture id in upper case', make: () => FIXTURE_RUN.toUpperCase() },
  { label: 'the fixture id with a space appended (%20)', make: () => `${FIXTURE_RUN}%20` },
  { label: 'the fixture id with a NUL appended (%00)', make: () => `${FIXTURE_RUN}%00` },
  { label: 'only a NUL', make: () => '%00' },
  { label: 'an id with a newline (%0A)', make: () => 'fixture%0Arun-1' },
  { label: 'an id of 129 characters', make: () => 'e'.repeat(129) },
  { label: 'an id with a percent sign (%25)', make: () => 'fixture%25run' },
];

// ---------------------------------------------------------------------------------------------------------
// The tests

describe('the fixtures', () => {
  it('are in place: a segment, a scheduled campaign with one queued execution, a deactivated sibling, the other tenant’s objects', () => {
    expect(segment).toMatchObject({ id: expect.stringMatching(/^seg_/), rule: FIXTURE_SEGMENT.rule, canonical_rule: "vip_level >= 2 AND country IN ('DE', 'AT')" });
    expect(campaign).toMatchObject({ id: expect.stringMatching(/^cmp_/), segment_id: segment.id, reward: WINZ, schedule: '0 9 * * 1', active: true });
    expect(execution).toMatchObject({ execution_id: FIXTURE_RUN, campaign_id: campaign.id, status: 'queued', matched: 0, granted: 0 });
    expect(sibling).toMatchObject({ id: expect.stringMatching(/^cmp_/), active: false, schedule: null });
    expect(template.id).toMatch(/^btp_/);
    expect(box.id).toMatch(/^lbx_/);
    expect(otherSegment.id).toMatch(/^seg_/);
    expect(otherCampaign.id).toMatch(/^cmp_/);
    expect(otherExecution).toMatchObject({ execution_id: 'other-run-1', campaign_id: otherCampaign.id, status: 'queued' });
    expect(rowsBefore).toMatchObject({ segments: 2, campaigns: 3, campaign_executions: 3, campaign_execution_members: 0, reward_grants: 0, bonus_grants: 0 });
  });
});

describe.each(ENDPOINTS)('%s: 400 validation_failed', (endpoint) => {
  it.each(CASES[endpoint])(`${TITLES[endpoint]} $name → 400 naming $fields, changing nothing`, async ({ payload, fields }) => {
    const res = await storingNothing(() => send(endpoint, payload));
    expectFields(res, fields);
  });
});

describe('rules that do not parse: 400 naming rule, its position and what was expected', () => {
  it.each(ruleBodyCases(SEGMENT))('POST /v1/segments with $name → 400 at $position', async ({ payload, position, expected }) => {
    expectRuleError(await storingNothing(() => send('segment', payload)), position, expected);
  });

  it.each(ruleBodyCases(SEGMENT_PATCH))('PATCH /v1/segments/:id with $name → 400 at $position', async ({ payload, position, expected }) => {
    expectRuleError(await storingNothing(() => send('segmentPatch', payload)), position, expected);
  });

  it.each(ruleBodyCases({}))('PATCH /v1/segments/:id with only a rule: $name → 400 at $position', async ({ payload, position, expected }) => {
    expectRuleError(await storingNothing(() => send('segmentPatch', payload)), position, expected);
  });

  it('the issue says where and what, and names what was found', async () => {
    const res = await send('segment', json({ ...SEGMENT, rule: 'min_vip_level=2 AND' }));
    expect(res.body.error.details).toEqual([{ field: 'rule', issue: "at 19: expected a field, NOT or '(', found end of rule", position: 19, expected: FACTOR }]);
    expect(res.body.error.message).toContain('does not parse');
    const found = await send('segment', json({ ...SEGMENT, rule: 'vip_level = 1; DELETE FROM players' }));
    expect(found.body.error.details[0].issue).toBe("at 13: expected AND, OR or end of rule, found ';'");
  });

  it('a position counts UTF-16 code units: an emoji in a text counts 2', async () => {
    const res = await send('segment', json({ ...SEGMENT, rule: "country = '\u{1f3b0}' AND" }));
    expectRuleError(res, 18, FACTOR);
  });

  it('a rule that does not parse on an unknown segment is a 400 (the body is checked first)', async () => {
    const res = await storingNothing(() => acme.admin.patch(`/v1/segments/${NO_SEGMENT}`, { rule: 'min_vip_level=2 AND' }));
    expectRuleError(res, 19, FACTOR);
  });
});

describe('hostile rules: 400 naming rule, changing nothing', () => {
  it.each(hostileBodyCases(SEGMENT))('POST /v1/segments with $name → 400', async ({ payload, position, expected }) => {
    const res = await storingNothing(() => send('segment', payload));
    if (position === undefined) expectRuleRefused(res);
    else expectRuleError(res, position, expected);
  });

  it.each(hostileBodyCases({}))('PATCH /v1/segments/:id with $name → 400', async ({ payload, position, expected }) => {
    const res = await storingNothing(() => send('segmentPatch', payload));
    if (position === undefined) expectRuleRefused(res);
    else expectRuleError(res, position, expected);
  });

  it('left the players table whole', async () => {
    const { rows } = await env.pool.query("SELECT count(*)::int AS n FROM players WHERE external_ref LIKE 'bad-input-sc-%'");
    expect(rows[0].n).toBe(3);
  });
});

describe('400 validation_failed on the query string', () => {
  it.each(QUERY_CASES)('GET $route ?$query → 400 naming $fields', async ({ route, query, fields }) => {
    const res = await list(route, query);
    expectFields(res, fields);
  });

  it.each([
    { name: 'GET /v1/segments/:id/preview?limit=0 of an unknown segment', path: `/v1/segments/${NO_SEGMENT}/preview?limit=0`, field: 'limit' },
    { name: 'GET /v1/segments/:id/preview?foo=1 of an unknown segment', path: `/v1/segments/${NO_SEGMENT}/preview?foo=1`, field: 'foo' },
    { name: 'GET /v1/campaigns/:id/executions?limit=abc of an unknown campaign', path: `/v1/campaigns/${NO_CAMPAIGN}/executions?limit=abc`, field: 'limit' },
  ])('$name: the query is checked first (400, not 404)', async ({ path, field }) => {
    expectValidationFailed(await acme.admin.get(path), field);
  });

  it.each([
    { name: 'GET /v1/segments/:id', path: () => `/v1/segments/${segment.id}`, body: () => segment },
    { name: 'GET /v1/campaigns/:id', path: () => `/v1/campaigns/${campaign.id}`, body: () => campaign },
    { name: 'GET /v1/campaigns/:id/executions/:execution_id', path: () => `/v1/campaigns/${campaign.id}/executions/${FIXTURE_RUN}`, body: () => execution },
  ])('$name takes no query: ?limit=0&foo=1 is ignored (200, the object)', async ({ path, body }) => {
    const res = await acme.admin.get(`${path()}?limit=0&foo=1`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(body());
  });
});

describe('400 details name every offending field at once', () => {
  it('POST /v1/segments with a fault in every field', async () => {
    const res = await storingNothing(() => send('segment', json({ name: '', rule: 5, toInput: 1, sql: 'x' })));
    expectFields(res, ['name', 'rule', 'toInput', 'sql']);
  });

  it('POST /v1/campaigns with a fault in every field', async () => {
    const res = await storingNothing(() => send('campaign', json({ name: 'n'.repeat(201), segment_id: '', reward: { type: 'winz', amount: 1.5 }, schedule: null, active: true, toInput: 1 })));
    expectFields(res, ['name', 'segment_id', 'reward', 'schedule', 'active', 'toInput']);
  });

  it('POST /v1/campaigns with a schedule that is not cron next to other faults names them all', async () => {
    const res = await storingNothing(() => send('campaign', json({ ...CAMPAIGN_BASE, name: '', schedule: '61 * * * *', foo: 1 })));
    expectFields(res, ['name', 'schedule', 'foo']);
  });

  it('PATCH /v1/campaigns/:id with a schedule that is not cron next to other faults names them all', async () => {
    const res = await storingNothing(() => send('campaignPatch', json({ active: 'no', schedule: 'not cron' })));
    expectFields(res, ['active', 'schedule']);
  });

  it.each(ENDPOINTS)('%s with no body and no Content-Type at all → 400 naming (body)', async (endpoint) => {
    const res = await storingNothing(() => acme.admin.request(METHODS[endpoint], pathOf(endpoint), undefined));
    expectValidationFailed(res, '(body)');
  });

  it('the issues say what is wrong', async () => {
    const hashed = await send('campaignPatch', json({ schedule: 'H 9 * * 1' }));
    expect(hashed.body.error.details).toEqual([{ field: 'schedule', issue: expect.stringContaining('H') }]);
    const cron = await send('campaign', lazy(() => ({ ...CAMPAIGN(), schedule: '61 * * * *' })));
    expect(cron.body.error.details).toEqual([{ field: 'schedule', issue: expect.stringMatching(/cron/) }]);
    const fields = await send('campaign', lazy(() => ({ ...CAMPAIGN(), schedule: '* * *' })));
    expect(fields.body.error.details).toEqual([{ field: 'schedule', issue: expect.stringContaining('5 or 6 fields') }]);
    const reward = await send('campaign', lazy(() => ({ ...CAMPAIGN(), reward: { type: 'nothing' } })));
    expect(reward.body.error.details).toEqual([{ field: 'reward', issue: expect.stringMatching(/type must be one of winz, bonus, external, lootbox/) }]);
    const amount = await send('campaign', lazy(() => ({ ...CAMPAIGN(), reward: { type: 'winz', amount: -5 } })));
    expect(amount.body.error.details).toEqual([{ field: 'reward', issue: expect.stringContaining('amount must be an integer number of millis >= 1') }]);
    const run = await send('execute', json({ execution_id: 'scheduled:x' }));
    expect(run.body.error.details).toEqual([{ field: 'execution_id', issue: expect.stringContaining('scheduled:') }]);
    const active = await send('campaignPatch', json({ active: 'true' }));
    expect(active.body.error.details).toEqual([{ field: 'active', issue: expect.any(String) }]);
    const long = await send('segment', json({ ...SEGMENT, rule: ' '.repeat(10_001) }));
    expect(long.body.error.details).toEqual([{ field: 'rule', issue: expect.stringContaining('10000') }]);
  });
});

describe('422 and 409: well-formed bodies a business rule refuses, changing nothing', () => {
  const BAD_SEGMENT_REFS = [
    { name: 'an unknown segment', id: () => NO_SEGMENT },
    { name: 'a segment id without prefix', id: () => 'no-such-segment' },
    { name: "the other tenant's segment (no leak)", id: () => otherSegment.id },
    { name: 'a campaign id', id: () => campaign.id },
    { name: 'a bonus template id', id: () => template.id },
  ];

  it.each(BAD_SEGMENT_REFS)('POST /v1/campaigns naming $name → 422 invalid_segment', async ({ id }) => {
    const res = await storingNothing(() => send('campaign', lazy(() => ({ ...CAMPAIGN(), segment_id: id() }))));
    expectError(res, 422, 'invalid_segment');
    expect(res.body.error.details).toEqual([{ field: 'segment_id', issue: expect.any(String) }]);
  });

  it.each(BAD_SEGMENT_REFS)('PATCH /v1/campaigns/:id naming $name → 422 invalid_segment', async ({ id }) => {
    const res = await storingNothing(() => send('campaignPatch', lazy(() => ({ segment_id: id() }))));
    expectError(res, 422, 'invalid_segment');
    expect(res.body.error.details).toEqual([{ field: 'segment_id', issue: expect.any(String) }]);
  });

  const BAD_REWARD_REFS = [
    { name: 'an unknown bonus template', reward: () => ({ type: 'bonus', bonus_template_id: NO_TEMPLATE }) },
    { name: 'a bonus template id without prefix', reward: () => ({ type: 'bonus', bonus_template_id: 'no-such-template' }) },
    { name: "the other tenant's bonus template (no leak)", reward: () => ({ type: 'bonus', bonus_template_id: otherTemplate.id }) },
    { name: 'a lootbox id as a bonus template', reward: () => ({ type: 'bonus', bonus_template_id: box.id }) },
    { name: 'an unknown lootbox', reward: () => ({ type: 'lootbox', lootbox_id: NO_BOX }) },
    { name: "the other tenant's lootbox (no leak)", reward: () => ({ type: 'lootbox', lootbox_id: otherBox.id }) },
    { name: 'a bonus template id as a lootbox', reward: () => ({ type: 'lootbox', lootbox_id: template.id }) },
  ];

  it.each(BAD_REWARD_REFS)('POST /v1/campaigns with a reward naming $name → 422 invalid_reward', async ({ reward }) => {
    const res = await storingNothing(() => send('campaign', lazy(() => ({ ...CAMPAIGN(), reward: reward() }))));
    expectError(res, 422, 'invalid_reward');
    expect(res.body.error.details).toEqual([{ field: 'reward', issue: expect.any(String) }]);
  });

  it.each(BAD_REWARD_REFS)('PATCH /v1/campaigns/:id with a reward naming $name → 422 invalid_reward', async ({ reward }) => {
    const res = await storingNothing(() => send('campaignPatch', lazy(() => ({ name: 'Not renamed', reward: reward() }))));
    expectError(res, 422, 'invalid_reward');
    expect(res.body.error.details).toEqual([{ field: 'reward', issue: expect.any(String) }]);
  });

  it('POST /v1/campaigns naming an unknown segment and an unknown template: a 422, nothing stored', async () => {
    const res = await storingNothing(() => send('campaign', json({ ...CAMPAIGN_BASE, reward: { type: 'bonus', bonus_template_id: NO_TEMPLATE } })));
    expect(res.status).toBe(422);
    expect(['invalid_segment', 'invalid_reward']).toContain(res.body.error.code);
  });

  it('DELETE /v1/segments/:id of the segment the campaigns use → 409 segment_in_use', async () => {
    const res = await storingNothing(() => acme.admin.delete(`/v1/segments/${segment.id}`));
    expectError(res, 409, 'segment_in_use');
    expect((await acme.admin.get(`/v1/segments/${segment.id}`)).body).toEqual(segment);
  });

  it('DELETE /v1/campaigns/:id of a campaign with executions → 409 campaign_has_executions (active or not)', async () => {
    for (const id of [campaign.id, sibling.id]) {
      const res = await storingNothing(() => acme.admin.delete(`/v1/campaigns/${id}`));
      expectError(res, 409, 'campaign_has_executions');
    }
  });

  it('POST /v1/campaigns/:id/executions on a deactivated campaign → 409 campaign_inactive', async () => {
    for (const execution_id of ['sibling-run-2', 'bad-input-inactive']) {
      const res = await storingNothing(() => acme.admin.post(`/v1/campaigns/${sibling.id}/executions`, { execution_id }));
      expectError(res, 409, 'campaign_inactive');
    }
  });

  it('the fixture execution replays as it was (200, Idempotent-Replayed, nothing stored), also on a deactivated campaign', async () => {
    const res = await storingNothing(() => send('execute', json({ execution_id: FIXTURE_RUN })));
    expect(res.status).toBe(200);
    expect(res.headers.get('idempotent-replayed')).toBe('true');
    expect(res.body).toEqual(execution);
    const again = await storingNothing(() => acme.admin.post(`/v1/campaigns/${sibling.id}/executions`, { execution_id: 'sibling-run-1' }));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ execution_id: 'sibling-run-1', campaign_id: sibling.id, status: 'queued' });
  });

  it('a refused body on a campaign with executions, or a deactivated one, is still a 400', async () => {
    expectValidationFailed(await storingNothing(() => acme.admin.post(`/v1/campaigns/${sibling.id}/executions`, { execution_id: 'scheduled:x' })), 'execution_id');
    expectValidationFailed(await storingNothing(() => acme.admin.patch(`/v1/campaigns/${sibling.id}`, { active: 'true' })), 'active');
  });
});

describe('404 not_found', () => {
  it.each(ID_CASES)('$title → 404, changing nothing', async ({ request }) => {
    const res = await storingNothing(request);
    expectError(res, 404, 'not_found');
  });

  it.each(UNROUTABLE_CASES)('$title → $status before any route runs, in the one error shape, changing nothing', async ({ request, status }) => {
    const res = await storingNothing(request);
    if (status === 404) expectError(res, 404, 'not_found');
    else expectValidationFailed(res, '(path)');
  });

  it.each(BAD_EXECUTION_IDS)('GET /v1/campaigns/:id/executions/:execution_id with $label → 404', async ({ make }) => {
    const res = await storingNothing(() => acme.admin.get(`/v1/campaigns/${campaign.id}/executions/${make()}`));
    expectError(res, 404, 'not_found');
  });

  it("GET the other tenant's execution through its own campaign id with acme's key → 404", async () => {
    const res = await acme.admin.get(`/v1/campaigns/${otherCampaign.id}/executions/${otherExecution.execution_id}`);
    expectError(res, 404, 'not_found');
  });

  it.each([
    { name: 'POST /v1/campaigns/:id/executions', req: () => acme.admin.post(`/v1/campaigns/${NO_CAMPAIGN}/executions`, { execution_id: '' }), field: 'execution_id' },
    { name: 'PATCH /v1/campaigns/:id', req: () => acme.admin.patch(`/v1/campaigns/${NO_CAMPAIGN}`, { active: 1 }), field: 'active' },
    { name: 'PATCH /v1/campaigns/:id (a schedule that is not cron)', req: () => acme.admin.patch(`/v1/campaigns/${NO_CAMPAIGN}`, { schedule: '61 * * * *' }), field: 'schedule' },
    { name: 'PATCH /v1/segments/:id', req: () => acme.admin.patch(`/v1/segments/${NO_SEGMENT}`, { name: '' }), field: 'name' },
    { name: "PATCH /v1/segments/:id (the other tenant's)", req: () => acme.admin.patch(`/v1/segments/${otherSegment.id}`, { rule: 5 }), field: 'rule' },
  ])('a bad body for $name on an unknown object is a 400 (the body is checked first)', async ({ req, field }) => {
    expectValidationFailed(await storingNothing(req), field);
  });

  it('a valid PATCH of an unknown or foreign campaign naming an unknown segment is a 404, not a 422', async () => {
    for (const id of [NO_CAMPAIGN, otherCampaign.id]) {
      const res = await storingNothing(() => acme.admin.patch(`/v1/campaigns/${id}`, { segment_id: NO_SEGMENT, reward: { type: 'bonus', bonus_template_id: NO_TEMPLATE } }));
      expectError(res, 404, 'not_found');
    }
  });

  it("the other tenant's admin key reaches none of acme's segments, campaigns or executions (404) and changes nothing", async () => {
    const reqs = [
      () => other.admin.get(`/v1/segments/${segment.id}`),
      () => other.admin.patch(`/v1/segments/${segment.id}`, { name: 'Taken over' }),
      () => other.admin.delete(`/v1/segments/${segment.id}`),
      () => other.admin.get(`/v1/segments/${segment.id}/preview`),
      () => other.admin.get(`/v1/campaigns/${campaign.id}`),
      () => other.admin.patch(`/v1/campaigns/${campaign.id}`, { active: false }),
      () => other.admin.delete(`/v1/campaigns/${campaign.id}`),
      () => other.admin.post(`/v1/campaigns/${campaign.id}/executions`, { execution_id: 'taken-over' }),
      () => other.admin.post(`/v1/campaigns/${campaign.id}/executions`, { execution_id: FIXTURE_RUN }),
      () => other.admin.get(`/v1/campaigns/${campaign.id}/executions`),
      () => other.admin.get(`/v1/campaigns/${campaign.id}/executions/${FIXTURE_RUN}`),
      () => other.admin.post('/v1/campaigns', { ...CAMPAIGN_BASE, segment_id: segment.id }),
    ];
    for (const req of reqs) {
      const res = await storingNothing(req);
      expect(res.status).not.toBe(200);
      expect(res.status).not.toBe(201);
      expect(res.status).not.toBe(202);
      expect(res.status).not.toBe(204);
      if (res.status === 422) expectError(res, 422, 'invalid_segment');
      else expectError(res, 404, 'not_found');
    }
  });
});

describe('415 unsupported_media_type and 413 payload_too_large', () => {
  const CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/octet-stream', 'text/json'];

  describe.each(ENDPOINTS)('%s', (endpoint) => {
    it.each(CONTENT_TYPES)(`${TITLES[endpoint]} with a valid JSON body sent as %s → 415`, async (contentType) => {
      const res = await storingNothing(() => send(endpoint, lazy(() => VALID[endpoint]()), { headers: { 'content-type': contentType } }));
      expectError(res, 415, 'unsupported_media_type');
    });

    it(`${TITLES[endpoint]} with a valid JSON body and no Content-Type → 415`, async () => {
      const res = await storingNothing(() => sendWithoutContentType(endpoint, Buffer.from(JSON.stringify(VALID[endpoint]()))));
      expectError(res, 415, 'unsupported_media_type');
    });

    it(`${TITLES[endpoint]} with a JSON body just over 1 MiB → 413`, async () => {
      const text = JSON.stringify({ ...VALID[endpoint](), pad: 'p'.repeat(1024 * 1024) });
      expect(Buffer.byteLength(text)).toBeGreaterThan(1024 * 1024);
      const res = await storingNothing(() => clientFor(endpoint).rawSocketRequest(METHODS[endpoint], pathOf(endpoint), Buffer.from(text)));
      expectError(res, 413, 'payload_too_large');
    });
  });

  it('POST /v1/segments with a rule just over 1 MiB → 413, not a 400 about the rule', async () => {
    const text = JSON.stringify({ ...SEGMENT, rule: 'vip_level = 1 OR '.repeat(70_000) });
    expect(Buffer.byteLength(text)).toBeGreaterThan(1024 * 1024);
    const res = await storingNothing(() => acme.admin.rawSocketRequest('POST', '/v1/segments', Buffer.from(text)));
    expectError(res, 413, 'payload_too_large');
  });
});

describe('request ids on errors', () => {
  it("echoes the caller's X-Request-Id on a 400 about a rule, a 404, a 409 and a 422", async () => {
    const bad = await send('segment', json({ ...SEGMENT, rule: 'min_vip_level=2 AND' }), { headers: { 'x-request-id': 'caller-req.sc-1' } });
    expectRuleError(bad, 19, FACTOR);
    expect(bad.body.request_id).toBe('caller-req.sc-1');
    const missing = await acme.admin.get(`/v1/campaigns/${NO_CAMPAIGN}`, { headers: { 'x-request-id': 'caller-req.sc-2' } });
    expectError(missing, 404, 'not_found');
    expect(missing.body.request_id).toBe('caller-req.sc-2');
    const inUse = await acme.admin.delete(`/v1/segments/${segment.id}`, { headers: { 'x-request-id': 'caller-req.sc-3' } });
    expectError(inUse, 409, 'segment_in_use');
    expect(inUse.body.request_id).toBe('caller-req.sc-3');
    const rule = await send('campaign', json({ ...CAMPAIGN_BASE }), { headers: { 'x-request-id': 'caller-req.sc-4' } });
    expectError(rule, 422, 'invalid_segment');
    expect(rule.body.request_id).toBe('caller-req.sc-4');
  });

  it('gives every error its own request id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await send('execute', json({ execution_id: '' }))).body.request_id);
    expect(ids.size).toBe(5);
  });
});

describe('authentication and scope come before the body', () => {
  const BAD_BODIES: Array<{ name: string; payload: Payload; headers?: Record<string, string> }> = [
    { name: 'malformed JSON', payload: raw('{"rule":') },
    { name: 'an empty body', payload: raw('') },
    { name: 'a JSON array', payload: raw('[]') },
    { name: 'ill-typed fields', payload: json({ name: 5, rule: [], reward: 'x', schedule: 1, execution_id: null, active: 'yes' }) },
    { name: 'a rule that does not parse', payload: json({ name: 'x', rule: 'min_vip_level=2 AND' }) },
    { name: 'a hostile rule', payload: json({ name: 'x', rule: "'; DROP TABLE players; --" }) },
    { name: 'unknown and shadowing fields', payload: json({ foo: 1, toInput: 1, constructor: 1 }) },
    { name: 'a text/plain body', payload: raw('hello'), headers: { 'content-type': 'text/plain' } },
  ];
  const cases = ENDPOINTS.flatMap((endpoint) => [
    ...BAD_BODIES.map((b) => ({ endpoint, ...b, title: `${TITLES[endpoint]} with ${b.name}` })),
    { endpoint, name: 'the valid base body', payload: lazy(() => VALID[endpoint]()), headers: undefined, title: `${TITLES[endpoint]} with the valid base body` },
  ]);

  it.each(cases)('$title and no Authorization → 401', async ({ endpoint, payload, headers }) => {
    const res = await storingNothing(() => send(endpoint, payload, { headers, anonymous: true }));
    expectError(res, 401, 'unauthorized');
  });

  it.each(cases)('$title and an unknown key → 401', async ({ endpoint, payload, headers }) => {
    const res = await storingNothing(() => send(endpoint, payload, { headers, key: 'wz_admin_not-a-real-key' }));
    expectError(res, 401, 'unauthorized');
  });

  it.each(cases)("$title and the tenant's server key → 403", async ({ endpoint, payload, headers }) => {
    const res = await storingNothing(() => send(endpoint, payload, { headers, key: acme.serverKey }));
    expectError(res, 403, 'forbidden');
  });

  const ROUTES: Array<{ name: string; write?: true; request: (client: HttpClient, opts: { key?: string }) => Promise<HttpResponse> }> = [
    { name: 'GET /v1/segments', request: (c, o) => c.get('/v1/segments', o) },
    { name: 'GET /v1/segments?limit=0 (a bad query)', request: (c, o) => c.get('/v1/segments?limit=0', o) },
    { name: 'GET /v1/segments/:id', request: (c, o) => c.get(`/v1/segments/${segment.id}`, o) },
    { name: 'GET /v1/segments/:id of an unknown segment', request: (c, o) => c.get(`/v1/segments/${NO_SEGMENT}`, o) },
    { name: 'GET /v1/segments/:id/preview', request: (c, o) => c.get(`/v1/segments/${segment.id}/preview`, o) },
    { name: 'GET /v1/segments/:id/preview?limit=101 (a bad query)', request: (c, o) => c.get(`/v1/segments/${segment.id}/preview?limit=101`, o) },
    { name: 'DELETE /v1/segments/:id (in use)', write: true, request: (c, o) => c.delete(`/v1/segments/${segment.id}`, o) },
    { name: 'DELETE /v1/segments/:id of an unknown segment', write: true, request: (c, o) => c.delete(`/v1/segments/${NO_SEGMENT}`, o) },
    { name: 'GET /v1/campaigns', request: (c, o) => c.get('/v1/campaigns', o) },
    { name: 'GET /v1/campaigns/:id', request: (c, o) => c.get(`/v1/campaigns/${campaign.id}`, o) },
    { name: 'DELETE /v1/campaigns/:id (with executions)', write: true, request: (c, o) => c.delete(`/v1/campaigns/${campaign.id}`, o) },
    { name: 'DELETE /v1/campaigns/:id of an unknown campaign', write: true, request: (c, o) => c.delete(`/v1/campaigns/${NO_CAMPAIGN}`, o) },
    { name: 'GET /v1/campaigns/:id/executions', request: (c, o) => c.get(`/v1/campaigns/${campaign.id}/executions`, o) },
    { name: 'GET /v1/campaigns/:id/executions?foo=1 (a bad query)', request: (c, o) => c.get(`/v1/campaigns/${campaign.id}/executions?foo=1`, o) },
    { name: 'GET /v1/campaigns/:id/executions/:execution_id', request: (c, o) => c.get(`/v1/campaigns/${campaign.id}/executions/${FIXTURE_RUN}`, o) },
    { name: 'GET /v1/campaigns/:id/executions/:execution_id of an unknown execution', request: (c, o) => c.get(`/v1/campaigns/${campaign.id}/executions/no-such-run`, o) },
  ];

  it.each(ROUTES)('$name: no key → 401, an unknown key → 401, the platform key → 401', async ({ request: req }) => {
    expectError(await storingNothing(() => req(api.http, {})), 401, 'unauthorized');
    expectError(await storingNothing(() => req(api.http, { key: 'wz_admin_not-a-real-key' })), 401, 'unauthorized');
    expectError(await storingNothing(() => req(api.platform, {})), 401, 'unauthorized');
  });

  it.each(ROUTES.filter((r) => r.write))('$name: the server key → 403', async ({ request: req }) => {
    expectError(await storingNothing(() => req(acme.server, {})), 403, 'forbidden');
  });

  // Reads are open to the server key (API.md §1: "players, events, opens, reads").
  it.each(ROUTES.filter((r) => !r.write))("$name: the server key gets the admin key's answer", async ({ request: req }) => {
    const asServer = await storingNothing(() => req(acme.server, {}));
    const asAdmin = await req(acme.admin, {});
    expect(asServer.status).toBe(asAdmin.status);
    // an error's request_id is per request; everything else is the same
    expect({ ...asServer.body, request_id: undefined }).toEqual({ ...asAdmin.body, request_id: undefined });
  });

  it("the other tenant's server key on acme's objects: a read → 404, a change → 403 (scope before existence)", async () => {
    expectError(await other.server.get(`/v1/segments/${segment.id}`), 404, 'not_found');
    expectError(await other.server.post(`/v1/campaigns/${campaign.id}/executions`, EXECUTE), 403, 'forbidden');
  });

  it('the platform key on a tenant route with a bad body → 401', async () => {
    const paths: Array<[string, string]> = [
      ['POST', '/v1/segments'],
      ['PATCH', `/v1/segments/${segment.id}`],
      ['POST', '/v1/campaigns'],
      ['PATCH', `/v1/campaigns/${campaign.id}`],
      ['POST', `/v1/campaigns/${campaign.id}/executions`],
    ];
    for (const [method, path] of paths) {
      expectError(await storingNothing(() => api.platform.request(method, path, undefined, { raw: '{' })), 401, 'unauthorized');
    }
  });

  it.each(QUERY_CASES.filter((c) => c.fields.length > 1))('GET $route?$query with no Authorization → 401', async ({ route, query }) => {
    expectError(await list(route, query, { anonymous: true }), 401, 'unauthorized');
  });
});

describe('after the whole matrix', () => {
  it('changed nothing: no segment, campaign, execution, member, grant, bonus, ledger entry, player or outbox event was added or altered', async () => {
    expect(await countAll()).toEqual(rowsBefore);
  });

  it('left the fixture segment, campaign and execution as they were', async () => {
    expect((await acme.admin.get(`/v1/segments/${segment.id}`)).body).toEqual(segment);
    expect((await acme.admin.get(`/v1/campaigns/${campaign.id}`)).body).toEqual(campaign);
    expect((await acme.admin.get(`/v1/campaigns/${campaign.id}/executions/${FIXTURE_RUN}`)).body).toEqual(execution);
    expect((await acme.admin.get(`/v1/campaigns/${campaign.id}/executions`)).body).toEqual({ data: [execution], next_cursor: null });
  });

  it('lists exactly the fixtures for acme, and left the other tenant’s alone', async () => {
    expect((await acme.admin.get('/v1/segments?limit=500')).body).toEqual({ data: [segment], next_cursor: null });
    const campaigns = (await acme.admin.get('/v1/campaigns?limit=500')).body;
    expect(campaigns.data.map((c: { id: string }) => c.id).sort()).toEqual([campaign.id, sibling.id].sort());
    expect((await other.admin.get(`/v1/segments/${otherSegment.id}`)).body).toEqual(otherSegment);
    expect((await other.admin.get(`/v1/campaigns/${otherCampaign.id}`)).body).toEqual(otherCampaign);
    expect((await other.admin.get(`/v1/campaigns/${otherCampaign.id}/executions/other-run-1`)).body).toEqual(otherExecution);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The controls: the valid bodies and queries the matrix was made from, and the boundary values next to the
// refused ones, are accepted (so each refusal above was about the one change).

describe('the valid bodies the matrix was made from are accepted', () => {
  it('POST /v1/segments accepts the base segment', async () => {
    const res = await send('segment', json(SEGMENT));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^seg_/),
      name: SEGMENT.name,
      rule: SEGMENT.rule,
      canonical_rule: 'vip_level >= 2 AND last_deposit_at < now() - 7d',
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it('GET /v1/segments/:id/preview counts and samples the matching players', async () => {
    const all = await acme.admin.get(`/v1/segments/${segment.id}/preview`);
    expect(all.status).toBe(200);
    expect(all.body.count).toBe(2);
    expect(all.body.sample.map((p: { external_ref: string }) => p.external_ref).sort()).toEqual(['bad-input-sc-vip3', 'bad-input-sc-vip5']);
    for (const [query, size] of [['limit=1', 1], ['limit=100', 2], ['limit=001', 1]] as const) {
      const res = await acme.admin.get(`/v1/segments/${segment.id}/preview?${query}`);
      expect({ query, status: res.status, count: res.body.count, sample: res.body.sample?.length }).toEqual({ query, status: 200, count: 2, sample: size });
    }
  });

  it('POST /v1/campaigns accepts the base campaign and answers it', async () => {
    const res = await send('campaign', lazy(CAMPAIGN));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^cmp_/),
      name: CAMPAIGN_BASE.name,
      segment_id: segment.id,
      reward: WINZ,
      schedule: CAMPAIGN_BASE.schedule,
      active: true,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it('PATCH /v1/segments/:id and /v1/campaigns/:id accept the base patches (on objects of their own)', async () => {
    const seg = await created(acme.admin.post('/v1/segments', { name: 'To patch', rule: 'vip_level = 1' }), 'segment to patch');
    const res = await acme.admin.patch(`/v1/segments/${seg.id}`, SEGMENT_PATCH);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: seg.id, ...SEGMENT_PATCH, canonical_rule: 'vip_level >= 3' });
    const cmp = await created(acme.admin.post('/v1/campaigns', { ...CAMPAIGN_BASE, name: 'To patch', segment_id: seg.id }), 'campaign to patch');
    const patched = await acme.admin.patch(`/v1/campaigns/${cmp.id}`, CAMPAIGN_PATCH);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: cmp.id, segment_id: seg.id, ...CAMPAIGN_PATCH });
  });

  it('POST /v1/campaigns/:id/executions accepts the base execution id (202, queued), then replays it (200)', async () => {
    const first = await send('execute', json(EXECUTE));
    expect(first.status).toBe(202);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(first.body).toMatchObject({ execution_id: EXECUTE.execution_id, campaign_id: campaign.id, status: 'queued', matched: 0, granted: 0, skipped: 0, failed: 0 });
    const again = await send('execute', json(EXECUTE));
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it.each([
    { route: 'segments' as const, query: 'limit=1' },
    { route: 'segments' as const, query: 'limit=500' },
    { route: 'campaigns' as const, query: 'limit=1' },
    { route: 'campaigns' as const, query: 'limit=500' },
    { route: 'executions' as const, query: 'limit=1' },
    { route: 'executions' as const, query: 'limit=500' },
    { route: 'segments' as const, query: `cursor=${cursorOf('seg')}` },
    { route: 'campaigns' as const, query: `cursor=${cursorOf('cmp')}` },
    { route: 'executions' as const, query: `cursor=${cursorOf('exe')}` },
  ])('GET $route?$query → 200', async ({ route, query }) => {
    const res = await list(route, query);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['data', 'next_cursor']);
    expect(Array.isArray(res.body.data)).toBe(true);
  });

  it('wrote the rows those controls should have written, and granted nothing', async () => {
    const now = await countAll();
    expect((now.segments as number) - (rowsBefore.segments as number)).toBe(2);
    expect((now.campaigns as number) - (rowsBefore.campaigns as number)).toBe(2);
    expect((now.campaign_executions as number) - (rowsBefore.campaign_executions as number)).toBe(1);
    expect(now).toMatchObject({ players: rowsBefore.players, campaign_execution_members: 0, reward_grants: 0, bonus_grants: 0, ledger_entries: rowsBefore.ledger_entries });
  });
});

describe('the boundary values next to the refused ones are accepted', () => {
  it.each([
    { name: 'a 200-character name', body: { ...SEGMENT, name: 'n'.repeat(200) }, canonical: SEGMENT.rule.replace('min_vip_level=2', 'vip_level >= 2') },
    { name: 'a 1-character name', body: { ...SEGMENT, name: 'n' }, canonical: 'vip_level >= 2 AND last_deposit_at < now() - 7d' },
    { name: 'an empty rule (every player)', body: { ...SEGMENT, rule: '' }, canonical: '' },
    { name: 'a rule of only whitespace', body: { ...SEGMENT, rule: ' \t\r\n ' }, canonical: '' },
    { name: 'a null rule (every player, stored as the empty rule)', body: { ...SEGMENT, rule: null }, canonical: '' },
    { name: 'a rule of exactly 10,000 characters', body: { ...SEGMENT, rule: `vip_level = 1${' '.repeat(10_000 - 13)}` }, canonical: 'vip_level = 1' },
    { name: 'keywords and fields in any case, newlines and tabs', body: { ...SEGMENT, rule: "Vip_Level >= 2\n\tand NOT country in ('FR')" }, canonical: "vip_level >= 2 AND NOT country IN ('FR')" },
    { name: '32 nested parentheses', body: { ...SEGMENT, rule: `${'('.repeat(32)}vip_level = 1${')'.repeat(32)}` }, canonical: 'vip_level = 1' },
    { name: 'an IN list of 1,000 values', body: { ...SEGMENT, rule: `vip_level IN (${Array.from({ length: 1_000 }, () => '1').join(',')})` }, canonical: undefined },
    { name: 'a text of 1,000 characters', body: { ...SEGMENT, rule: `country = '${'x'.repeat(1_000)}'` }, canonical: `country = '${'x'.repeat(1_000)}'` },
    { name: 'attributes with five names', body: { ...SEGMENT, rule: 'attributes.a.b.c.d.e = 1' }, canonical: 'attributes.a.b.c.d.e = 1' },
    { name: 'a duration of 5200 weeks', body: { ...SEGMENT, rule: 'registered_at > now() - 5200w' }, canonical: 'registered_at > now() - 5200w' },
    { name: 'SQL inside a quoted text is only text', body: { ...SEGMENT, rule: "country = '''; DROP TABLE players; --'" }, canonical: "country = '''; DROP TABLE players; --'" },
    { name: 'unicode and an emoji inside a quoted text', body: { ...SEGMENT, rule: "country = 'Ελλάδα \u{1f3b0}'" }, canonical: "country = 'Ελλάδα \u{1f3b0}'" },
    { name: 'a control character inside a quoted text', body: { ...SEGMENT, rule: "attributes.note = 'a\u0001b'" }, canonical: "attributes.note = 'a\u0001b'" },
  ])('POST /v1/segments: $name → 201', async ({ body, canonical }) => {
    const res = await send('segment', json(body));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: body.name, rule: body.rule ?? '' });
    if (canonical !== undefined) expect(res.body.canonical_rule).toBe(canonical);
  });

  it('a segment whose rule holds SQL in a text previews with parameters: the text matches nobody, the rest of the rule works', async () => {
    const seg = await created(acme.admin.post('/v1/segments', { name: 'Hostile text', rule: "country = '''; DROP TABLE players; --' OR vip_level IN (3)" }), 'hostile segment');
    const res = await acme.admin.get(`/v1/segments/${seg.id}/preview`);
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(1);
    expect(res.body.sample.map((p: { external_ref: string }) => p.external_ref)).toEqual(['bad-input-sc-vip3']);
  });

  it.each([
    { name: 'a 200-character name and no schedule', change: { name: 'n'.repeat(200), schedule: undefined }, schedule: null },
    { name: 'a 6-field schedule (seconds first)', change: { schedule: '0 0 9 * * 1' }, schedule: '0 0 9 * * 1' },
    { name: 'a schedule with names, lists, ranges and steps', change: { schedule: '*/15 8-18 * JAN,JUL MON-FRI' }, schedule: '*/15 8-18 * JAN,JUL MON-FRI' },
    { name: 'a schedule on the last day of the month', change: { schedule: '0 9 L * *' }, schedule: '0 9 L * *' },
    { name: 'a schedule with names holding an H (MAR, THU)', change: { schedule: '0 9 * MAR,AUG MON-THU' }, schedule: '0 9 * MAR,AUG MON-THU' },
    { name: 'a 120-character schedule', change: { schedule: `0 9 * * 1${' '.repeat(111)}` }, schedule: `0 9 * * 1${' '.repeat(111)}` },
    { name: 'a winz reward of 1 millis', change: { reward: { type: 'winz', amount: 1 } }, schedule: '0 9 * * 1' },
    { name: 'a winz reward of 2^53 − 1 millis', change: { reward: { type: 'winz', amount: Number.MAX_SAFE_INTEGER } }, schedule: '0 9 * * 1' },
    { name: 'an external reward with a 500-character description', change: { reward: { ...EXTERNAL, description: 'd'.repeat(500) } }, schedule: '0 9 * * 1' },
  ])('POST /v1/campaigns: $name → 201', async ({ change, schedule }) => {
    const res = await send('campaign', changed(CAMPAIGN, change));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ segment_id: segment.id, schedule, active: true, ...('reward' in change && { reward: change.reward }) });
  });

  it.each([
    { name: "a bonus reward naming acme's template", reward: () => ({ type: 'bonus', bonus_template_id: template.id }) },
    { name: "a lootbox reward naming acme's box", reward: () => ({ type: 'lootbox', lootbox_id: box.id }) },
  ])('POST /v1/campaigns: $name → 201', async ({ reward }) => {
    const res = await send('campaign', lazy(() => ({ ...CAMPAIGN(), reward: reward() })));
    expect(res.status).toBe(201);
    expect(res.body.reward).toEqual(reward());
  });

  it('PATCH /v1/segments/:id: an empty patch, a new name, a null rule (every player), a rule of 10,000 characters', async () => {
    const seg = await created(acme.admin.post('/v1/segments', { name: 'Patch me', rule: 'vip_level = 1' }), 'segment to patch');
    const empty = await acme.admin.patch(`/v1/segments/${seg.id}`, {});
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ name: 'Patch me', rule: 'vip_level = 1' });
    expect((await acme.admin.patch(`/v1/segments/${seg.id}`, { name: 'p'.repeat(200) })).body).toMatchObject({ name: 'p'.repeat(200), rule: 'vip_level = 1' });
    expect((await acme.admin.patch(`/v1/segments/${seg.id}`, { rule: null })).body).toMatchObject({ rule: '', canonical_rule: '' });
    const long = `vip_level = 2${' '.repeat(10_000 - 13)}`;
    expect((await acme.admin.patch(`/v1/segments/${seg.id}`, { rule: long })).body).toMatchObject({ rule: long, canonical_rule: 'vip_level = 2' });
  });

  it('PATCH /v1/campaigns/:id: schedule null removes it, active toggles, the segment and reward change, an empty patch keeps all', async () => {
    const seg = await created(acme.admin.post('/v1/segments', { name: 'Other target', rule: 'vip_level >= 5' }), 'segment');
    const cmp = await created(send('campaign', lazy(CAMPAIGN)), 'campaign to patch');
    const unscheduled = await acme.admin.patch(`/v1/campaigns/${cmp.id}`, { schedule: null });
    expect(unscheduled.status).toBe(200);
    expect(unscheduled.body).toMatchObject({ id: cmp.id, schedule: null, active: true });
    expect((await acme.admin.patch(`/v1/campaigns/${cmp.id}`, { active: false })).body).toMatchObject({ active: false, schedule: null });
    expect((await acme.admin.patch(`/v1/campaigns/${cmp.id}`, { active: true, schedule: '0 0 9 * * 1' })).body).toMatchObject({ active: true, schedule: '0 0 9 * * 1' });
    const moved = await acme.admin.patch(`/v1/campaigns/${cmp.id}`, { segment_id: seg.id, reward: { type: 'bonus', bonus_template_id: template.id } });
    expect(moved.body).toMatchObject({ segment_id: seg.id, reward: { type: 'bonus', bonus_template_id: template.id } });
    const empty = await acme.admin.patch(`/v1/campaigns/${cmp.id}`, {});
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ segment_id: seg.id, schedule: '0 0 9 * * 1', active: true });
    // the segment it names now cannot go while it does
    expect((await acme.admin.delete(`/v1/segments/${seg.id}`)).status).toBe(409);
    // a campaign that never ran can go, and then its segment too
    expect((await acme.admin.delete(`/v1/campaigns/${cmp.id}`)).status).toBe(204);
    expectError(await acme.admin.get(`/v1/campaigns/${cmp.id}`), 404, 'not_found');
    expect((await acme.admin.delete(`/v1/segments/${seg.id}`)).status).toBe(204);
    expectError(await acme.admin.get(`/v1/segments/${seg.id}`), 404, 'not_found');
  });

  it.each([
    { name: 'one character', id: 'a' },
    { name: 'one digit', id: '7' },
    { name: '128 characters', id: 'e'.repeat(128) },
    { name: 'every allowed character', id: 'Az09._:-' },
    { name: 'scheduled without the colon', id: 'scheduled-2026' },
    { name: 'a colon later on', id: 'manual:scheduled:2026' },
  ])('POST /v1/campaigns/:id/executions with an execution_id of $name → 202', async ({ id }) => {
    const res = await send('execute', json({ execution_id: id }));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ execution_id: id, campaign_id: campaign.id, status: 'queued' });
    const got = await acme.admin.get(`/v1/campaigns/${campaign.id}/executions/${encodeURIComponent(id)}`);
    expect(got.body).toEqual(res.body);
  });
});
