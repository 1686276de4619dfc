// Bad input on journeys and lootboxes (API.md §1, §4, §6, §7, §9):
//   POST /v1/journeys                   (admin key)
//   POST /v1/journeys/:id/deactivate    (admin key)
//   POST /v1/lootbox                    (admin key)
//   POST /v1/lootbox/:id/open           (server key)
//   POST /v1/lootbox/:id/rotate-seed    (admin key)
// and the query strings of GET /v1/journeys, /v1/lootbox, /v1/lootbox/:id/seeds and
// /v1/players/:player/lootbox-opens.
//
// Every case must answer the one error body with the right status and code, a 400 must name the offending
// field(s) in `details`, `request_id` must equal the X-Request-Id header, and nothing may be stored: the row
// counts of the journey, lootbox and money tables (and players, which an open may create on the fly, and
// outbox_events) are taken before the whole matrix and compared after it. Authentication and scope come
// before the body.
//
// The last blocks show the matrix tested the right thing: the valid bodies the bad ones were made from, and
// the boundary values next to the refused ones, are accepted.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { HttpClient, HttpResponse } from '../support/http.js';
import { startApiProcess, type RunningApi } from '../support/processes.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { createPlayer, createTenant, type TestTenant } from '../support/factories.js';
import { type Payload, type BadCase, type SendOptions, bodyOf, expectError, expectFields, expectValidationFailed, json, raw, lazy, without, fieldCases, missingCases, unknownCases, rawWith, RAW } from '../support/bad-input.js';

/** A cursor of the right shape (an id) that names no item: a list answers the items before it. */
const WELL_FORMED_CURSOR = `zzz_${'z'.repeat(26)}`;
/** Such a cursor of the kind of id a list has (`zzz_` is no kind: every list refuses it). */
const cursorOf = (prefix: string) => `${prefix}_${'z'.repeat(26)}`;

let env: TestEnv;
let api: RunningApi;
let acme: TestTenant;
/** Another tenant, whose objects acme must not reach (404 / 422, never a leak). */
let other: TestTenant;
/** The player the opens name (USD, not excluded); it must never open anything during the matrix. */
let player: any;
/** A self-excluded player, and one excluded until a date in the future. */
let excluded: any;
let excludedUntil: any;
/** A real no_deposit template (USD, fixed 10.00) that journey rewards and lootbox prizes may name. */
let template: any;
/** The box every open, seeds and rotate-seed case targets (WINZ, a prize table, EV 1000). */
let box: any;
/** The other tenant's box, journey, template and player. */
let otherBox: any;
let otherPlayer: any;
let otherJourney: any;
let otherTemplate: any;
let rowsBefore: Record<string, number>;

const PLAYER_REF = 'bad-input-lootbox-player';
const EXCLUDED_REF = 'bad-input-lootbox-excluded';
const EXCLUDED_UNTIL_REF = 'bad-input-lootbox-excluded-until';
/** Well-formed ids that name nothing. */
const NO_BOX = 'lbx_01m815s5g0tv8swys7gz4j0g32';
const NO_JOURNEY = 'jny_01m815s5g0tv8swys7gz4j0g32';
const NO_TEMPLATE = 'btp_01m815s5g0tv8swys7gz4j0g32';

const TABLES = [
  'journeys',
  'journey_progress',
  'journey_event_applications',
  'lootboxes',
  'lootbox_seeds',
  'lootbox_opens',
  'bonus_templates',
  'bonus_grants',
  'ledger_transactions',
  'ledger_entries',
  'reward_grants',
  'player_events',
  'players',
  'outbox_events',
] as const;

async function countAll(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const { rows } = await env.pool.query<{ n: string }>(`SELECT count(*) n FROM ${table}`);
    counts[table] = Number(rows[0].n);
  }
  return counts;
}

async function created(res: Promise<HttpResponse>, what: string): Promise<any> {
  const r = await res;
  if (r.status !== 201) throw new Error(`${what} failed: ${r.status} ${r.text}`);
  return r.body;
}

beforeAll(async () => {
  env = await createTestEnv();
  api = await startApiProcess(env.env);
  acme = await createTenant(api.platform, 'Acme');
  other = await createTenant(api.platform, 'Other');
  player = await createPlayer(acme.server, { external_ref: PLAYER_REF, currency: 'USD', country: 'DE' });
  excluded = await createPlayer(acme.server, { external_ref: EXCLUDED_REF, currency: 'USD' });
  const patched = await acme.server.patch(`/v1/players/${excluded.id}`, { self_excluded: true });
  if (patched.status !== 200 || patched.body.self_excluded !== true) throw new Error(`exclusion failed: ${patched.status} ${patched.text}`);
  excludedUntil = await createPlayer(acme.server, { external_ref: EXCLUDED_UNTIL_REF, currency: 'USD' });
  const until = await acme.server.patch(`/v1/players/${excludedUntil.id}`, { excluded_until: '2099-01-01T00:00:00Z' });
  if (until.status !== 200) throw new Error(`exclusion failed: ${until.status} ${until.text}`);
  template = await created(acme.admin.post('/v1/bonus-templates', TEMPLATE), 'template');
  box = await created(acme.admin.post('/v1/lootbox', { ...LOOTBOX, name: 'Fixture box' }), 'lootbox');
  otherTemplate = await created(other.admin.post('/v1/bonus-templates', TEMPLATE), 'other template');
  otherBox = await created(other.admin.post('/v1/lootbox', { ...LOOTBOX, name: 'Other box' }), 'other lootbox');
  otherJourney = await created(other.admin.post('/v1/journeys', JOURNEY), 'other journey');
  otherPlayer = await createPlayer(other.server, { external_ref: 'bad-input-other-player' });
  rowsBefore = await countAll();
});

afterAll(async () => {
  await api?.stop();
  await env?.close();
});

// ---------------------------------------------------------------------------------------------------------
// Endpoints and assertions

type Endpoint = 'journey' | 'lootbox' | 'open';
const ENDPOINTS: Endpoint[] = ['journey', 'lootbox', 'open'];
const ADMIN_ONLY: Endpoint[] = ['journey', 'lootbox'];

const TITLES: Record<Endpoint, string> = {
  journey: 'POST /v1/journeys',
  lootbox: 'POST /v1/lootbox',
  open: 'POST /v1/lootbox/:id/open',
};

function pathOf(endpoint: Endpoint): string {
  switch (endpoint) {
    case 'journey':
      return '/v1/journeys';
    case 'lootbox':
      return '/v1/lootbox';
    case 'open':
      return `/v1/lootbox/${box.id}/open`;
  }
}

function clientFor(endpoint: Endpoint): HttpClient {
  return ADMIN_ONLY.includes(endpoint) ? acme.admin : acme.server;
}

function post(client: HttpClient, path: string, payload: Payload, opts: Omit<SendOptions, 'anonymous'> = {}): Promise<HttpResponse> {
  const { raw: rawBody, body } = bodyOf(payload);
  return rawBody !== undefined ? client.post(path, undefined, { ...opts, raw: rawBody }) : client.post(path, body, opts);
}

function send(endpoint: Endpoint, payload: Payload, { anonymous, ...opts }: SendOptions = {}): Promise<HttpResponse> {
  return post(anonymous ? api.http : clientFor(endpoint), pathOf(endpoint), payload, opts);
}

/** A request with a body and no Content-Type at all (HttpClient always adds one, fetch adds none for bytes). */
async function sendWithoutContentType(endpoint: Endpoint, bytes: Buffer): Promise<HttpResponse> {
  const res = await fetch(`${api.url}${pathOf(endpoint)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${clientFor(endpoint).defaultKey}` },
    body: new Uint8Array(bytes),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined, text };
}

// Keys that name a function on the DTO (its methods, and everything on Object.prototype): a copy that
// looked only at the DTO's properties would let them through.
const SHADOWING_KEYS = ['constructor', 'toInput', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

const TWO_53 = 2 ** 53;

const BAD_TIMESTAMPS: Array<[string, unknown]> = [
  ['a date without time', '2026-05-01'],
  ['month 13', '2026-13-01T00:00:00Z'],
  ['an impossible date 2026-02-30', '2026-02-30T00:00:00Z'],
  ['an impossible date 2027-02-29', '2027-02-29T00:00:00Z'],
  ['day 31 of April', '2026-04-31T00:00:00Z'],
  ['day 0', '2026-05-00T00:00:00Z'],
  ['hour 25', '2026-05-01T25:00:00Z'],
  ['minute 60', '2026-05-01T12:60:00Z'],
  ['an offset out of range', '2026-05-01T12:00:00+25:00'],
  ['no time zone', '2026-05-01T12:00:00'],
  ['a space instead of T', '2026-05-01 12:00:00Z'],
  ['a word', 'tomorrow'],
  ['epoch millis', 1_777_636_800_000],
  ['epoch millis as a string', '1777636800000'],
  ['empty', ''],
  ['null', null],
  ['an object', { at: '2026-05-01T12:00:00Z' }],
  ['year 9999 as written, 10000 in UTC', '9999-12-31T23:59:59-01:00'],
  ['year 1970 as written, 1969 in UTC', '1970-01-01T00:30:00+01:00'],
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
    ['NaN literal', `${text.slice(0, -1)},"ev_target":NaN}`],
    ['Infinity literal', `${text.slice(0, -1)},"count":Infinity}`],
    ['hex number', `${text.slice(0, -1)},"weight":0x10}`],
    ['leading zero', `${text.slice(0, -1)},"count":01}`],
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
  return forms.map(([name, body]) => ({ name, payload: raw(body), fields: ['(body)'] }));
}

// ---------------------------------------------------------------------------------------------------------
// Rewards (API.md §6): shapes no reward field accepts, wherever it is.

const WINZ = { type: 'winz', amount: 5_000 };
const EXTERNAL = { type: 'external', amount: 100_000, currency: 'USD', description: 'Weekend in Vegas' };

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
  ['type in the wrong case', { type: 'WINZ', amount: 5_000 }],
  ['type a number', { type: 1, amount: 5_000 }],
  ['type null', { type: null, amount: 5_000 }],
  ['winz without amount', { type: 'winz' }],
  ['winz with amount 1.5', { type: 'winz', amount: 1.5 }],
  ['winz with amount "5000"', { type: 'winz', amount: '5000' }],
  ['winz with amount 0', { type: 'winz', amount: 0 }],
  ['winz with amount -5', { type: 'winz', amount: -5 }],
  ['winz with amount 2^53', { type: 'winz', amount: TWO_53 }],
  ['winz with amount null', { type: 'winz', amount: null }],
  ['winz with an extra currency', { ...WINZ, currency: 'USD' }],
  ['winz with an unknown key', { ...WINZ, foo: 1 }],
  ['winz with a constructor key', { ...WINZ, constructor: 1 }],
  ['bonus without bonus_template_id', { type: 'bonus' }],
  ['bonus with bonus_template_id a number', { type: 'bonus', bonus_template_id: 5 }],
  ['bonus with bonus_template_id empty', { type: 'bonus', bonus_template_id: '' }],
  ['bonus with bonus_template_id of 65 characters', { type: 'bonus', bonus_template_id: 'b'.repeat(65) }],
  ['bonus with an extra amount', { type: 'bonus', bonus_template_id: NO_TEMPLATE, amount: 5_000 }],
  ['external without currency', without(EXTERNAL, 'currency')],
  ['external without description', without(EXTERNAL, 'description')],
  ['external without amount', without(EXTERNAL, 'amount')],
  ['external with a lowercase currency', { ...EXTERNAL, currency: 'usd' }],
  ['external with currency WINZ', { ...EXTERNAL, currency: 'WINZ' }],
  ['external with an empty description', { ...EXTERNAL, description: '' }],
  ['external with a 501-character description', { ...EXTERNAL, description: 'd'.repeat(501) }],
  ['external with a newline in the description', { ...EXTERNAL, description: 'Weekend\nin Vegas' }],
  ['external with amount 0', { ...EXTERNAL, amount: 0 }],
  ['external with amount "100000"', { ...EXTERNAL, amount: '100000' }],
  ['lootbox without lootbox_id', { type: 'lootbox' }],
  ['lootbox with lootbox_id a number', { type: 'lootbox', lootbox_id: 5 }],
  ['lootbox with lootbox_id empty', { type: 'lootbox', lootbox_id: '' }],
  ['lootbox with lootbox_id of 65 characters', { type: 'lootbox', lootbox_id: 'l'.repeat(65) }],
  ['lootbox with an extra amount', { type: 'lootbox', lootbox_id: NO_BOX, amount: 5_000 }],
];

// ---------------------------------------------------------------------------------------------------------
// POST /v1/journeys

const JOURNEY = {
  name: 'Welcome journey',
  steps: [
    { trigger: 'deposit', count: 2, min_amount: 20_000 },
    { trigger: 'wager', count: 10, min_amount: 1_000 },
    { trigger: 'login' },
  ],
  reward: WINZ,
  starts_at: '2026-01-01T00:00:00Z',
  ends_at: '2099-01-01T00:00:00Z',
  repeatable: false,
};
type Step = Record<string, unknown>;

/** The base journey with step `index` replaced. */
const withStep = (index: number, step: unknown): Record<string, unknown> => ({ ...JOURNEY, steps: JOURNEY.steps.map((s, i) => (i === index ? step : s)) });
/** The base journey with one field of step 0 set (undefined removes it). */
const step0 = (change: Step): Record<string, unknown> =>
  withStep(0, Object.fromEntries(Object.entries({ ...JOURNEY.steps[0], ...change }).filter(([, v]) => v !== undefined)));
const stepCases = (field: string, values: Array<[string, unknown]>): BadCase[] =>
  values.map(([label, value]) => ({ name: `steps[0].${field}: ${label}`, payload: json(step0({ [field]: value })), fields: [`steps[0].${field}`] }));
const journeyReward = (label: string, reward: unknown): BadCase => ({ name: `reward: ${label}`, payload: json({ ...JOURNEY, reward }), fields: ['reward'] });
const steps = (n: number): Step[] => Array.from({ length: n }, (_, i) => ({ trigger: `step_${i}` }));

const JOURNEY_CASES: BadCase[] = [
  ...malformedCases(JOURNEY),
  ...missingCases(JOURNEY, ['name', 'steps', 'reward']),
  { name: 'an empty object names every required field', payload: json({}), fields: ['name', 'steps', 'reward'] },
  ...unknownCases(JOURNEY, [
    ['foo', 1],
    ['id', NO_JOURNEY],
    ['active', true],
    ['created_at', '2026-01-01T00:00:00Z'],
    ['deactivated_at', null],
    ['tenant_id', 'ten_01m815s5g0tv8swys7gz4j0g32'],
    ['trigger', 'login'],
    ['prizes', []],
    ['startsAt', '2026-01-01T00:00:00Z'],
    ...SHADOWING_KEYS.map((k): [string, unknown] => [k, 1]),
  ]),
  // inside a step
  ...(
    [
      ['foo', 1],
      ['amount', 1_000],
      ['minAmount', 1_000],
      ['reward', WINZ],
      ['index', 0],
      ...SHADOWING_KEYS.map((k): [string, unknown] => [k, 1]),
    ] as Array<[string, unknown]>
  ).map(([key, value]) => ({ name: `unknown field steps[0].${key}`, payload: json(step0({ [key]: value })), fields: [`steps[0].${key}`] })),
  { name: 'unknown field steps[2].foo (the last step)', payload: json(withStep(2, { trigger: 'login', foo: 1 })), fields: ['steps[2].foo'] },
  {
    name: 'unknown fields in two steps name both',
    payload: json({ ...JOURNEY, steps: [{ ...JOURNEY.steps[0], extra: true }, JOURNEY.steps[1], { trigger: 'login', constructor: 1 }] }),
    fields: ['steps[0].extra', 'steps[2].constructor'],
  },
  ...fieldCases('name', JOURNEY, [
    ['a number', 5],
    ['null', null],
    ['empty', ''],
    ['201 characters', 'n'.repeat(201)],
    ['a NUL', 'Wel\u0000come'],
    ['a newline', 'Wel\ncome'],
    ['a lone surrogate', 'Welcome\ud800'],
    ['an array', ['Welcome']],
  ]),
  ...fieldCases('steps', JOURNEY, [
    ['a string', 'deposit'],
    ['a number', 1],
    ['a boolean', true],
    ['null', null],
    ['one step as an object, not an array', JOURNEY.steps[2]],
    ['empty', []],
    ['21 steps', steps(21)],
  ]),
  ...(
    [
      ['a string', 'deposit'],
      ['a number', 5],
      ['null', null],
      ['a boolean', true],
      ['an empty array', []],
      ['an array holding a step', [JOURNEY.steps[1]]],
    ] as Array<[string, unknown]>
  ).map(([label, step]) => ({ name: `steps[1]: ${label} (not an object)`, payload: json(withStep(1, step)), fields: ['steps[1]'] })),
  { name: 'steps[0]: trigger missing', payload: json(step0({ trigger: undefined })), fields: ['steps[0].trigger'] },
  { name: 'steps[0]: an empty object', payload: json(withStep(0, {})), fields: ['steps[0].trigger'] },
  ...stepCases('trigger', [
    ['upper case First_Deposit', 'First_Deposit'],
    ['all upper case', 'DEPOSIT'],
    ['with spaces', 'first deposit'],
    ['a trailing space', 'deposit '],
    ['65 characters', 't'.repeat(65)],
    ['empty', ''],
    ['starting with a digit', '1deposit'],
    ['starting with an underscore', '_deposit'],
    ['a slash', 'deposit/card'],
    ['a number', 1],
    ['null', null],
    ['an array', ['deposit']],
  ]),
  ...stepCases('count', [
    ['0', 0],
    ['10001', 10_001],
    ['1.5', 1.5],
    ['"2"', '2'],
    ['null', null],
    ['-1', -1],
    ['a boolean', true],
    ['2^53', TWO_53],
  ]),
  { name: 'steps[0].count: 1e400 (raw)', payload: rawWith(step0({ count: RAW }), '1e400'), fields: ['steps[0].count'] },
  ...stepCases('min_amount', [
    ['-1', -1],
    ['1.5', 1.5],
    ['"100"', '100'],
    ['2^53 (not a safe integer)', TWO_53],
    ['1e20', 1e20],
    ['null', null],
    ['a boolean', false],
    ['an object', { amount: 100 }],
  ]),
  { name: 'steps[0].min_amount: 2^53 + 1 (raw)', payload: rawWith(step0({ min_amount: RAW }), '9007199254740993'), fields: ['steps[0].min_amount'] },
  { name: 'steps[0].min_amount: 1000.5 (raw)', payload: rawWith(step0({ min_amount: RAW }), '1000.5'), fields: ['steps[0].min_amount'] },
  {
    name: 'faults in two steps name both',
    payload: json({ ...JOURNEY, steps: [{ trigger: 'Deposit' }, { trigger: 'wager', count: 0, min_amount: -1 }] }),
    fields: ['steps[0].trigger', 'steps[1].count', 'steps[1].min_amount'],
  },
  ...BAD_REWARDS.map(([label, reward]) => journeyReward(label, reward)),
  journeyReward('type nothing (not allowed for a journey)', { type: 'nothing' }),
  journeyReward('nothing with an amount', { type: 'nothing', amount: 0 }),
  ...fieldCases('starts_at', JOURNEY, BAD_TIMESTAMPS),
  ...fieldCases('ends_at', JOURNEY, BAD_TIMESTAMPS),
  // checked once the DTO is valid, against starts_at
  { name: 'ends_at: before starts_at', payload: json({ ...JOURNEY, starts_at: '2026-06-01T00:00:00Z', ends_at: '2026-05-31T23:59:59Z' }), fields: ['ends_at'] },
  { name: 'ends_at: equal to starts_at', payload: json({ ...JOURNEY, starts_at: '2026-06-01T00:00:00Z', ends_at: '2026-06-01T00:00:00Z' }), fields: ['ends_at'] },
  // named together with the body's other faults, in one 400
  { name: 'ends_at: before starts_at, with name empty', payload: json({ ...JOURNEY, name: '', starts_at: '2026-06-01T00:00:00Z', ends_at: '2026-05-31T23:59:59Z' }), fields: ['name', 'ends_at'] },
  {
    name: 'ends_at: the same instant as starts_at in another offset',
    payload: json({ ...JOURNEY, starts_at: '2026-06-01T02:00:00+02:00', ends_at: '2026-06-01T01:00:00+01:00' }),
    fields: ['ends_at'],
  },
  {
    name: 'ends_at: later as text but an hour earlier in time (offsets)',
    payload: json({ ...JOURNEY, starts_at: '2026-06-01T06:00:00Z', ends_at: '2026-06-01T10:00:00+05:00' }),
    fields: ['ends_at'],
  },
  {
    name: 'ends_at: a millisecond before starts_at',
    payload: json({ ...JOURNEY, starts_at: '2026-06-01T00:00:00.001Z', ends_at: '2026-06-01T00:00:00Z' }),
    fields: ['ends_at'],
  },
  {
    name: 'ends_at before starts_at, with a reward naming an unknown lootbox (the 400 comes first)',
    payload: json({ ...JOURNEY, starts_at: '2026-06-01T00:00:00Z', ends_at: '2026-01-01T00:00:00Z', reward: { type: 'lootbox', lootbox_id: NO_BOX } }),
    fields: ['ends_at'],
  },
  ...fieldCases('repeatable', JOURNEY, [
    ['"yes"', 'yes'],
    ['"true"', 'true'],
    ['1', 1],
    ['0', 0],
    ['null', null],
    ['an array', [true]],
  ]),
];

// ---------------------------------------------------------------------------------------------------------
// POST /v1/lootbox

const TEMPLATE = { name: 'Free chip', kind: 'no_deposit', currency: 'USD', fixed_amount: 10_000, wagering_multiplier: 30, wagering_base: 'bonus' };

/** A WINZ box: EV (50·0 + 40·1000 + 10·6000) / 100 = 1000 millis. */
const LOOTBOX = {
  name: 'Daily box',
  currency: 'WINZ',
  ev_target: 1_000,
  prize_table: [
    { weight: 50, reward: { type: 'nothing' } },
    { weight: 40, reward: { type: 'winz', amount: 1_000 } },
    { weight: 10, reward: { type: 'winz', amount: 6_000 } },
  ],
};
/** A USD box of cash: EV 100000 / 10 = 10000 millis. */
const USD_BOX = {
  name: 'Cash box',
  currency: 'USD',
  prize_table: [
    { weight: 9, reward: { type: 'nothing' } },
    { weight: 1, reward: EXTERNAL },
  ],
};
/** A tier box: gold's default table scaled to $2.50. */
const TIER_BOX = { name: 'Gold box', tier: 'gold', currency: 'USD', ev_target: 2_500 };

type Entry = Record<string, unknown>;
/** The base box with entry `index` of its table replaced. */
const withEntry = (index: number, entry: unknown): Record<string, unknown> => ({ ...LOOTBOX, prize_table: LOOTBOX.prize_table.map((p, i) => (i === index ? entry : p)) });
/** The base box with one field of entry 1 set (undefined removes it). */
const entry1 = (change: Entry): Record<string, unknown> =>
  withEntry(1, Object.fromEntries(Object.entries({ ...LOOTBOX.prize_table[1], ...change }).filter(([, v]) => v !== undefined)));
const prizeReward = (label: string, reward: unknown): BadCase => ({ name: `prize_table[1].reward: ${label}`, payload: json(entry1({ reward })), fields: ['prize_table[1].reward'] });
const entries = (n: number): Entry[] => Array.from({ length: n }, () => ({ weight: 1, reward: { type: 'winz', amount: 1_000 } }));

const LOOTBOX_CASES: BadCase[] = [
  ...malformedCases(LOOTBOX),
  ...missingCases(LOOTBOX, ['name', 'currency']),
  { name: 'missing currency of a tier box', payload: json(without(TIER_BOX, 'currency')), fields: ['currency'] },
  { name: 'missing name and currency', payload: json(without(LOOTBOX, 'name', 'currency')), fields: ['name', 'currency'] },
  { name: 'an empty object names name, currency and what the prizes come from (a prize_table, or tier and ev_target)', payload: json({}), fields: ['name', 'currency', 'prize_table', 'tier', 'ev_target'] },
  // neither a table nor a tier and a target (checked once the DTO is valid)
  { name: 'neither prize_table nor tier and ev_target', payload: json({ name: 'Box', currency: 'USD' }), fields: ['prize_table', 'tier', 'ev_target'] },
  { name: 'neither prize_table nor tier and ev_target, with currency refused', payload: json({ name: 'Box', currency: 'usd' }), fields: ['currency', 'prize_table', 'tier', 'ev_target'] },
  { name: 'a tier without ev_target or prize_table', payload: json(without(TIER_BOX, 'ev_target')), fields: ['prize_table', 'ev_target'] },
  { name: 'an ev_target without tier or prize_table', payload: json(without(TIER_BOX, 'tier')), fields: ['prize_table', 'tier'] },
  ...unknownCases(LOOTBOX, [
    ['foo', 1],
    ['id', NO_BOX],
    ['ev', 1_000],
    ['total_weight', 100],
    ['seed_id', 'sed_01m815s5g0tv8swys7gz4j0g32'],
    ['seed_commit', 'a'.repeat(64)],
    ['created_at', '2026-01-01T00:00:00Z'],
    ['tenant_id', 'ten_01m815s5g0tv8swys7gz4j0g32'],
    ['prizes', []],
    ['evTarget', 1_000],
    ['seed', 'my-own-seed'],
    ...SHADOWING_KEYS.map((k): [string, unknown] => [k, 1]),
  ]),
  ...fieldCases('name', LOOTBOX, [
    ['a number', 5],
    ['null', null],
    ['empty', ''],
    ['201 characters', 'n'.repeat(201)],
    ['a NUL', 'Daily\u0000box'],
    ['a tab', 'Daily\tbox'],
  ]),
  ...fieldCases('tier', TIER_BOX, [
    ['diamond', 'diamond'],
    ['wrong case Gold', 'Gold'],
    ['empty', ''],
    ['a number', 1],
    ['null', null],
    ['an array', ['gold']],
  ]),
  ...fieldCases('currency', LOOTBOX, [
    ['lower case usd', 'usd'],
    ['WINZ with a trailing space', 'WINZ '],
    ['winz in lower case', 'winz'],
    ['two letters', 'US'],
    ['four letters', 'EURO'],
    ['a number', 840],
    ['null', null],
    ['empty', ''],
  ]),
  ...fieldCases('ev_target', LOOTBOX, [
    ['0', 0],
    ['-1', -1],
    ['1.5', 1.5],
    ['"2500"', '2500'],
    ['null', null],
    ['2^53 (not a safe integer)', TWO_53],
    ['a boolean', true],
  ]),
  { name: 'ev_target: 1e400 (raw)', payload: rawWith({ ...LOOTBOX, ev_target: RAW }, '1e400'), fields: ['ev_target'] },
  { name: 'ev_target of a tier box: "2500"', payload: json({ ...TIER_BOX, ev_target: '2500' }), fields: ['ev_target'] },
  ...fieldCases('prize_table', LOOTBOX, [
    ['a string', 'nothing'],
    ['a number', 1],
    ['null', null],
    ['one prize as an object, not an array', LOOTBOX.prize_table[1]],
    ['empty', []],
    ['101 entries', entries(101)],
  ]),
  ...(
    [
      ['a string', 'winz'],
      ['a number', 5],
      ['null', null],
      ['a boolean', true],
      ['an empty array', []],
      ['an array holding a prize', [LOOTBOX.prize_table[1]]],
    ] as Array<[string, unknown]>
  ).map(([label, entry]) => ({ name: `prize_table[1]: ${label} (not an object)`, payload: json(withEntry(1, entry)), fields: ['prize_table[1]'] })),
  { name: 'prize_table[1]: an empty object', payload: json(withEntry(1, {})), fields: ['prize_table[1].weight', 'prize_table[1].reward'] },
  { name: 'prize_table[1]: weight missing', payload: json(entry1({ weight: undefined })), fields: ['prize_table[1].weight'] },
  { name: 'prize_table[1]: reward missing', payload: json(entry1({ reward: undefined })), fields: ['prize_table[1].reward'] },
  ...(
    [
      ['0', 0],
      ['-1', -1],
      ['1.5', 1.5],
      ['1e9 + 1', 1_000_000_001],
      ['"5"', '5'],
      ['null', null],
      ['a boolean', true],
      ['2^53', TWO_53],
    ] as Array<[string, unknown]>
  ).map(([label, weight]) => ({ name: `prize_table[1].weight: ${label}`, payload: json(entry1({ weight })), fields: ['prize_table[1].weight'] })),
  { name: 'prize_table[0].weight: 0x10 is not JSON', payload: raw(JSON.stringify(LOOTBOX).replace('"weight":50', '"weight":0x10')), fields: ['(body)'] },
  ...BAD_REWARDS.map(([label, reward]) => prizeReward(label, reward)),
  prizeReward('a lootbox with its id as a number', { type: 'lootbox', lootbox_id: 5 }),
  prizeReward('a lootbox with a box_id (not lootbox_id)', { type: 'lootbox', box_id: NO_BOX }),
  prizeReward('nothing with an amount', { type: 'nothing', amount: 0 }),
  prizeReward('nothing in the wrong case', { type: 'Nothing' }),
  ...(
    [
      ['extra', 1],
      ['probability', 0.4],
      ['amount', 1_000],
      ['type', 'winz'],
      ...SHADOWING_KEYS.map((k): [string, unknown] => [k, 1]),
    ] as Array<[string, unknown]>
  ).map(([key, value]) => ({ name: `unknown field prize_table[0].${key}`, payload: json(withEntry(0, { ...LOOTBOX.prize_table[0], [key]: value })), fields: [`prize_table[0].${key}`] })),
  {
    name: 'faults in three entries name them all',
    payload: json({ ...LOOTBOX, prize_table: [{ weight: 0, reward: { type: 'nothing' } }, { weight: 1, reward: { type: 'winz' } }, { weight: 1, reward: WINZ, extra: 1 }] }),
    fields: ['prize_table[0].weight', 'prize_table[1].reward', 'prize_table[2].extra'],
  },
  // a tier table whose smallest prize would round to 0 millis
  { name: 'a platinum box with ev_target 1', payload: json({ ...TIER_BOX, tier: 'platinum', ev_target: 1 }), fields: ['ev_target'] },
  { name: 'a gold box with ev_target 1', payload: json({ ...TIER_BOX, ev_target: 1 }), fields: ['ev_target'] },
  { name: 'a WINZ platinum box with ev_target 1', payload: json({ ...TIER_BOX, tier: 'platinum', currency: 'WINZ', ev_target: 1 }), fields: ['ev_target'] },
  // and one whose biggest prize would not be a safe integer
  { name: 'a platinum box with ev_target 2^53 - 1', payload: json({ ...TIER_BOX, tier: 'platinum', ev_target: Number.MAX_SAFE_INTEGER }), fields: ['ev_target'] },
  // tiny targets whose prizes, rounded to the milli, would put the EV more than 1% off (bronze 1: EV 0.92)
  { name: 'a bronze box with ev_target 1', payload: json({ ...TIER_BOX, tier: 'bronze', ev_target: 1 }), fields: ['ev_target'] },
  { name: 'a bronze box with ev_target 15', payload: json({ ...TIER_BOX, tier: 'bronze', ev_target: 15 }), fields: ['ev_target'] },
  { name: 'a silver box with ev_target 13', payload: json({ ...TIER_BOX, tier: 'silver', ev_target: 13 }), fields: ['ev_target'] },
  { name: 'a gold box with ev_target 10', payload: json({ ...TIER_BOX, ev_target: 10 }), fields: ['ev_target'] },
  { name: 'a WINZ platinum box with ev_target 14', payload: json({ ...TIER_BOX, tier: 'platinum', currency: 'WINZ', ev_target: 14 }), fields: ['ev_target'] },
];

// ---------------------------------------------------------------------------------------------------------
// POST /v1/lootbox/:id/open

const OPEN = { external_ref: PLAYER_REF, idempotency_key: 'bad-input-open-1' };
const openById = (change: Record<string, unknown> = {}): Payload => lazy(() => ({ player_id: player.id, idempotency_key: 'bad-input-open-2', ...change }));

const OPEN_CASES: BadCase[] = [
  ...malformedCases(OPEN),
  { name: 'missing idempotency_key', payload: json(without(OPEN, 'idempotency_key')), fields: ['idempotency_key'] },
  { name: 'missing idempotency_key (by player_id)', payload: lazy(() => ({ player_id: player.id })), fields: ['idempotency_key'] },
  { name: 'an empty object', payload: json({}), fields: ['idempotency_key', 'player_id', 'external_ref'] },
  // exactly one of player_id and external_ref (checked once the DTO is valid)
  { name: 'neither player_id nor external_ref', payload: json(without(OPEN, 'external_ref')), fields: ['player_id', 'external_ref'] },
  { name: 'both player_id and external_ref', payload: openById({ external_ref: PLAYER_REF }), fields: ['player_id', 'external_ref'] },
  {
    name: 'both, with refs never seen (no player made on the fly)',
    payload: json({ ...OPEN, external_ref: 'never-seen-open-1', player_id: 'never-seen-open-2' }),
    fields: ['player_id', 'external_ref'],
  },
  ...fieldCases('idempotency_key', OPEN, [
    ['empty', ''],
    ['129 characters', 'k'.repeat(129)],
    ['a number', 1],
    ['null', null],
    ['a NUL', 'key\u0000one'],
    ['a newline', 'key\none'],
    ['a lone surrogate', 'key\udc00'],
    ['an array', ['k']],
    // the keys of the opens lootbox rewards make: taken first, the reward would replay this open and grant nothing
    ['the reward: prefix of reward opens', 'reward:journey:jny_01m815s5g0tv8swys7gz4j0g32:plr_01m815s5g0tv8swys7gz4j0g32:1'],
    ['reward: alone', 'reward:'],
  ]),
  ...fieldCases('external_ref', OPEN, [
    ['129 characters', 'r'.repeat(129)],
    ['empty', ''],
    ['null', null],
    ['a number', 42],
    ['an ESC', 'ref\u001b[31m'],
  ]),
  {
    name: 'external_ref: 129 characters, never seen (no player made on the fly)',
    payload: json({ ...OPEN, external_ref: `never-seen-${'r'.repeat(118)}` }),
    fields: ['external_ref'],
  },
  ...(
    [
      ['129 characters', 'p'.repeat(129)],
      ['empty', ''],
      ['null', null],
      ['a number', 42],
    ] as Array<[string, unknown]>
  ).map(([label, value]) => ({ name: `player_id: ${label}`, payload: json({ player_id: value, idempotency_key: OPEN.idempotency_key }), fields: ['player_id'] })),
  ...unknownCases(OPEN, [
    ['foo', 1],
    ['lootbox_id', NO_BOX],
    ['reward', WINZ],
    ['prize_index', 0],
    ['seed_id', 'sed_01m815s5g0tv8swys7gz4j0g32'],
    ['client_seed', 'abc'],
    ['open_id', 'opn_01m815s5g0tv8swys7gz4j0g32'],
    ['idempotencyKey', 'k'],
    ['playerRef', 1],
    ...SHADOWING_KEYS.map((k): [string, unknown] => [k, 1]),
  ]),
  {
    name: 'a bad key for an external_ref never seen (no player made on the fly)',
    payload: json({ external_ref: 'never-seen-open-3', idempotency_key: '' }),
    fields: ['idempotency_key'],
  },
];

const CASES: Record<Endpoint, BadCase[]> = { journey: JOURNEY_CASES, lootbox: LOOTBOX_CASES, open: OPEN_CASES };

/** One body each endpoint accepts; the wrong-media and auth cases are made from these. */
const VALID: Record<Endpoint, () => Record<string, unknown>> = {
  journey: () => JOURNEY,
  lootbox: () => LOOTBOX,
  open: () => OPEN,
};

// ---------------------------------------------------------------------------------------------------------
// Queries

type ListRoute = 'journeys' | 'lootboxes' | 'seeds' | 'opens';
interface QueryCase {
  route: ListRoute;
  query: string;
  fields: string[];
}


function listPath(route: ListRoute): string {
  switch (route) {
    case 'journeys':
      return '/v1/journeys';
    case 'lootboxes':
      return '/v1/lootbox';
    case 'seeds':
      return `/v1/lootbox/${box.id}/seeds`;
    case 'opens':
      return `/v1/players/${player.id}/lootbox-opens`;
  }
}

function list(route: ListRoute, query: string, { anonymous, ...opts }: SendOptions = {}): Promise<HttpResponse> {
  const client = anonymous ? api.http : route === 'journeys' ? acme.admin : acme.server;
  return client.get(`${listPath(route)}${query ? `?${query}` : ''}`, opts);
}

const PAGE_QUERIES: Array<[query: string, field: string]> = [
  ['limit=0', 'limit'],
  ['limit=501', 'limit'],
  ['limit=-1', 'limit'],
  ['limit=1.5', 'limit'],
  ['limit=abc', 'limit'],
  ['limit=', 'limit'],
  ['limit=1e2', 'limit'],
  ['limit=0x10', 'limit'],
  ['limit=%205', 'limit'],
  ['limit=1&limit=2', 'limit'],
  ['cursor=', 'cursor'],
  [`cursor=${'c'.repeat(65)}`, 'cursor'],
  [`cursor=${'c'.repeat(64)}`, 'cursor'],
  [`cursor=${WELL_FORMED_CURSOR}x`, 'cursor'],
  [`cursor=${WELL_FORMED_CURSOR}`, 'cursor'],
  [`cursor=${cursorOf('plr')}`, 'cursor'],
  ['cursor=garbage', 'cursor'],
  ['cursor=ab%00cd', 'cursor'],
  ['foo=1', 'foo'],
  ['limit=5&foo=1', 'foo'],
  ['offset=10', 'offset'],
  ['status=active', 'status'],
  ['player_id=x', 'player_id'],
  ['constructor=1', 'constructor'],
  ['toPageRequest=1', 'toPageRequest'],
];

const ROUTES: ListRoute[] = ['journeys', 'lootboxes', 'seeds', 'opens'];
const QUERY_CASES: QueryCase[] = [
  ...ROUTES.flatMap((route) => PAGE_QUERIES.map(([query, field]) => ({ route, query, fields: [field] }))),
  ...ROUTES.map((route) => ({ route, query: 'limit=0&cursor=&foo=1', fields: ['limit', 'cursor', 'foo'] })),
];

// ---------------------------------------------------------------------------------------------------------
// The tests

describe('the fixtures', () => {
  it('are in place: a WINZ box with one seed, two excluded players, a template, and the other tenant’s objects', () => {
    expect(box).toMatchObject({ id: expect.stringMatching(/^lbx_/), currency: 'WINZ', ev_target: 1_000, ev: 1_000, total_weight: 100, seed_id: expect.any(String) });
    expect(excluded.id).toMatch(/^plr_/);
    expect(template.id).toMatch(/^btp_/);
    expect(otherBox.id).toMatch(/^lbx_/);
    expect(otherJourney.id).toMatch(/^jny_/);
    expect(otherTemplate.id).toMatch(/^btp_/);
    expect(rowsBefore.lootbox_seeds).toBe(2);
    expect(rowsBefore.journeys).toBe(1);
  });
});

describe.each(ENDPOINTS)('%s: 400 validation_failed', (endpoint) => {
  it.each(CASES[endpoint])(`${TITLES[endpoint]} $name → 400 naming $fields`, async ({ payload, fields }) => {
    const res = await send(endpoint, payload);
    expectFields(res, fields);
  });
});

describe('400 validation_failed on the query string', () => {
  it.each(QUERY_CASES)('$route ?$query → 400 naming $fields', async ({ route, query, fields }) => {
    const res = await list(route, query);
    expectFields(res, fields);
  });

  it('GET /v1/lootbox/:id/seeds?limit=0 of an unknown box: the query is checked first (400, not 404)', async () => {
    expectValidationFailed(await acme.server.get(`/v1/lootbox/${NO_BOX}/seeds?limit=0`), 'limit');
  });

  it('GET /v1/players/:player/lootbox-opens?limit=abc of an unknown player: the query is checked first (400, not 404)', async () => {
    expectValidationFailed(await acme.server.get('/v1/players/nobody-here/lootbox-opens?limit=abc'), 'limit');
  });
});

describe('400 details name every offending field at once', () => {
  it('POST /v1/journeys with a fault in every field', async () => {
    const res = await send(
      'journey',
      json({ name: '', steps: [{ trigger: 'Login', count: '2', min_amount: 1.5, foo: 1 }], reward: { type: 'nothing' }, starts_at: 'now', ends_at: '2026-02-30T00:00:00Z', repeatable: 'yes', bar: 1 }),
    );
    expectFields(res, ['name', 'steps[0].trigger', 'steps[0].count', 'steps[0].min_amount', 'steps[0].foo', 'reward', 'starts_at', 'ends_at', 'repeatable', 'bar']);
  });

  it('POST /v1/lootbox with a fault in every field', async () => {
    const res = await send(
      'lootbox',
      json({ name: 'n'.repeat(201), tier: 'diamond', currency: 'usd', ev_target: 1.5, prize_table: [{ weight: 0, reward: { type: 'lootbox', lootbox_id: 5 }, extra: 1 }], toInput: 1 }),
    );
    expectFields(res, ['name', 'tier', 'currency', 'ev_target', 'prize_table[0].weight', 'prize_table[0].reward', 'prize_table[0].extra', 'toInput']);
  });

  it('POST /v1/lootbox/:id/open with a fault in every field', async () => {
    const res = await send('open', json({ player_id: '', external_ref: 'r'.repeat(129), idempotency_key: 5, foo: 1 }));
    expectFields(res, ['player_id', 'external_ref', 'idempotency_key', 'foo']);
  });

  it('the issues say what is wrong', async () => {
    const res = await send('journey', json({ ...JOURNEY, reward: { type: 'nothing' } }));
    expectValidationFailed(res, 'reward');
    expect(res.body.error.details[0].issue).toMatch(/type must be one of winz, bonus, external, lootbox/);
    const prize = await send('lootbox', json(entry1({ reward: { type: 'cash', amount: 1_000 } })));
    expectValidationFailed(prize, 'prize_table[1].reward');
    expect(prize.body.error.details[0].issue).toMatch(/type must be one of winz, bonus, external, lootbox, nothing/);
    const emptyStep = await send('journey', json({ ...JOURNEY, steps: [JOURNEY.steps[0], []] }));
    expect(emptyStep.body.error.details).toEqual([{ field: 'steps[1]', issue: 'must be a JSON object' }]);
    const nestedTable = await send('lootbox', json({ ...LOOTBOX, prize_table: [LOOTBOX.prize_table] }));
    expect(nestedTable.body.error.details).toEqual([{ field: 'prize_table[0]', issue: 'must be a JSON object' }]);
    const huge = await send('lootbox', json({ ...TIER_BOX, tier: 'platinum', ev_target: Number.MAX_SAFE_INTEGER }));
    expect(huge.body.error.details).toEqual([{ field: 'ev_target', issue: expect.stringContaining('is too large for the platinum table') }]);
    const tiny = await send('lootbox', json({ ...TIER_BOX, tier: 'bronze', ev_target: 15 }));
    expect(tiny.body.error.details).toEqual([{ field: 'ev_target', issue: 'is too small for the bronze table: its prizes, rounded to the milli, would make the EV 14.82, more than 1% from 15' }]);
    const neither = await send('lootbox', json({ name: 'Box', currency: 'USD' }));
    expect(neither.body.error.details).toEqual([
      { field: 'prize_table', issue: expect.stringContaining('required') },
      { field: 'tier', issue: expect.stringContaining('required') },
      { field: 'ev_target', issue: expect.stringContaining('required') },
    ]);
  });
});

describe('422: well-formed bodies a business rule refuses', () => {
  it.each([
    { name: 'a lootbox reward naming an unknown box', reward: { type: 'lootbox', lootbox_id: NO_BOX } },
    { name: 'a lootbox reward naming a box id without prefix', reward: { type: 'lootbox', lootbox_id: 'no-such-box' } },
    { name: 'a bonus reward naming an unknown template', reward: { type: 'bonus', bonus_template_id: NO_TEMPLATE } },
  ])('POST /v1/journeys: $name → 422 invalid_reward', async ({ reward }) => {
    const res = await send('journey', json({ ...JOURNEY, reward }));
    expectError(res, 422, 'invalid_reward');
    expect(res.body.error.details).toEqual([{ field: 'reward', issue: expect.any(String) }]);
  });

  it("POST /v1/journeys: rewards naming the other tenant's box or template → 422 invalid_reward (no leak)", async () => {
    for (const reward of [
      { type: 'lootbox', lootbox_id: otherBox.id },
      { type: 'bonus', bonus_template_id: otherTemplate.id },
    ]) {
      const res = await send('journey', json({ ...JOURNEY, reward }));
      expectError(res, 422, 'invalid_reward');
      expect(res.body.error.details).toEqual([{ field: 'reward', issue: expect.any(String) }]);
    }
  });

  it.each([
    { name: '2% above the target', amount: 1_020, ev: 1_020 },
    { name: '2% below the target', amount: 980, ev: 980 },
    { name: 'just over 1% above the target', amount: 1_011, ev: 1_011 },
  ])('POST /v1/lootbox: a table whose EV is $name → 422 ev_mismatch with the EV', async ({ amount, ev }) => {
    const res = await send('lootbox', json({ ...LOOTBOX, ev_target: 1_000, prize_table: [{ weight: 1, reward: { type: 'winz', amount } }] }));
    expectError(res, 422, 'ev_mismatch');
    expect(res.body.error.details).toHaveLength(1);
    expect(res.body.error.details[0]).toMatchObject({ field: 'prize_table', issue: expect.any(String), ev, ev_target: 1_000 });
  });

  it('POST /v1/lootbox: a fractional EV is given to 4 decimals in ev_mismatch', async () => {
    // (1·1000 + 2·0) / 3 = 333.3333…, 1.96% from 340
    const res = await send('lootbox', json({ ...LOOTBOX, ev_target: 340, prize_table: [{ weight: 1, reward: { type: 'winz', amount: 1_000 } }, { weight: 2, reward: { type: 'nothing' } }] }));
    expectError(res, 422, 'ev_mismatch');
    expect(res.body.error.details[0]).toMatchObject({ field: 'prize_table', ev: 333.3333, ev_target: 340 });
  });

  it('POST /v1/lootbox: a table of nothing but nothing, with a target → 422 ev_mismatch (EV 0)', async () => {
    const res = await send('lootbox', json({ ...LOOTBOX, prize_table: [{ weight: 1, reward: { type: 'nothing' } }] }));
    expectError(res, 422, 'ev_mismatch');
    expect(res.body.error.details[0]).toMatchObject({ ev: 0, ev_target: 1_000 });
  });

  it('POST /v1/lootbox: a cash bonus counts its fixed amount toward the EV (USD box, 10.00 bonus vs a 20.00 target → ev_mismatch)', async () => {
    const res = await send('lootbox', lazy(() => ({ name: 'Bonus box', currency: 'USD', ev_target: 20_000, prize_table: [{ weight: 1, reward: { type: 'bonus', bonus_template_id: template.id } }] })));
    expectError(res, 422, 'ev_mismatch');
    expect(res.body.error.details[0]).toMatchObject({ ev: 10_000, ev_target: 20_000 });
  });

  it.each([
    { name: 'a WINZ prize in a USD box', body: { ...USD_BOX, prize_table: [{ weight: 1, reward: { type: 'nothing' } }, { weight: 1, reward: WINZ }] }, fields: ['prize_table[1].reward'] },
    { name: 'a USD cash prize in a WINZ box', body: { ...LOOTBOX, ev_target: undefined, prize_table: [{ weight: 1, reward: EXTERNAL }] }, fields: ['prize_table[0].reward'] },
    { name: 'a EUR cash prize in a USD box', body: { ...USD_BOX, prize_table: [...USD_BOX.prize_table, { weight: 1, reward: { ...EXTERNAL, currency: 'EUR' } }] }, fields: ['prize_table[2].reward'] },
    {
      name: 'a WINZ and a EUR prize in a USD box name both',
      body: { ...USD_BOX, prize_table: [{ weight: 1, reward: WINZ }, { weight: 1, reward: EXTERNAL }, { weight: 1, reward: { ...EXTERNAL, currency: 'EUR' } }] },
      fields: ['prize_table[0].reward', 'prize_table[2].reward'],
    },
    { name: 'a USD cash prize in a WINZ box with a target', body: { ...LOOTBOX, prize_table: [{ weight: 1, reward: { ...EXTERNAL, amount: 1_000 } }] }, fields: ['prize_table[0].reward'] },
  ])('POST /v1/lootbox: $name → 422 currency_mismatch naming $fields', async ({ body, fields }) => {
    const res = await send('lootbox', json(JSON.parse(JSON.stringify(body))));
    expectError(res, 422, 'currency_mismatch');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(fields);
  });

  it('POST /v1/lootbox: a USD bonus in a WINZ box → 422 currency_mismatch', async () => {
    const res = await send('lootbox', lazy(() => ({ name: 'Box', currency: 'WINZ', prize_table: [{ weight: 1, reward: WINZ }, { weight: 1, reward: { type: 'bonus', bonus_template_id: template.id } }] })));
    expectError(res, 422, 'currency_mismatch');
    expect(res.body.error.details).toEqual([{ field: 'prize_table[1].reward', issue: expect.any(String) }]);
  });

  it.each([
    { name: 'an unknown template', id: () => NO_TEMPLATE },
    { name: "the other tenant's template (no leak)", id: () => otherTemplate.id },
  ])('POST /v1/lootbox: a bonus prize naming $name → 422 invalid_prize', async ({ id }) => {
    const res = await send('lootbox', lazy(() => ({ ...USD_BOX, prize_table: [...USD_BOX.prize_table, { weight: 1, reward: { type: 'bonus', bonus_template_id: id() } }] })));
    expectError(res, 422, 'invalid_prize');
    expect(res.body.error.details).toEqual([{ field: 'prize_table[2].reward', issue: expect.any(String) }]);
  });

  it.each([
    { name: 'an unknown box', id: () => NO_BOX, code: 'invalid_prize' },
    { name: 'a box id without prefix', id: () => 'no-such-box', code: 'invalid_prize' },
    { name: "the other tenant's box (no leak)", id: () => otherBox.id, code: 'invalid_prize' },
    { name: 'a WINZ box in a USD box', id: () => box.id, code: 'currency_mismatch' },
  ])('POST /v1/lootbox: a lootbox prize naming $name → 422 $code', async ({ id, code }) => {
    const res = await send('lootbox', lazy(() => ({ ...USD_BOX, prize_table: [...USD_BOX.prize_table, { weight: 1, reward: { type: 'lootbox', lootbox_id: id() } }] })));
    expectError(res, 422, code);
    expect(res.body.error.details).toEqual([{ field: 'prize_table[2].reward', issue: expect.any(String) }]);
  });

  it('POST /v1/lootbox: a lootbox prize counts its box\'s EV, and a target it misses → 422 ev_mismatch with that EV', async () => {
    // the fixture box's EV is 1000 WINZ millis; half a chance of it is 500
    const res = await send('lootbox', lazy(() => ({ ...LOOTBOX, ev_target: 1_000, prize_table: [{ weight: 1, reward: { type: 'nothing' } }, { weight: 1, reward: { type: 'lootbox', lootbox_id: box.id } }] })));
    expectError(res, 422, 'ev_mismatch');
    expect(res.body.error.details[0]).toMatchObject({ field: 'prize_table', ev: 500, ev_target: 1_000 });
  });

  it.each([
    { name: 'by player_id', body: () => ({ player_id: excluded.id, idempotency_key: 'bad-input-excluded-1' }) },
    { name: 'by external_ref', body: () => ({ external_ref: EXCLUDED_REF, idempotency_key: 'bad-input-excluded-2' }) },
    { name: 'by external_ref given as player_id', body: () => ({ player_id: EXCLUDED_REF, idempotency_key: 'bad-input-excluded-3' }) },
    { name: 'excluded until 2099', body: () => ({ player_id: excludedUntil.id, idempotency_key: 'bad-input-excluded-4' }) },
  ])('POST /v1/lootbox/:id/open for an excluded player, $name → 422 player_excluded', async ({ body }) => {
    const res = await send('open', lazy(body));
    expectError(res, 422, 'player_excluded');
  });

  it('the excluded player is refused again with the same key (no open was recorded the first time)', async () => {
    const res = await send('open', lazy(() => ({ player_id: excluded.id, idempotency_key: 'bad-input-excluded-1' })));
    expectError(res, 422, 'player_excluded');
  });
});

describe('404 not_found', () => {
  it.each([
    { name: 'POST /v1/journeys/:id/deactivate of an unknown journey', req: () => acme.admin.post(`/v1/journeys/${NO_JOURNEY}/deactivate`) },
    { name: 'POST /v1/journeys/:id/deactivate of an id without prefix', req: () => acme.admin.post('/v1/journeys/whatever/deactivate') },
    { name: "POST /v1/journeys/:id/deactivate of the other tenant's journey", req: () => acme.admin.post(`/v1/journeys/${otherJourney.id}/deactivate`) },
    { name: 'GET /v1/journeys/:id of an unknown journey', req: () => acme.admin.get(`/v1/journeys/${NO_JOURNEY}`) },
    { name: "GET /v1/journeys/:id of the other tenant's journey", req: () => acme.admin.get(`/v1/journeys/${otherJourney.id}`) },
    { name: 'POST /v1/lootbox/:id/rotate-seed of an unknown box', req: () => acme.admin.post(`/v1/lootbox/${NO_BOX}/rotate-seed`) },
    { name: "POST /v1/lootbox/:id/rotate-seed of the other tenant's box", req: () => acme.admin.post(`/v1/lootbox/${otherBox.id}/rotate-seed`) },
    { name: 'GET /v1/lootbox/:id of an unknown box', req: () => acme.server.get(`/v1/lootbox/${NO_BOX}`) },
    { name: "GET /v1/lootbox/:id of the other tenant's box", req: () => acme.server.get(`/v1/lootbox/${otherBox.id}`) },
    { name: 'GET /v1/lootbox/:id/seeds of an unknown box', req: () => acme.server.get(`/v1/lootbox/${NO_BOX}/seeds?limit=5`) },
    { name: "GET /v1/lootbox/:id/seeds of the other tenant's box", req: () => acme.server.get(`/v1/lootbox/${otherBox.id}/seeds`) },
    { name: 'GET /v1/players/:player/lootbox-opens of an unknown player', req: () => acme.server.get('/v1/players/nobody-here/lootbox-opens?limit=5') },
    { name: 'POST /v1/lootbox/:id/open of an unknown box', req: () => acme.server.post(`/v1/lootbox/${NO_BOX}/open`, { player_id: player.id, idempotency_key: 'bad-input-404-1' }) },
    {
      name: 'POST /v1/lootbox/:id/open of an unknown box for an external_ref never seen (no player made on the fly)',
      req: () => acme.server.post(`/v1/lootbox/${NO_BOX}/open`, { external_ref: 'never-seen-open-404', idempotency_key: 'bad-input-404-2' }),
    },
    { name: "POST /v1/lootbox/:id/open of the other tenant's box", req: () => acme.server.post(`/v1/lootbox/${otherBox.id}/open`, { external_ref: PLAYER_REF, idempotency_key: 'bad-input-404-3' }) },
    { name: 'POST /v1/lootbox/:id/open of an excluded player on an unknown box (the box is looked up first)', req: () => acme.server.post(`/v1/lootbox/${NO_BOX}/open`, { player_id: excluded.id, idempotency_key: 'bad-input-404-4' }) },
    { name: "POST /v1/lootbox/:id/open for the other tenant's player, by its plr_ id", req: () => acme.server.post(`/v1/lootbox/${box.id}/open`, { player_id: otherPlayer.id, idempotency_key: 'bad-input-404-6' }) },
    { name: "GET /v1/players/:player/lootbox-opens of the other tenant's player", req: () => acme.server.get(`/v1/players/${otherPlayer.id}/lootbox-opens`) },
    { name: 'POST /v1/lootbox/:id/open for an unknown plr_ id', req: () => acme.server.post(`/v1/lootbox/${box.id}/open`, { player_id: 'plr_01m815s5g0tv8swys7gz4j0g32', idempotency_key: 'bad-input-404-5' }) },
  ])('$name → 404', async ({ req }) => {
    expectError(await req(), 404, 'not_found');
  });

  it('a bad open body on an unknown box is a 400 (the body is checked first)', async () => {
    const res = await acme.server.post(`/v1/lootbox/${NO_BOX}/open`, { player_id: player.id });
    expectValidationFailed(res, 'idempotency_key');
  });
});

describe('415 unsupported_media_type and 413 payload_too_large', () => {
  const CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/octet-stream', 'text/json'];

  describe.each(ENDPOINTS)('%s', (endpoint) => {
    it.each(CONTENT_TYPES)(`${TITLES[endpoint]} with a valid JSON body sent as %s → 415`, async (contentType) => {
      const res = await send(endpoint, raw(JSON.stringify(VALID[endpoint]())), { headers: { 'content-type': contentType } });
      expectError(res, 415, 'unsupported_media_type');
    });

    it(`${TITLES[endpoint]} with a valid JSON body and no Content-Type → 415`, async () => {
      const res = await sendWithoutContentType(endpoint, Buffer.from(JSON.stringify(VALID[endpoint]())));
      expectError(res, 415, 'unsupported_media_type');
    });

    it(`${TITLES[endpoint]} with a JSON body just over 1 MiB → 413`, async () => {
      const text = JSON.stringify({ ...VALID[endpoint](), pad: 'p'.repeat(1024 * 1024) });
      expect(Buffer.byteLength(text)).toBeGreaterThan(1024 * 1024);
      const res = await clientFor(endpoint).rawSocketRequest('POST', pathOf(endpoint), Buffer.from(text));
      expectError(res, 413, 'payload_too_large');
    });
  });

  it('POST /v1/lootbox with a prize table just over 1 MiB → 413, not a 400 about prize_table', async () => {
    const prize_table = Array.from({ length: 5_000 }, () => ({ weight: 1, reward: { ...EXTERNAL, description: 'd'.repeat(200) } }));
    const text = JSON.stringify({ ...USD_BOX, prize_table });
    expect(Buffer.byteLength(text)).toBeGreaterThan(1024 * 1024);
    const res = await acme.admin.rawSocketRequest('POST', '/v1/lootbox', Buffer.from(text));
    expectError(res, 413, 'payload_too_large');
  });

  it('POST /v1/journeys with a form-encoded body → 415', async () => {
    const res = await send('journey', raw('name=Welcome&steps=login&reward=winz'), { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectError(res, 415, 'unsupported_media_type');
  });
});

describe('request ids on errors', () => {
  it("echoes the caller's X-Request-Id on a 400, a 404 and a 422", async () => {
    const bad = await send('journey', json(step0({ count: 0 })), { headers: { 'x-request-id': 'caller-req.journeys-1' } });
    expectValidationFailed(bad, 'steps[0].count');
    expect(bad.body.request_id).toBe('caller-req.journeys-1');
    const missing = await acme.admin.post(`/v1/lootbox/${NO_BOX}/rotate-seed`, undefined, { headers: { 'x-request-id': 'caller-req.journeys-2' } });
    expectError(missing, 404, 'not_found');
    expect(missing.body.request_id).toBe('caller-req.journeys-2');
    const rule = await send('lootbox', json({ ...LOOTBOX, prize_table: [{ weight: 1, reward: { type: 'winz', amount: 2_000 } }] }), { headers: { 'x-request-id': 'caller-req.journeys-3' } });
    expectError(rule, 422, 'ev_mismatch');
    expect(rule.body.request_id).toBe('caller-req.journeys-3');
  });

  it('gives every error its own request id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await send('open', json({ ...OPEN, idempotency_key: '' }))).body.request_id);
    expect(ids.size).toBe(5);
  });
});

describe('authentication and scope come before the body', () => {
  const BAD_BODIES: Array<{ name: string; payload: Payload; headers?: Record<string, string> }> = [
    { name: 'malformed JSON', payload: raw('{"steps":') },
    { name: 'an empty body', payload: raw('') },
    { name: 'a JSON array', payload: raw('[]') },
    { name: 'ill-typed fields', payload: json({ steps: 'x', prize_table: [{ weight: 0 }], ev_target: 1.5, idempotency_key: 5 }) },
    { name: 'unknown and shadowing fields', payload: json({ foo: 1, toInput: 1, constructor: 1 }) },
    { name: 'a text/plain body', payload: raw('hello'), headers: { 'content-type': 'text/plain' } },
  ];
  const cases = ENDPOINTS.flatMap((endpoint) => [
    ...BAD_BODIES.map((b) => ({ endpoint, ...b, title: `${TITLES[endpoint]} with ${b.name}` })),
    { endpoint, name: 'the valid base body', payload: lazy(() => VALID[endpoint]()), headers: undefined, title: `${TITLES[endpoint]} with the valid base body` },
  ]);
  const adminCases = cases.filter((c) => ADMIN_ONLY.includes(c.endpoint));

  it.each(cases)('$title and no Authorization → 401', async ({ endpoint, payload, headers }) => {
    const res = await send(endpoint, payload, { headers, anonymous: true });
    expectError(res, 401, 'unauthorized');
  });

  it.each(cases)('$title and an unknown key → 401', async ({ endpoint, payload, headers }) => {
    const res = await send(endpoint, payload, { headers, key: 'wz_server_not-a-real-key' });
    expectError(res, 401, 'unauthorized');
  });

  it.each(adminCases)("$title and the tenant's server key → 403", async ({ endpoint, payload, headers }) => {
    const res = await send(endpoint, payload, { headers, key: acme.serverKey });
    expectError(res, 403, 'forbidden');
  });

  it('POST /v1/lootbox/:id/open of an unknown box with no Authorization → 401 (not 404)', async () => {
    expectError(await api.http.post(`/v1/lootbox/${NO_BOX}/open`, OPEN), 401, 'unauthorized');
  });

  it("POST /v1/lootbox/:id/open with the other tenant's server key → 404 (no leak)", async () => {
    expectError(await other.server.post(`/v1/lootbox/${box.id}/open`, { external_ref: PLAYER_REF, idempotency_key: 'bad-input-other-1' }), 404, 'not_found');
  });

  it('the platform key on a tenant route with a bad body → 401', async () => {
    expectError(await api.platform.post('/v1/lootbox', undefined, { raw: '{' }), 401, 'unauthorized');
    expectError(await api.platform.post(`/v1/lootbox/${box.id}/open`, undefined, { raw: '{' }), 401, 'unauthorized');
  });

  it.each([
    { name: 'the fixture box', id: () => box.id },
    { name: 'an unknown box', id: () => NO_BOX },
  ])('POST /v1/lootbox/:id/rotate-seed of $name: no key → 401, an unknown key → 401, the server key → 403', async ({ id }) => {
    expectError(await api.http.post(`/v1/lootbox/${id()}/rotate-seed`), 401, 'unauthorized');
    expectError(await acme.server.post(`/v1/lootbox/${id()}/rotate-seed`, undefined, { key: 'wz_admin_not-a-real-key' }), 401, 'unauthorized');
    expectError(await acme.server.post(`/v1/lootbox/${id()}/rotate-seed`), 403, 'forbidden');
  });

  it.each([
    { name: "the other tenant's journey", id: () => otherJourney.id },
    { name: 'an unknown journey', id: () => NO_JOURNEY },
  ])('POST /v1/journeys/:id/deactivate of $name: no key → 401, the server key → 403', async ({ id }) => {
    expectError(await api.http.post(`/v1/journeys/${id()}/deactivate`), 401, 'unauthorized');
    expectError(await acme.server.post(`/v1/journeys/${id()}/deactivate`), 403, 'forbidden');
  });

  it('journey reads are open to the server key: a bad query is a 400, an unknown journey a 404', async () => {
    expect((await acme.server.get('/v1/journeys')).status).toBe(200);
    const bad = await acme.server.get('/v1/journeys?limit=0&foo=1');
    expectError(bad, 400, 'validation_failed');
    expect(bad.body.error.details).toEqual((await acme.admin.get('/v1/journeys?limit=0&foo=1')).body.error.details);
    expectError(await acme.server.get(`/v1/journeys/${NO_JOURNEY}`), 404, 'not_found');
    expectError(await acme.server.get(`/v1/journeys/${otherJourney.id}`), 404, 'not_found');
  });

  it.each(QUERY_CASES.filter((c) => c.query === 'limit=0&cursor=&foo=1'))('$route?$query with no Authorization → 401', async ({ route, query }) => {
    expectError(await list(route, query, { anonymous: true }), 401, 'unauthorized');
  });
});

describe('after the whole matrix', () => {
  it('stored nothing: no journey, progress, lootbox, seed, open, ledger row, grant, player or outbox event was added', async () => {
    expect(await countAll()).toEqual(rowsBefore);
  });

  it('made no player on the fly for the external_refs of the refused opens', async () => {
    const { rows } = await env.pool.query("SELECT external_ref FROM players WHERE external_ref LIKE 'never-seen%' OR external_ref LIKE 'bad-input-404%'");
    expect(rows).toEqual([]);
  });

  it('left the fixture box as it was: same answer, one unrevealed seed, no opens', async () => {
    const res = await acme.server.get(`/v1/lootbox/${box.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(box);
    const seeds = await acme.server.get(`/v1/lootbox/${box.id}/seeds`);
    expect(seeds.status).toBe(200);
    expect(seeds.body).toEqual({ data: [expect.objectContaining({ seed_id: box.seed_id, commit: box.seed_commit, seed: null, revealed_at: null })], next_cursor: null });
    const { rows } = await env.pool.query('SELECT count(*)::int n FROM lootbox_opens');
    expect(rows[0].n).toBe(0);
  });

  it('left the players without opens, WINZ or journeys', async () => {
    for (const p of [player, excluded, excludedUntil]) {
      expect((await acme.server.get(`/v1/players/${p.id}/lootbox-opens`)).body).toEqual({ data: [], next_cursor: null });
      expect((await acme.server.get(`/v1/players/${p.id}/journeys`)).body).toEqual({ data: [], next_cursor: null });
      expect((await acme.server.get(`/v1/players/${p.id}`)).body.winz_balance).toBe(0);
    }
  });

  it('lists exactly the fixture box, and no journey, for acme', async () => {
    expect((await acme.server.get('/v1/lootbox')).body).toEqual({ data: [box], next_cursor: null });
    expect((await acme.admin.get('/v1/journeys')).body).toEqual({ data: [], next_cursor: null });
  });

  it("left the other tenant's journey active", async () => {
    const res = await other.admin.get(`/v1/journeys/${otherJourney.id}`);
    expect(res.body).toEqual(otherJourney);
    expect(res.body.active).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The controls: the valid bodies and queries the matrix was made from, and the boundary values next to the
// refused ones, are accepted (so each refusal above was about the one change).

describe('the valid bodies the matrix was made from are accepted', () => {
  let journeyId: string;

  it('POST /v1/journeys accepts the base journey', async () => {
    const res = await send('journey', json(JOURNEY));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^jny_/),
      name: JOURNEY.name,
      steps: [
        { trigger: 'deposit', count: 2, min_amount: 20_000 },
        { trigger: 'wager', count: 10, min_amount: 1_000 },
        { trigger: 'login', count: 1, min_amount: null },
      ],
      reward: WINZ,
      starts_at: '2026-01-01T00:00:00.000Z',
      ends_at: '2099-01-01T00:00:00.000Z',
      repeatable: false,
      active: true,
      created_at: expect.any(String),
      deactivated_at: null,
    });
    journeyId = res.body.id;
  });

  it('POST /v1/journeys/:id/deactivate deactivates it', async () => {
    const res = await acme.admin.post(`/v1/journeys/${journeyId}/deactivate`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: journeyId, active: false, deactivated_at: expect.any(String) });
  });

  it('POST /v1/lootbox accepts the WINZ table, the USD table and the gold tier box', async () => {
    for (const body of [LOOTBOX, USD_BOX, TIER_BOX]) {
      const res = await send('lootbox', json(body));
      expect({ name: body.name, status: res.status }).toEqual({ name: body.name, status: 201 });
      expect(res.body).toMatchObject({ id: expect.stringMatching(/^lbx_/), name: body.name, currency: body.currency, seed_commit: expect.stringMatching(/^[0-9a-f]{64}$/) });
    }
  });

  it('POST /v1/lootbox/:id/open opens the fixture box for the player, and a replay answers the same', async () => {
    const res = await send('open', json(OPEN));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ open_id: expect.any(String), lootbox_id: box.id, player_id: player.id, idempotency_key: OPEN.idempotency_key });
    const again = await send('open', json({ player_id: player.id, idempotency_key: OPEN.idempotency_key }));
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);
  });

  it('POST /v1/lootbox/:id/rotate-seed reveals the fixture box seed', async () => {
    const res = await acme.admin.post(`/v1/lootbox/${box.id}/rotate-seed`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ revealed: { seed_id: box.seed_id, commit: box.seed_commit, seed: expect.any(String) }, current: { seed_id: expect.any(String) } });
  });

  it.each([
    { route: 'journeys' as const, query: 'limit=1' },
    { route: 'journeys' as const, query: 'limit=500' },
    { route: 'lootboxes' as const, query: 'limit=1' },
    { route: 'lootboxes' as const, query: 'limit=500' },
    { route: 'seeds' as const, query: 'limit=1' },
    { route: 'seeds' as const, query: 'limit=500' },
    { route: 'opens' as const, query: 'limit=1' },
    { route: 'opens' as const, query: 'limit=500' },
  ])('GET $route?$query → 200', async ({ route, query }) => {
    const res = await list(route, query);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['data', 'next_cursor']);
    expect(Array.isArray(res.body.data)).toBe(true);
    expect(res.body.data.length).toBeGreaterThan(0);
    expect(res.body.next_cursor === null || typeof res.body.next_cursor === 'string').toBe(true);
  });

  const KINDS: Record<ListRoute, string> = { journeys: 'jny', lootboxes: 'lbx', seeds: 'sed', opens: 'opn' };
  it.each(ROUTES)('GET %s with a well-formed cursor of its kind → 200', async (route) => {
    const res = await list(route, `cursor=${cursorOf(KINDS[route])}`);
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.data)).toBe(true);
  });

  it('wrote the rows those controls should have written', async () => {
    const now = await countAll();
    expect(now.journeys - rowsBefore.journeys).toBe(1);
    expect(now.lootboxes - rowsBefore.lootboxes).toBe(3);
    expect(now.lootbox_seeds - rowsBefore.lootbox_seeds).toBe(4);
    expect(now.lootbox_opens - rowsBefore.lootbox_opens).toBe(1);
    expect(now.players).toBe(rowsBefore.players);
  });
});

describe('the boundary values next to the refused ones are accepted', () => {
  it.each([
    { name: 'count 1 and 10000, min_amount 0 and 2^53 − 1', body: { ...JOURNEY, steps: [{ trigger: 'deposit', count: 1, min_amount: 0 }, { trigger: 'wager', count: 10_000, min_amount: Number.MAX_SAFE_INTEGER }] } },
    { name: '20 steps', body: { ...JOURNEY, steps: steps(20) } },
    { name: 'a 64-character trigger with . : - _ and digits', body: { ...JOURNEY, steps: [{ trigger: `a1.b:c-d_${'x'.repeat(55)}` }] } },
    { name: 'no starts_at, ends_at or repeatable', body: without(JOURNEY, 'starts_at', 'ends_at', 'repeatable') },
    { name: 'ends_at a millisecond after starts_at', body: { ...JOURNEY, starts_at: '2026-06-01T00:00:00Z', ends_at: '2026-06-01T00:00:00.001Z' } },
    { name: 'ends_at an hour after starts_at, in other offsets', body: { ...JOURNEY, starts_at: '2026-06-01T10:00:00+05:00', ends_at: '2026-06-01T06:00:00Z' } },
    { name: 'a leap day and lower-case t and z', body: { ...JOURNEY, starts_at: '2028-02-29t00:00:00z', ends_at: '2028-03-01T00:00:00.123456789+01:00' } },
    { name: 'repeatable true', body: { ...JOURNEY, repeatable: true } },
    { name: 'ends_at in year 9999 both as written and in UTC', body: { ...JOURNEY, starts_at: '1970-01-01T00:00:00Z', ends_at: '9999-12-31T23:59:59+01:00' } },
    { name: 'a 200-character name', body: { ...JOURNEY, name: 'n'.repeat(200) } },
    { name: 'an external reward', body: { ...JOURNEY, reward: EXTERNAL } },
    { name: 'a winz reward of 1', body: { ...JOURNEY, reward: { type: 'winz', amount: 1 } } },
  ])('POST /v1/journeys: $name → 201', async ({ body }) => {
    const res = await send('journey', json(body));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: body.name, reward: body.reward });
  });

  it('POST /v1/journeys: rewards naming the fixture box and the fixture template → 201', async () => {
    for (const reward of [
      { type: 'lootbox', lootbox_id: box.id },
      { type: 'bonus', bonus_template_id: template.id },
    ]) {
      const res = await send('journey', json({ ...JOURNEY, reward }));
      expect(res.status).toBe(201);
      expect(res.body.reward).toEqual(reward);
    }
  });

  it.each([
    { name: 'an EV exactly 1% above the target', body: { ...LOOTBOX, ev_target: 1_000, prize_table: [{ weight: 1, reward: { type: 'winz', amount: 1_010 } }] }, ev: 1_010 },
    { name: 'an EV exactly 1% below the target', body: { ...LOOTBOX, ev_target: 1_000, prize_table: [{ weight: 1, reward: { type: 'winz', amount: 990 } }] }, ev: 990 },
    { name: 'a table without a target', body: { ...USD_BOX, prize_table: [{ weight: 1, reward: { type: 'nothing' } }] }, ev: 0 },
    { name: '100 entries, weights 1 and 1e9', body: { ...LOOTBOX, ev_target: undefined, prize_table: [...entries(99), { weight: 1_000_000_000, reward: { type: 'winz', amount: 1_000 } }] }, ev: 1_000 },
    { name: 'a tier, a target and a table (the table wins)', body: { ...LOOTBOX, tier: 'platinum' }, ev: 1_000 },
    // the smallest targets above every one refused for rounding: bronze 16 (prizes 21, 62, 416 millis), platinum 15
    { name: 'a bronze box with ev_target 16', body: { ...TIER_BOX, tier: 'bronze', ev_target: 16 }, ev: 16.04 },
    { name: 'a platinum box with ev_target 15', body: { ...TIER_BOX, tier: 'platinum', ev_target: 15 }, ev: 15.08 },
    { name: 'a gold box with ev_target 11 (an EV exactly 1% above it)', body: { ...TIER_BOX, ev_target: 11 }, ev: 11.11 },
    { name: 'a WINZ silver box', body: { ...TIER_BOX, tier: 'silver', currency: 'WINZ', ev_target: 5_000 }, ev: expect.any(Number) },
    {
      name: 'a single prize of 2^53 − 1 (the EV stays exact)',
      body: { ...LOOTBOX, ev_target: Number.MAX_SAFE_INTEGER, prize_table: [{ weight: 1, reward: { type: 'winz', amount: Number.MAX_SAFE_INTEGER } }] },
      ev: Number.MAX_SAFE_INTEGER,
    },
    { name: 'a 200-character name and a EUR table', body: { name: 'n'.repeat(200), currency: 'EUR', prize_table: [{ weight: 1, reward: { ...EXTERNAL, currency: 'EUR' } }] }, ev: 100_000 },
  ])('POST /v1/lootbox: $name → 201', async ({ body, ev }) => {
    const res = await send('lootbox', json(JSON.parse(JSON.stringify(body))));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: body.name, currency: body.currency, ev });
  });

  it('POST /v1/lootbox: a USD box with the fixture bonus (counted at its fixed 10.00) → 201', async () => {
    const res = await send('lootbox', json({ name: 'Bonus box', currency: 'USD', ev_target: 10_000, prize_table: [{ weight: 1, reward: { type: 'bonus', bonus_template_id: template.id } }] }));
    expect(res.status).toBe(201);
    expect(res.body.ev).toBe(10_000);
  });

  it('POST /v1/lootbox/:id/open: a 128-character key, and a 128-character external_ref never seen (made on the fly) → 201', async () => {
    const res = await send('open', json({ external_ref: 'e'.repeat(128), idempotency_key: 'k'.repeat(128) }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ lootbox_id: box.id, idempotency_key: 'k'.repeat(128) });
  });
});

describe('the reserved reward: prefix of open keys', () => {
  it('is refused with an issue that says why', async () => {
    const res = await send('open', json({ ...OPEN, idempotency_key: 'reward:my-grant' }));
    expect(res.body.error.details).toEqual([{ field: 'idempotency_key', issue: expect.stringContaining('must not start with reward:') }]);
  });

  it.each(['Reward:x', 'rewards:x', 'daily-reward:x', 'reward'])('a key that only resembles it, %s → 201', async (key) => {
    const res = await send('open', json({ ...OPEN, idempotency_key: key }));
    expect(res.status).toBe(201);
    expect(res.body.idempotency_key).toBe(key);
  });
});
