// Bad input on tournaments and jackpots (API.md §1, §2, §5, §6):
//   POST /v1/tournaments                        (admin key)
//   POST /v1/tournaments/:id/cancel             (admin key)
//   POST /v1/tournaments/:id/score              (server key)
//   POST /v1/jackpots                           (admin key)
//   POST /v1/jackpots/:id/contribute            (server key)
// and the query strings and path ids of GET /v1/tournaments, /v1/tournaments/:id, /v1/tournaments/:id/leaderboard,
// /v1/tournaments/:id/leaderboard/:player, /v1/jackpots, /v1/jackpots/:id and /v1/jackpots/:id/wins.
//
// Every case must answer the one error body with the right status and code, a 400 must name the offending
// field(s) in `details`, `request_id` must equal the X-Request-Id header, and nothing may be stored: the row
// counts of the tournament and jackpot tables (and wagers, players, which a score or a contribution may create
// on the fly, and outbox_events) are taken before and after every refused request, and before and after the
// whole matrix. Authentication and scope come before the body.
//
// The last blocks show the matrix tested the right thing: the valid bodies the bad ones were made from, and
// the boundary values next to the refused ones, are accepted.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { HttpClient, HttpResponse } from '../support/http.js';
import { startApiProcess, type RunningApi } from '../support/processes.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { createPlayer, createTenant, type TestTenant, uniqueRef } from '../support/factories.js';
import { type Payload, type BadCase, type SendOptions, bodyOf, expectError, expectFields, expectValidationFailed, json, raw, lazy, without, fieldCases, missingCases, unknownCases, rawWith, RAW } from '../support/bad-input.js';

/** A cursor of the right shape (an id) that names no item: a list answers the items before it. */
const WELL_FORMED_CURSOR = `zzz_${'z'.repeat(26)}`;
/** Such a cursor of the kind of id a list has (`zzz_` is no kind: every list refuses it). */
const cursorOf = (prefix: string) => `${prefix}_${'z'.repeat(26)}`;

let env: TestEnv;
let api: RunningApi;
let acme: TestTenant;
/** Another tenant, whose objects acme must not reach (404, never a leak). */
let other: TestTenant;
/** The player the scores and contributions name (EUR). */
let player: any;
/** The running tournament every score case targets (2020 to 2099, EUR, bet_amount, min_bet 100). */
let tournament: any;
/** A cancelled tournament and one that has not started. */
let cancelled: any;
let scheduled: any;
/** The must_drop jackpot every contribute case targets (EUR; its drop point is far out of reach). */
let jackpot: any;
/** The other tenant's tournament, jackpot, lootbox and player. */
let otherTournament: any;
let otherJackpot: any;
let otherBox: any;
let otherPlayer: any;
/** The one score and the one contribution made before the matrix (the keys the reuse cases replay). */
let fixtureScore: any;
let fixtureContribution: any;
let rowsBefore: Record<string, number>;

const PLAYER_REF = 'bad-input-tj-player';
/** Well-formed ids that name nothing. */
const NO_TOURNAMENT = 'trn_01m815s5g0tv8swys7gz4j0g32';
const NO_JACKPOT = 'jkp_01m815s5g0tv8swys7gz4j0g32';
const NO_BOX = 'lbx_01m815s5g0tv8swys7gz4j0g32';
const NO_TEMPLATE = 'btp_01m815s5g0tv8swys7gz4j0g32';

const TABLES = [
  'tournaments',
  'tournament_scores',
  'tournament_score_events',
  'jackpots',
  'jackpot_seeds',
  'jackpot_contributions',
  'jackpot_wins',
  'wagers',
  'reward_grants',
  'ledger_transactions',
  'players',
  'outbox_events',
] as const;

/** Every count in one round trip (it runs around each of the many refused requests). */
const COUNT_SQL = `SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t})::int AS ${t}`).join(', ')}`;

async function countAll(): Promise<Record<string, number>> {
  const { rows } = await env.pool.query<Record<string, number>>(COUNT_SQL);
  return { ...rows[0] };
}

/** The request, with the row counts checked unchanged around it. */
async function storingNothing(request: () => Promise<HttpResponse>): Promise<HttpResponse> {
  const before = await countAll();
  const res = await request();
  expect(await countAll()).toEqual(before);
  return res;
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
  player = await createPlayer(acme.server, { external_ref: PLAYER_REF, currency: 'EUR', country: 'DE' });
  tournament = await created(acme.admin.post('/v1/tournaments', { ...TOURNAMENT, name: 'Fixture race' }), 'tournament');
  cancelled = await created(acme.admin.post('/v1/tournaments', { ...TOURNAMENT, name: 'Cancelled race' }), 'cancelled tournament');
  const cancel = await acme.admin.post(`/v1/tournaments/${cancelled.id}/cancel`);
  if (cancel.status !== 200) throw new Error(`cancel failed: ${cancel.status} ${cancel.text}`);
  cancelled = cancel.body;
  scheduled = await created(acme.admin.post('/v1/tournaments', { ...TOURNAMENT, name: 'Future race', starts_at: '2098-01-01T00:00:00Z' }), 'scheduled tournament');
  jackpot = await created(acme.admin.post('/v1/jackpots', { ...JACKPOT, name: 'Fixture drop' }), 'jackpot');
  otherTournament = await created(other.admin.post('/v1/tournaments', TOURNAMENT), 'other tournament');
  otherJackpot = await created(other.admin.post('/v1/jackpots', JACKPOT), 'other jackpot');
  otherBox = await created(other.admin.post('/v1/lootbox', { name: 'Other box', currency: 'WINZ', prize_table: [{ weight: 1, reward: WINZ }] }), 'other lootbox');
  otherPlayer = await createPlayer(other.server, { external_ref: 'bad-input-tj-other-player', currency: 'EUR' });
  fixtureScore = await created(acme.server.post(`/v1/tournaments/${tournament.id}/score`, FIXTURE_SCORE), 'score');
  fixtureContribution = await created(acme.server.post(`/v1/jackpots/${jackpot.id}/contribute`, FIXTURE_CONTRIBUTION), 'contribution');
  rowsBefore = await countAll();
});

afterAll(async () => {
  await api?.stop();
  await env?.close();
});

// ---------------------------------------------------------------------------------------------------------
// Endpoints and assertions

type Endpoint = 'tournament' | 'score' | 'jackpot' | 'contribute';
const ENDPOINTS: Endpoint[] = ['tournament', 'score', 'jackpot', 'contribute'];
const ADMIN_ONLY: Endpoint[] = ['tournament', 'jackpot'];

const TITLES: Record<Endpoint, string> = {
  tournament: 'POST /v1/tournaments',
  score: 'POST /v1/tournaments/:id/score',
  jackpot: 'POST /v1/jackpots',
  contribute: 'POST /v1/jackpots/:id/contribute',
};

function pathOf(endpoint: Endpoint): string {
  switch (endpoint) {
    case 'tournament':
      return '/v1/tournaments';
    case 'score':
      return `/v1/tournaments/${tournament.id}/score`;
    case 'jackpot':
      return '/v1/jackpots';
    case 'contribute':
      return `/v1/jackpots/${jackpot.id}/contribute`;
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

/** Raw-number cases for one money field: values JSON.stringify cannot write, or writes differently. */
function rawMoneyCases(field: string, base: Record<string, unknown>, path = field): BadCase[] {
  return (
    [
      ['1e400 (Infinity once parsed)', '1e400'],
      ['2^53 + 1 (raw)', '9007199254740993'],
      ['1000.5 (raw)', '1000.5'],
      ['-0.5 (raw)', '-0.5'],
      ['1e308 (raw)', '1e308'],
      // an integer value written as a float is still a float (API.md §1)
      ['1000.0 (raw)', '1000.0'],
      ['1e3 (raw)', '1e3'],
    ] as Array<[string, string]>
  ).map(([label, text]) => ({ name: `${path}: ${label}`, payload: rawWith({ ...base, [field]: RAW }, text), fields: [path] }));
}

/** Values no money field (integer millis, API.md §1) accepts. */
const BAD_MONEY: Array<[string, unknown]> = [
  ['-1', -1],
  ['1.5 (a float)', 1.5],
  ['0.001 (a float)', 0.001],
  ['"1000" (a numeric string)', '1000'],
  ['"1e400" (a string)', '1e400'],
  ['null', null],
  ['2^53 (not a safe integer)', 2 ** 53],
  ['1e20', 1e20],
  ['1e308', 1e308],
  ['a boolean', true],
  ['an array', [1_000]],
  ['an object', { amount: 1_000 }],
  ['empty string', ''],
];

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
  ['an array', ['2026-05-01T12:00:00Z']],
  ['year 10000', '10000-01-01T00:00:00Z'],
  ['year +010000 (expanded)', '+010000-01-01T00:00:00Z'],
  ['year 9999 as written, 10000 in UTC', '9999-12-31T23:59:59-01:00'],
  ['year 1969', '1969-12-31T23:59:59Z'],
  ['a 100 KB string', `2026-05-01T12:00:00${'0'.repeat(100_000)}Z`],
];

/** Strings no name, key or code accepts. */
const BAD_TEXT = (max: number): Array<[string, unknown]> => [
  ['a number', 5],
  ['null', null],
  ['empty', ''],
  [`${max + 1} characters`, 'n'.repeat(max + 1)],
  ['100 KB', 'n'.repeat(100_000)],
  ['a NUL', 'ab\u0000c'],
  ['a newline', 'ab\nc'],
  ['a lone surrogate', 'abc\ud800'],
  ['an array', ['abc']],
  ['an object', { name: 'abc' }],
  ['a boolean', false],
];

/** Values no currency field accepts (ISO 4217, not WINZ: tournaments and jackpots are in real money). */
const BAD_CURRENCIES: Array<[string, unknown]> = [
  ['lower case eur', 'eur'],
  ['WINZ', 'WINZ'],
  ['two letters', 'EU'],
  ['four letters', 'EURO'],
  ['a trailing space', 'EUR '],
  ['a number', 978],
  ['null', null],
  ['empty', ''],
  ['an array', ['EUR']],
];

const BAD_BOOLEANS: Array<[string, unknown]> = [
  ['"true"', 'true'],
  ['1', 1],
  ['0', 0],
  ['null', null],
  ['an array', [true]],
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
    ['NaN literal', `${text.slice(0, -1)},"min_bet":NaN}`],
    ['Infinity literal', `${text.slice(0, -1)},"bet_amount":Infinity}`],
    ['hex number', `${text.slice(0, -1)},"seed_amount":0x10}`],
    ['leading zero', `${text.slice(0, -1)},"min_bet":01}`],
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
// Rewards (API.md §6): shapes no prize reward accepts.

const WINZ = { type: 'winz', amount: 50_000 };
const EXTERNAL = { type: 'external', amount: 100_000, currency: 'EUR', description: 'Weekend in Vegas' };

const BAD_REWARDS: Array<[label: string, reward: unknown]> = [
  ['null', null],
  ['an empty array', []],
  ['an array of a reward', [WINZ]],
  ['a string', 'winz'],
  ['a number', 5_000],
  ['an empty object', {}],
  ['type missing', { amount: 5_000 }],
  ['type unknown', { type: 'cash', amount: 5_000 }],
  ['type nothing (not a tournament prize)', { type: 'nothing' }],
  ['type in the wrong case', { type: 'WINZ', amount: 5_000 }],
  ['type a number', { type: 1, amount: 5_000 }],
  ['winz without amount', { type: 'winz' }],
  ['winz with amount 1.5', { type: 'winz', amount: 1.5 }],
  ['winz with amount "5000"', { type: 'winz', amount: '5000' }],
  ['winz with amount 0', { type: 'winz', amount: 0 }],
  ['winz with amount -5', { type: 'winz', amount: -5 }],
  ['winz with amount 2^53', { type: 'winz', amount: TWO_53 }],
  ['winz with amount 1e308', { type: 'winz', amount: 1e308 }],
  ['winz with amount null', { type: 'winz', amount: null }],
  ['winz with an extra currency', { ...WINZ, currency: 'EUR' }],
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
  ['external with amount 99.99 (a float)', { ...EXTERNAL, amount: 99.99 }],
  ['external with amount "100000"', { ...EXTERNAL, amount: '100000' }],
  ['external with a lowercase currency', { ...EXTERNAL, currency: 'eur' }],
  ['external with currency WINZ', { ...EXTERNAL, currency: 'WINZ' }],
  ['external with an empty description', { ...EXTERNAL, description: '' }],
  ['external with a 100 KB description', { ...EXTERNAL, description: 'd'.repeat(100_000) }],
  ['external with a newline in the description', { ...EXTERNAL, description: 'Weekend\nin Vegas' }],
  ['lootbox without lootbox_id', { type: 'lootbox' }],
  ['lootbox with lootbox_id a number', { type: 'lootbox', lootbox_id: 5 }],
  ['lootbox with lootbox_id empty', { type: 'lootbox', lootbox_id: '' }],
  ['lootbox with an extra amount', { type: 'lootbox', lootbox_id: NO_BOX, amount: 5_000 }],
];

// ---------------------------------------------------------------------------------------------------------
// POST /v1/tournaments

const TOURNAMENT = {
  name: 'Weekend race',
  currency: 'EUR',
  starts_at: '2020-01-01T00:00:00Z',
  ends_at: '2099-01-01T00:00:00Z',
  scoring: { metric: 'bet_amount', aggregate: 'sum' },
  min_bet: 100,
  game_codes: ['book-of-dead', 'starburst'],
  game_categories: ['slots'],
  prizes: [
    { rank_from: 1, rank_to: 1, reward: WINZ },
    { rank_from: 2, rank_to: 10, reward: EXTERNAL },
  ],
  auto_enroll: false,
  finalize_grace_seconds: 300,
};

type Prize = Record<string, unknown>;
/** The base tournament with prize `index` replaced. */
const withPrize = (index: number, prize: unknown): Record<string, unknown> => ({ ...TOURNAMENT, prizes: TOURNAMENT.prizes.map((p, i) => (i === index ? prize : p)) });
/** The base tournament with one field of prize 1 set (undefined removes it). */
const prize1 = (change: Prize): Record<string, unknown> =>
  withPrize(1, Object.fromEntries(Object.entries({ ...TOURNAMENT.prizes[1], ...change }).filter(([, v]) => v !== undefined)));
const prizeCases = (field: string, values: Array<[string, unknown]>): BadCase[] =>
  values.map(([label, value]) => ({ name: `prizes[1].${field}: ${label}`, payload: json(prize1({ [field]: value })), fields: [`prizes[1].${field}`] }));
const withPrizes = (...prizes: unknown[]): Record<string, unknown> => ({ ...TOURNAMENT, prizes });
const range = (rank_from: number, rank_to: number): Prize => ({ rank_from, rank_to, reward: WINZ });
const ranges = (n: number): Prize[] => Array.from({ length: n }, (_, i) => range(i + 1, i + 1));
/** The base tournament with its scoring replaced. */
const scoring = (s: unknown): Record<string, unknown> => ({ ...TOURNAMENT, scoring: s });

const TOURNAMENT_CASES: BadCase[] = [
  ...malformedCases(TOURNAMENT),
  ...missingCases(TOURNAMENT, ['name', 'currency', 'starts_at', 'ends_at', 'scoring', 'prizes']),
  { name: 'an empty object names every required field', payload: json({}), fields: ['name', 'currency', 'starts_at', 'ends_at', 'scoring', 'prizes'] },
  ...unknownCases(TOURNAMENT, [
    ['foo', 1],
    ['id', NO_TOURNAMENT],
    ['status', 'finished'],
    ['results', []],
    ['total_players', 0],
    ['created_at', '2026-01-01T00:00:00Z'],
    ['finished_at', null],
    ['cancelled_at', null],
    ['tenant_id', 'ten_01m815s5g0tv8swys7gz4j0g32'],
    ['metric', 'bet_amount'],
    ['aggregate', 'sum'],
    ['startsAt', '2026-01-01T00:00:00Z'],
    ['minBet', 100],
    ['prize_table', []],
    ['reward', WINZ],
    ['finalize_at', '2099-01-01T00:05:00Z'],
    ['state', 'open'],
    ...SHADOWING_KEYS.map((k): [string, unknown] => [k, 1]),
  ]),
  // inside scoring
  ...(
    [
      ['foo', 1],
      ['metrics', ['bet_amount']],
      ['weight', 2],
      ...SHADOWING_KEYS.map((k): [string, unknown] => [k, 1]),
    ] as Array<[string, unknown]>
  ).map(([key, value]) => ({ name: `unknown field scoring.${key}`, payload: json(scoring({ ...TOURNAMENT.scoring, [key]: value })), fields: [`scoring.${key}`] })),
  // inside a prize range
  ...(
    [
      ['foo', 1],
      ['amount', 1_000],
      ['rank', 1],
      ['rankFrom', 1],
      ['currency', 'EUR'],
      ...SHADOWING_KEYS.map((k): [string, unknown] => [k, 1]),
    ] as Array<[string, unknown]>
  ).map(([key, value]) => ({ name: `unknown field prizes[1].${key}`, payload: json(prize1({ [key]: value })), fields: [`prizes[1].${key}`] })),
  {
    name: 'unknown fields in scoring and two prizes name all three',
    payload: json({ ...TOURNAMENT, scoring: { metric: 'bet_amount', extra: 1 }, prizes: [{ ...range(1, 1), extra: 1 }, { ...range(2, 2), constructor: 1 }] }),
    fields: ['scoring.extra', 'prizes[0].extra', 'prizes[1].constructor'],
  },
  ...fieldCases('name', TOURNAMENT, BAD_TEXT(200)),
  ...fieldCases('currency', TOURNAMENT, BAD_CURRENCIES),
  ...fieldCases('starts_at', TOURNAMENT, BAD_TIMESTAMPS),
  ...fieldCases('ends_at', TOURNAMENT, BAD_TIMESTAMPS),
  // checked once the DTO is valid, against starts_at
  { name: 'ends_at: before starts_at', payload: json({ ...TOURNAMENT, starts_at: '2026-06-01T00:00:00Z', ends_at: '2026-05-31T23:59:59Z' }), fields: ['ends_at'] },
  { name: 'ends_at: equal to starts_at', payload: json({ ...TOURNAMENT, starts_at: '2026-06-01T00:00:00Z', ends_at: '2026-06-01T00:00:00Z' }), fields: ['ends_at'] },
  { name: 'ends_at: years before starts_at', payload: json({ ...TOURNAMENT, starts_at: '2099-01-01T00:00:00Z', ends_at: '2020-01-01T00:00:00Z' }), fields: ['ends_at'] },
  {
    name: 'ends_at: the same instant as starts_at in another offset',
    payload: json({ ...TOURNAMENT, starts_at: '2026-06-01T02:00:00+02:00', ends_at: '2026-06-01T01:00:00+01:00' }),
    fields: ['ends_at'],
  },
  {
    name: 'ends_at: later as text but an hour earlier in time (offsets)',
    payload: json({ ...TOURNAMENT, starts_at: '2026-06-01T06:00:00Z', ends_at: '2026-06-01T10:00:00+05:00' }),
    fields: ['ends_at'],
  },
  {
    name: 'ends_at: a millisecond before starts_at',
    payload: json({ ...TOURNAMENT, starts_at: '2026-06-01T00:00:00.001Z', ends_at: '2026-06-01T00:00:00Z' }),
    fields: ['ends_at'],
  },
  {
    name: 'ends_at before starts_at, with a prize naming an unknown lootbox (the 400 comes first)',
    payload: json({ ...TOURNAMENT, starts_at: '2026-06-01T00:00:00Z', ends_at: '2026-01-01T00:00:00Z', prizes: [{ rank_from: 1, rank_to: 1, reward: { type: 'lootbox', lootbox_id: NO_BOX } }] }),
    fields: ['ends_at'],
  },
  {
    name: 'ends_at before starts_at and overlapping prizes name both',
    payload: json({ ...TOURNAMENT, starts_at: '2026-06-01T00:00:00Z', ends_at: '2026-01-01T00:00:00Z', prizes: [range(1, 5), range(5, 9)] }),
    fields: ['ends_at', 'prizes[1]'],
  },
  ...fieldCases('scoring', TOURNAMENT, [
    ['a string', 'bet_amount'],
    ['a number', 1],
    ['a boolean', true],
    ['null', null],
    ['an array', [TOURNAMENT.scoring]],
    ['an empty array', []],
  ]),
  { name: 'scoring: an empty object', payload: json(scoring({})), fields: ['scoring.metric'] },
  { name: 'scoring: aggregate without metric', payload: json(scoring({ aggregate: 'best' })), fields: ['scoring.metric'] },
  ...(
    [
      ['points', 'points'],
      ['upper case BET_AMOUNT', 'BET_AMOUNT'],
      ['camel case betAmount', 'betAmount'],
      ['a trailing space', 'bet_amount '],
      ['empty', ''],
      ['null', null],
      ['a number', 1],
      ['an array', ['bet_amount']],
      ['an object', { name: 'bet_amount' }],
      ['100 KB', 'm'.repeat(100_000)],
      ['constructor', 'constructor'],
      ['toString', 'toString'],
    ] as Array<[string, unknown]>
  ).map(([label, metric]) => ({ name: `scoring.metric: ${label}`, payload: json(scoring({ metric, aggregate: 'sum' })), fields: ['scoring.metric'] })),
  ...(
    [
      ['avg', 'avg'],
      ['max', 'max'],
      ['upper case SUM', 'SUM'],
      ['empty', ''],
      ['null', null],
      ['a number', 0],
      ['an array', ['sum']],
      ['a boolean', true],
    ] as Array<[string, unknown]>
  ).map(([label, aggregate]) => ({ name: `scoring.aggregate: ${label}`, payload: json(scoring({ metric: 'bet_amount', aggregate })), fields: ['scoring.aggregate'] })),
  { name: 'scoring: a bad metric and a bad aggregate name both', payload: json(scoring({ metric: 'points', aggregate: 'avg' })), fields: ['scoring.metric', 'scoring.aggregate'] },
  ...fieldCases('min_bet', TOURNAMENT, BAD_MONEY),
  ...rawMoneyCases('min_bet', TOURNAMENT),
  ...fieldCases('game_codes', TOURNAMENT, [
    ['a string', 'book-of-dead'],
    ['null', null],
    ['empty', []],
    ['501 codes', Array.from({ length: 501 }, (_, i) => `game-${i}`)],
    ['an object', { 0: 'book-of-dead' }],
    ['a number', 1],
    ['an empty code', ['book-of-dead', '']],
    ['a 65-character code', ['g'.repeat(65)]],
    ['a 100 KB code', ['g'.repeat(100_000)]],
    ['a number inside', ['book-of-dead', 7]],
    ['null inside', [null]],
    ['an array inside', [['book-of-dead']]],
    ['a NUL inside', ['book\u0000of-dead']],
  ]),
  ...fieldCases('game_categories', TOURNAMENT, [
    ['a string', 'slots'],
    ['null', null],
    ['empty', []],
    ['51 categories', Array.from({ length: 51 }, (_, i) => `cat_${i}`)],
    ['upper case Slots', ['Slots']],
    ['with a space', ['live casino']],
    ['with a hyphen', ['live-casino']],
    ['starting with a digit', ['1slots']],
    ['33 characters', ['c'.repeat(33)]],
    ['empty inside', ['']],
    ['a number inside', [1]],
    ['null inside', [null]],
  ]),
  ...fieldCases('prizes', TOURNAMENT, [
    ['a string', 'winz'],
    ['a number', 1],
    ['a boolean', true],
    ['null', null],
    ['one prize as an object, not an array', TOURNAMENT.prizes[0]],
    ['101 ranges', ranges(101)],
  ]),
  ...(
    [
      ['a string', 'winz'],
      ['a number', 5],
      ['null', null],
      ['a boolean', true],
      ['an empty array', []],
      ['an array holding a prize', [TOURNAMENT.prizes[0]]],
    ] as Array<[string, unknown]>
  ).map(([label, prize]) => ({ name: `prizes[1]: ${label} (not an object)`, payload: json(withPrize(1, prize)), fields: ['prizes[1]'] })),
  { name: 'prizes[1]: an empty object', payload: json(withPrize(1, {})), fields: ['prizes[1].rank_from', 'prizes[1].rank_to', 'prizes[1].reward'] },
  { name: 'prizes[1]: rank_from missing', payload: json(prize1({ rank_from: undefined })), fields: ['prizes[1].rank_from'] },
  { name: 'prizes[1]: rank_to missing', payload: json(prize1({ rank_to: undefined })), fields: ['prizes[1].rank_to'] },
  { name: 'prizes[1]: reward missing', payload: json(prize1({ reward: undefined })), fields: ['prizes[1].reward'] },
  ...(['rank_from', 'rank_to'] as const).flatMap((field) =>
    prizeCases(field, [
      ['0', 0],
      ['-1', -1],
      ['1.5', 1.5],
      ['10001 (above the last prize rank)', 10_001],
      ['2^53', TWO_53],
      ['1e308', 1e308],
      ['"2"', '2'],
      ['null', null],
      ['a boolean', true],
      ['an array', [2]],
    ]),
  ),
  { name: 'prizes[1].rank_to: 1e400 (raw)', payload: rawWith(prize1({ rank_to: RAW }), '1e400'), fields: ['prizes[1].rank_to'] },
  { name: 'prizes[1].rank_from: 2.5 (raw)', payload: rawWith(prize1({ rank_from: RAW }), '2.5'), fields: ['prizes[1].rank_from'] },
  // the table as a whole (checked once the DTO is valid)
  { name: 'prizes[1].rank_to below its rank_from', payload: json(prize1({ rank_from: 10, rank_to: 2 })), fields: ['prizes[1].rank_to'] },
  { name: 'prizes[0].rank_to below its rank_from (a lone range)', payload: json(withPrizes(range(3, 1))), fields: ['prizes[0].rank_to'] },
  { name: 'prizes: two ranges sharing rank 3', payload: json(withPrizes(range(1, 3), range(3, 5))), fields: ['prizes[1]'] },
  { name: 'prizes: the same rank twice', payload: json(withPrizes(range(1, 1), range(1, 1))), fields: ['prizes[1]'] },
  { name: 'prizes: a range inside another', payload: json(withPrizes(range(1, 10), range(4, 6))), fields: ['prizes[1]'] },
  { name: 'prizes: a range around another', payload: json(withPrizes(range(4, 6), range(1, 10))), fields: ['prizes[1]'] },
  { name: 'prizes: an overlap out of order', payload: json(withPrizes(range(5, 10), range(11, 20), range(1, 5))), fields: ['prizes[2]'] },
  { name: 'prizes: the last rank twice', payload: json(withPrizes(range(1, 10_000), range(10_000, 10_000))), fields: ['prizes[1]'] },
  { name: 'prizes: two overlaps name both', payload: json(withPrizes(range(1, 5), range(2, 2), range(6, 8), range(8, 9))), fields: ['prizes[1]', 'prizes[3]'] },
  { name: 'prizes: an inverted range and an overlap name both', payload: json(withPrizes(range(1, 5), range(9, 6), range(5, 5))), fields: ['prizes[1].rank_to', 'prizes[2]'] },
  ...BAD_REWARDS.map(([label, reward]): BadCase => ({ name: `prizes[1].reward: ${label}`, payload: json(prize1({ reward })), fields: ['prizes[1].reward'] })),
  // a reward's amount written as a float, its value an integer (API.md §1: floats are refused)
  ...(['5000.0', '5e3'] as const).map((text): BadCase => ({ name: `prizes[1].reward: amount ${text} (raw)`, payload: rawWith(prize1({ reward: { type: 'winz', amount: RAW } }), text), fields: ['prizes[1].reward'] })),
  {
    name: 'faults in three ranges name them all',
    payload: json(withPrizes({ rank_from: 0, rank_to: 1, reward: WINZ }, { rank_from: 2, rank_to: 2, reward: { type: 'winz' } }, { ...range(3, 3), extra: 1 })),
    fields: ['prizes[0].rank_from', 'prizes[1].reward', 'prizes[2].extra'],
  },
  ...fieldCases('auto_enroll', TOURNAMENT, BAD_BOOLEANS),
  ...fieldCases('finalize_grace_seconds', TOURNAMENT, [
    ['-1', -1],
    ['7 days + 1 second', 7 * 24 * 3600 + 1],
    ['1.5', 1.5],
    ['"300"', '300'],
    ['null', null],
    ['a boolean', true],
    ['2^53', TWO_53],
    ['1e308', 1e308],
  ]),
];

// ---------------------------------------------------------------------------------------------------------
// POST /v1/tournaments/:id/score

const SCORE = {
  source_wager_id: 'bad-input-score-1',
  external_ref: PLAYER_REF,
  bet_amount: 1_000,
  win_amount: 500,
  currency: 'EUR',
  game_code: 'book-of-dead',
  game_category: 'slots',
  settled_at: '2026-06-01T12:00:00Z',
};
const POINTS = { source_wager_id: 'bad-input-points-1', external_ref: PLAYER_REF, points: 100 };
const FIXTURE_SCORE = { ...SCORE, source_wager_id: 'bad-input-fixture-score' };

const SCORE_CASES: BadCase[] = [
  ...malformedCases(SCORE),
  ...missingCases(SCORE, ['source_wager_id']),
  // checked once the DTO is valid: a wager needs its bet and currency, unless points are given
  ...missingCases(SCORE, ['bet_amount', 'currency']),
  { name: 'missing bet_amount and currency', payload: json(without(SCORE, 'bet_amount', 'currency')), fields: ['bet_amount', 'currency'] },
  { name: 'only a key and a player', payload: json({ source_wager_id: 'bad-input-score-2', external_ref: PLAYER_REF }), fields: ['bet_amount', 'currency'] },
  { name: 'an empty object names every required field (bet_amount and currency, without points)', payload: json({}), fields: ['source_wager_id', 'player_id', 'external_ref', 'bet_amount', 'currency'] },
  // exactly one of player_id and external_ref
  { name: 'neither player_id nor external_ref', payload: json(without(SCORE, 'external_ref')), fields: ['player_id', 'external_ref'] },
  { name: 'both player_id and external_ref', payload: lazy(() => ({ ...SCORE, player_id: player.id })), fields: ['player_id', 'external_ref'] },
  { name: 'both, with refs never seen (no player made on the fly)', payload: json({ ...SCORE, external_ref: 'never-seen-score-1', player_id: 'never-seen-score-2' }), fields: ['player_id', 'external_ref'] },
  { name: 'neither, for points', payload: json(without(POINTS, 'external_ref')), fields: ['player_id', 'external_ref'] },
  // points exclude the facts of a wager
  ...(['bet_amount', 'win_amount', 'currency', 'game_code', 'game_category'] as const).map(
    (field): BadCase => ({ name: `points with ${field}`, payload: json({ ...POINTS, [field]: SCORE[field] }), fields: [field] }),
  ),
  { name: 'points with a whole wager names every fact', payload: json({ ...SCORE, points: 100 }), fields: ['bet_amount', 'win_amount', 'currency', 'game_code', 'game_category'] },
  ...fieldCases('points', POINTS, BAD_MONEY),
  ...rawMoneyCases('points', POINTS),
  ...fieldCases('bet_amount', SCORE, BAD_MONEY),
  ...rawMoneyCases('bet_amount', SCORE),
  ...fieldCases('win_amount', SCORE, BAD_MONEY),
  ...rawMoneyCases('win_amount', SCORE),
  ...fieldCases('currency', SCORE, BAD_CURRENCIES),
  ...fieldCases('source_wager_id', SCORE, BAD_TEXT(128)),
  ...fieldCases('external_ref', SCORE, BAD_TEXT(128)),
  ...BAD_TEXT(128).map(([label, value]): BadCase => ({ name: `player_id: ${label}`, payload: json({ ...without(SCORE, 'external_ref'), player_id: value }), fields: ['player_id'] })),
  ...fieldCases('game_code', SCORE, BAD_TEXT(64)),
  ...fieldCases('game_category', SCORE, [
    ['upper case Slots', 'Slots'],
    ['with a space', 'live casino'],
    ['33 characters', 'c'.repeat(33)],
    ['empty', ''],
    ['a number', 1],
    ['null', null],
    ['an array', ['slots']],
  ]),
  ...fieldCases('settled_at', SCORE, BAD_TIMESTAMPS),
  ...unknownCases(SCORE, [
    ['foo', 1],
    ['tournament_id', NO_TOURNAMENT],
    ['tournament_ids', [NO_TOURNAMENT]],
    ['jackpot_ids', []],
    ['qualified', true],
    ['reason', 'x'],
    ['points_awarded', 1_000],
    ['total_score', 1_000],
    ['rank', 1],
    ['score', 1_000],
    ['amount', 1_000],
    ['idempotency_key', 'k'],
    ['sourceWagerId', 'w'],
    ['betAmount', 1_000],
    ['playerRef', 1],
    ...SHADOWING_KEYS.map((k): [string, unknown] => [k, 1]),
  ]),
  { name: 'unknown field foo next to points', payload: json({ ...POINTS, foo: 1 }), fields: ['foo'] },
  {
    name: 'a bad bet for an external_ref never seen (no player made on the fly)',
    payload: json({ ...SCORE, external_ref: 'never-seen-score-3', bet_amount: 1.5 }),
    fields: ['bet_amount'],
  },
];

// ---------------------------------------------------------------------------------------------------------
// POST /v1/jackpots

const JACKPOT = {
  name: 'Daily drop',
  currency: 'EUR',
  type: 'must_drop',
  seed_amount: 100_000,
  contribution_rate: 0.01,
  // far beyond anything the cases contribute: the fixture never drops
  must_drop_by: 1_000_000_000_000,
  min_bet: 100,
  auto_enroll: false,
};
const PROGRESSIVE = { name: 'Mega', currency: 'EUR', type: 'progressive', seed_amount: 1_000_000, contribution_rate: 0.005, hit_rate: 0.000001 };

/** Values no rate (a decimal above 0, at most 1) accepts, whatever its number of decimals. */
const BAD_RATES: Array<[string, unknown]> = [
  ['0', 0],
  ['-0.01', -0.01],
  ['1.01', 1.01],
  ['2', 2],
  ['1e308', 1e308],
  ['"0.01" (a numeric string)', '0.01'],
  ['null', null],
  ['a boolean', true],
  ['an array', [0.01]],
  ['an object', { rate: 0.01 }],
  ['empty string', ''],
];
const rawRateCases = (field: string, base: Record<string, unknown>): BadCase[] =>
  (
    [
      ['1e400 (Infinity once parsed)', '1e400'],
      ['1e-400 (0 once parsed)', '1e-400'],
      ['-0 (raw)', '-0'],
      ['0.0 (raw)', '0.0'],
    ] as Array<[string, string]>
  ).map(([label, text]) => ({ name: `${field}: ${label}`, payload: rawWith({ ...base, [field]: RAW }, text), fields: [field] }));

const JACKPOT_CASES: BadCase[] = [
  ...malformedCases(JACKPOT),
  ...missingCases(JACKPOT, ['name', 'currency', 'type', 'seed_amount', 'contribution_rate']),
  { name: 'an empty object names every required field', payload: json({}), fields: ['name', 'currency', 'type', 'seed_amount', 'contribution_rate'] },
  // the fields of one type (checked once the DTO is valid)
  { name: 'a must_drop jackpot without must_drop_by', payload: json(without(JACKPOT, 'must_drop_by')), fields: ['must_drop_by'] },
  { name: 'a progressive jackpot without hit_rate', payload: json(without(PROGRESSIVE, 'hit_rate')), fields: ['hit_rate'] },
  { name: 'a must_drop jackpot with a hit_rate', payload: json({ ...JACKPOT, hit_rate: 0.000001 }), fields: ['hit_rate'] },
  { name: 'a progressive jackpot with a must_drop_by', payload: json({ ...PROGRESSIVE, must_drop_by: 2_000_000 }), fields: ['must_drop_by'] },
  { name: 'a progressive jackpot with must_drop_by instead of hit_rate', payload: json({ ...without(PROGRESSIVE, 'hit_rate'), must_drop_by: 2_000_000 }), fields: ['must_drop_by', 'hit_rate'] },
  { name: 'must_drop_by equal to seed_amount', payload: json({ ...JACKPOT, must_drop_by: JACKPOT.seed_amount }), fields: ['must_drop_by'] },
  { name: 'must_drop_by below seed_amount', payload: json({ ...JACKPOT, must_drop_by: JACKPOT.seed_amount - 1 }), fields: ['must_drop_by'] },
  { name: 'must_drop_by 1 below a seed_amount of 2^53 − 1', payload: json({ ...JACKPOT, seed_amount: Number.MAX_SAFE_INTEGER, must_drop_by: Number.MAX_SAFE_INTEGER - 1 }), fields: ['must_drop_by'] },
  ...unknownCases(JACKPOT, [
    ['foo', 1],
    ['id', NO_JACKPOT],
    ['pool_amount', 5_000_000],
    ['pool_exact', '5000000'],
    ['pool', 5_000_000],
    ['cycle', 2],
    ['seed', 'my-own-seed'],
    ['seed_commit', 'a'.repeat(64)],
    ['totals', { seeded: '0', contributed: '0', won: '0' }],
    ['created_at', '2026-01-01T00:00:00Z'],
    ['tenant_id', 'ten_01m815s5g0tv8swys7gz4j0g32'],
    ['drop_point', 100_001],
    ['contributionRate', 0.01],
    ['seedAmount', 100_000],
    ['prizes', []],
    ...SHADOWING_KEYS.map((k): [string, unknown] => [k, 1]),
  ]),
  ...fieldCases('name', JACKPOT, BAD_TEXT(200)),
  ...fieldCases('currency', JACKPOT, BAD_CURRENCIES),
  ...fieldCases('type', JACKPOT, [
    ['mustdrop', 'mustdrop'],
    ['upper case MUST_DROP', 'MUST_DROP'],
    ['fixed', 'fixed'],
    ['a trailing space', 'must_drop '],
    ['empty', ''],
    ['null', null],
    ['a number', 1],
    ['an array', ['must_drop']],
    ['constructor', 'constructor'],
  ]),
  ...fieldCases('seed_amount', JACKPOT, BAD_MONEY),
  ...rawMoneyCases('seed_amount', JACKPOT),
  ...fieldCases('must_drop_by', JACKPOT, [...BAD_MONEY, ['0', 0]]),
  ...rawMoneyCases('must_drop_by', JACKPOT),
  ...fieldCases('min_bet', JACKPOT, BAD_MONEY),
  ...rawMoneyCases('min_bet', JACKPOT),
  ...fieldCases('contribution_rate', JACKPOT, [
    ...BAD_RATES,
    ['10 decimals', 0.0123456789],
    ['1e-10', 1e-10],
    ['1.0000000001', 1.0000000001],
  ]),
  ...rawRateCases('contribution_rate', JACKPOT),
  {
    name: 'contribution_rate: 0.01000000001 written with 11 decimals (raw)',
    payload: rawWith({ ...JACKPOT, contribution_rate: RAW }, '0.01000000001'),
    fields: ['contribution_rate'],
  },
  ...fieldCases('hit_rate', PROGRESSIVE, [
    ...BAD_RATES,
    ['13 decimals', 0.0000012345678],
    ['1e-13', 1e-13],
  ]),
  ...rawRateCases('hit_rate', PROGRESSIVE),
  ...fieldCases('auto_enroll', JACKPOT, BAD_BOOLEANS),
];

// ---------------------------------------------------------------------------------------------------------
// POST /v1/jackpots/:id/contribute

const CONTRIBUTE = { source_wager_id: 'bad-input-contribution-1', external_ref: PLAYER_REF, bet_amount: 1_000, currency: 'EUR' };
const FIXTURE_CONTRIBUTION = { ...CONTRIBUTE, source_wager_id: 'bad-input-fixture-contribution' };

const CONTRIBUTE_CASES: BadCase[] = [
  ...malformedCases(CONTRIBUTE),
  ...missingCases(CONTRIBUTE, ['source_wager_id', 'bet_amount', 'currency']),
  { name: 'an empty object names every required field', payload: json({}), fields: ['source_wager_id', 'bet_amount', 'currency', 'player_id', 'external_ref'] },
  { name: 'neither player_id nor external_ref', payload: json(without(CONTRIBUTE, 'external_ref')), fields: ['player_id', 'external_ref'] },
  { name: 'both player_id and external_ref', payload: lazy(() => ({ ...CONTRIBUTE, player_id: player.id })), fields: ['player_id', 'external_ref'] },
  {
    name: 'both, with refs never seen (no player made on the fly)',
    payload: json({ ...CONTRIBUTE, external_ref: 'never-seen-contribution-1', player_id: 'never-seen-contribution-2' }),
    fields: ['player_id', 'external_ref'],
  },
  ...fieldCases('bet_amount', CONTRIBUTE, BAD_MONEY),
  ...rawMoneyCases('bet_amount', CONTRIBUTE),
  ...fieldCases('currency', CONTRIBUTE, BAD_CURRENCIES),
  ...fieldCases('source_wager_id', CONTRIBUTE, BAD_TEXT(128)),
  ...fieldCases('external_ref', CONTRIBUTE, BAD_TEXT(128)),
  ...BAD_TEXT(128).map(([label, value]): BadCase => ({ name: `player_id: ${label}`, payload: json({ ...without(CONTRIBUTE, 'external_ref'), player_id: value }), fields: ['player_id'] })),
  ...unknownCases(CONTRIBUTE, [
    ['foo', 1],
    ['jackpot_id', NO_JACKPOT],
    ['jackpot_ids', [NO_JACKPOT]],
    ['contribution', 10],
    ['pool_amount', 1],
    ['won', true],
    ['win', { win_id: 'x', amount: 1 }],
    ['win_amount', 0],
    ['game_code', 'book-of-dead'],
    ['game_category', 'slots'],
    ['settled_at', '2026-06-01T12:00:00Z'],
    ['points', 100],
    ['idempotency_key', 'k'],
    ['betAmount', 1_000],
    ['playerRef', 1],
    ...SHADOWING_KEYS.map((k): [string, unknown] => [k, 1]),
  ]),
  {
    name: 'a bad bet for an external_ref never seen (no player made on the fly)',
    payload: json({ ...CONTRIBUTE, external_ref: 'never-seen-contribution-3', bet_amount: -1 }),
    fields: ['bet_amount'],
  },
];

const CASES: Record<Endpoint, BadCase[]> = { tournament: TOURNAMENT_CASES, score: SCORE_CASES, jackpot: JACKPOT_CASES, contribute: CONTRIBUTE_CASES };

/** One body each endpoint accepts; the wrong-media and auth cases are made from these. */
const VALID: Record<Endpoint, () => Record<string, unknown>> = {
  tournament: () => TOURNAMENT,
  score: () => SCORE,
  jackpot: () => JACKPOT,
  contribute: () => CONTRIBUTE,
};

// ---------------------------------------------------------------------------------------------------------
// Queries

type ListRoute = 'tournaments' | 'leaderboard' | 'around' | 'jackpots' | 'wins';
interface QueryCase {
  route: ListRoute;
  query: string;
  fields: string[];
}

function listPath(route: ListRoute): string {
  switch (route) {
    case 'tournaments':
      return '/v1/tournaments';
    case 'leaderboard':
      return `/v1/tournaments/${tournament.id}/leaderboard`;
    case 'around':
      return `/v1/tournaments/${tournament.id}/leaderboard/${player.id}`;
    case 'jackpots':
      return '/v1/jackpots';
    case 'wins':
      return `/v1/jackpots/${jackpot.id}/wins`;
  }
}

function list(route: ListRoute, query: string, { anonymous, ...opts }: SendOptions = {}): Promise<HttpResponse> {
  return (anonymous ? api.http : acme.server).get(`${listPath(route)}${query ? `?${query}` : ''}`, opts);
}

/** Bad values of an integer query parameter in [min, …]: `huge` is above its maximum. */
const intQueries = (name: string, min: number, huge: string): Array<[query: string, field: string]> => [
  ...(min - 1 !== -1 ? [[`${name}=${min - 1}`, name] as [string, string]] : []),
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
  ['cursor=a&cursor=b', 'cursor'],
  ['foo=1', 'foo'],
  ['limit=5&foo=1', 'foo'],
  ['offset=10', 'offset'],
  ['status=running', 'status'],
  ['around=5', 'around'],
  ['constructor=1', 'constructor'],
  ['toPageRequest=1', 'toPageRequest'],
];

const LEADERBOARD_QUERIES: Array<[query: string, field: string]> = [
  ...intQueries('limit', 1, '501'),
  ...intQueries('offset', 0, '10000001'),
  ['offset=123456789', 'offset'],
  ['cursor=abc', 'cursor'],
  ['around=5', 'around'],
  ['foo=1', 'foo'],
  ['constructor=1', 'constructor'],
];

const AROUND_QUERIES: Array<[query: string, field: string]> = [
  ...intQueries('around', 0, '101'),
  ['around=1000', 'around'],
  ['limit=5', 'limit'],
  ['offset=0', 'offset'],
  ['cursor=abc', 'cursor'],
  ['foo=1', 'foo'],
  ['constructor=1', 'constructor'],
];

const QUERY_CASES: QueryCase[] = [
  ...(['tournaments', 'jackpots', 'wins'] as const).flatMap((route) => PAGE_QUERIES.map(([query, field]) => ({ route, query, fields: [field] }))),
  ...LEADERBOARD_QUERIES.map(([query, field]) => ({ route: 'leaderboard' as const, query, fields: [field] })),
  ...AROUND_QUERIES.map(([query, field]) => ({ route: 'around' as const, query, fields: [field] })),
  ...(['tournaments', 'jackpots', 'wins'] as const).map((route) => ({ route, query: 'limit=0&cursor=&foo=1', fields: ['limit', 'cursor', 'foo'] })),
  { route: 'leaderboard', query: 'limit=0&offset=-1&foo=1', fields: ['limit', 'offset', 'foo'] },
  { route: 'around', query: 'around=-1&limit=5', fields: ['around', 'limit'] },
];

// ---------------------------------------------------------------------------------------------------------
// Path ids

interface IdRoute {
  name: string;
  request: (id: string) => Promise<HttpResponse>;
}

const TOURNAMENT_ROUTES: IdRoute[] = [
  { name: 'GET /v1/tournaments/:id', request: (id) => acme.server.get(`/v1/tournaments/${id}`) },
  { name: 'POST /v1/tournaments/:id/cancel', request: (id) => acme.admin.post(`/v1/tournaments/${id}/cancel`) },
  { name: 'POST /v1/tournaments/:id/score', request: (id) => acme.server.post(`/v1/tournaments/${id}/score`, { ...SCORE, source_wager_id: 'bad-input-404-score' }) },
  { name: 'GET /v1/tournaments/:id/leaderboard', request: (id) => acme.server.get(`/v1/tournaments/${id}/leaderboard?limit=5`) },
  { name: 'GET /v1/tournaments/:id/leaderboard/:player', request: (id) => acme.server.get(`/v1/tournaments/${id}/leaderboard/${PLAYER_REF}?around=2`) },
];
const JACKPOT_ROUTES: IdRoute[] = [
  { name: 'GET /v1/jackpots/:id', request: (id) => acme.server.get(`/v1/jackpots/${id}`) },
  { name: 'GET /v1/jackpots/:id/wins', request: (id) => acme.server.get(`/v1/jackpots/${id}/wins?limit=5`) },
  { name: 'POST /v1/jackpots/:id/contribute', request: (id) => acme.server.post(`/v1/jackpots/${id}/contribute`, { ...CONTRIBUTE, source_wager_id: 'bad-input-404-contribution' }) },
];

/** Ids that name nothing acme owns; `own` is the right prefix's unknown id, `wrong` a real object of the other kind. */
const badIds = (own: string, wrong: () => string, others: () => string): Array<{ label: string; make: () => string }> => [
  { label: 'an unknown id', make: () => own },
  { label: 'an id without prefix', make: () => 'whatever' },
  { label: 'the id of an object of the other kind', make: wrong },
  { label: "the other tenant's id", make: others },
  { label: 'an id of 100 characters', make: () => `${own.slice(0, 4)}${'x'.repeat(96)}` },
  { label: 'an id with a NUL (%00)', make: () => `${own.slice(0, 4)}ab%00cd` },
  { label: 'an id that is only a NUL', make: () => '%00' },
  { label: 'an id with a space (%20)', make: () => `${own.slice(0, 4)}ab%20cd` },
  { label: 'an id with control characters (%01%1B)', make: () => `${own.slice(0, 4)}ab%01%1Bcd` },
  { label: 'an id with a quote and a percent sign', make: () => `${own.slice(0, 4)}ab'%25cd` },
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
  ...TOURNAMENT_ROUTES.flatMap((route) =>
    badIds(
      NO_TOURNAMENT,
      () => jackpot.id,
      () => otherTournament.id,
    ).map((b) => ({ title: `${route.name} with ${b.label}`, request: () => route.request(b.make()) })),
  ),
  ...JACKPOT_ROUTES.flatMap((route) =>
    badIds(
      NO_JACKPOT,
      () => tournament.id,
      () => otherJackpot.id,
    ).map((b) => ({ title: `${route.name} with ${b.label}`, request: () => route.request(b.make()) })),
  ),
];

const UNROUTABLE_CASES = [
  ...TOURNAMENT_ROUTES.flatMap((route) =>
    unroutableIds(NO_TOURNAMENT).map((b) => ({ title: `${route.name} with ${b.label}`, status: b.status, request: () => route.request(b.make()) })),
  ),
  ...JACKPOT_ROUTES.flatMap((route) =>
    unroutableIds(NO_JACKPOT).map((b) => ({ title: `${route.name} with ${b.label}`, status: b.status, request: () => route.request(b.make()) })),
  ),
];

// ---------------------------------------------------------------------------------------------------------
// The tests

describe('the fixtures', () => {
  it('are in place: a running, a cancelled and a scheduled tournament, a jackpot, one score, one contribution, the other tenant’s objects', () => {
    expect(tournament).toMatchObject({ id: expect.stringMatching(/^trn_/), status: 'running', currency: 'EUR', min_bet: 100, scoring: { metric: 'bet_amount', aggregate: 'sum' } });
    expect(cancelled).toMatchObject({ id: expect.stringMatching(/^trn_/), status: 'cancelled' });
    expect(scheduled).toMatchObject({ id: expect.stringMatching(/^trn_/), status: 'scheduled' });
    expect(jackpot).toMatchObject({ id: expect.stringMatching(/^jkp_/), type: 'must_drop', pool_amount: 100_000, cycle: 1 });
    expect(fixtureScore).toEqual({ tournament_id: tournament.id, player_id: player.id, qualified: true, points_awarded: 1_000, total_score: 1_000, rank: 1 });
    expect(fixtureContribution).toMatchObject({ jackpot_id: jackpot.id, contribution: 10, won: false });
    expect(otherTournament.id).toMatch(/^trn_/);
    expect(otherJackpot.id).toMatch(/^jkp_/);
    expect(otherBox.id).toMatch(/^lbx_/);
    expect(otherPlayer.id).toMatch(/^plr_/);
    expect(rowsBefore).toMatchObject({ tournaments: 4, jackpots: 2, tournament_score_events: 1, jackpot_contributions: 1, jackpot_wins: 0 });
  });
});

describe.each(ENDPOINTS)('%s: 400 validation_failed', (endpoint) => {
  it.each(CASES[endpoint])(`${TITLES[endpoint]} $name → 400 naming $fields, storing nothing`, async ({ payload, fields }) => {
    const res = await storingNothing(() => send(endpoint, payload));
    expectFields(res, fields);
  });
});

describe('400 validation_failed on the query string', () => {
  it.each(QUERY_CASES)('GET $route ?$query → 400 naming $fields', async ({ route, query, fields }) => {
    const res = await list(route, query);
    expectFields(res, fields);
  });

  it.each([
    { name: 'GET /v1/tournaments/:id/leaderboard?limit=0 of an unknown tournament', path: `/v1/tournaments/${NO_TOURNAMENT}/leaderboard?limit=0`, field: 'limit' },
    { name: 'GET /v1/tournaments/:id/leaderboard/:player?around=-1 of an unknown tournament and player', path: `/v1/tournaments/${NO_TOURNAMENT}/leaderboard/nobody-here?around=-1`, field: 'around' },
    { name: 'GET /v1/jackpots/:id/wins?limit=abc of an unknown jackpot', path: `/v1/jackpots/${NO_JACKPOT}/wins?limit=abc`, field: 'limit' },
  ])('$name: the query is checked first (400, not 404)', async ({ path, field }) => {
    expectValidationFailed(await acme.server.get(path), field);
  });

  it.each([
    { name: 'GET /v1/tournaments/:id', path: () => `/v1/tournaments/${tournament.id}`, body: () => tournament },
    { name: 'GET /v1/jackpots/:id', path: () => `/v1/jackpots/${jackpot.id}`, body: () => ({ id: jackpot.id, seed_commit: jackpot.seed_commit, pool_amount: 100_010 }) },
  ])('$name takes no query: ?limit=0&foo=1 is ignored (200, the object)', async ({ path, body }) => {
    const res = await acme.server.get(`${path()}?limit=0&foo=1`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject(body());
  });
});

describe('400 details name every offending field at once', () => {
  it('POST /v1/tournaments with a fault in every field', async () => {
    const res = await storingNothing(() =>
      send(
        'tournament',
        json({
          name: '',
          currency: 'eur',
          starts_at: 'now',
          ends_at: '2026-02-30T00:00:00Z',
          scoring: { metric: 'points', aggregate: 'avg', extra: 1 },
          min_bet: 1.5,
          game_codes: [],
          game_categories: ['Slots'],
          prizes: [{ rank_from: 0, rank_to: 10_001, reward: { type: 'nothing' }, extra: 1 }],
          auto_enroll: 'yes',
          finalize_grace_seconds: -1,
          toInput: 1,
        }),
      ),
    );
    expectFields(res, [
      'name',
      'currency',
      'starts_at',
      'ends_at',
      'scoring.metric',
      'scoring.aggregate',
      'scoring.extra',
      'min_bet',
      'game_codes',
      'game_categories',
      'prizes[0].rank_from',
      'prizes[0].rank_to',
      'prizes[0].reward',
      'prizes[0].extra',
      'auto_enroll',
      'finalize_grace_seconds',
      'toInput',
    ]);
  });

  it('POST /v1/jackpots with a fault in every field', async () => {
    const res = await storingNothing(() =>
      send('jackpot', json({ name: 5, currency: 'WINZ', type: 'fixed', seed_amount: -1, contribution_rate: 0, must_drop_by: 1.5, hit_rate: 2, min_bet: '1', auto_enroll: 1, pool: 1 })),
    );
    expectFields(res, ['name', 'currency', 'type', 'seed_amount', 'contribution_rate', 'must_drop_by', 'hit_rate', 'min_bet', 'auto_enroll', 'pool']);
  });

  it('POST /v1/tournaments/:id/score with a fault in every field', async () => {
    const res = await storingNothing(() =>
      send('score', json({ source_wager_id: '', player_id: 5, external_ref: '', bet_amount: -1, win_amount: 1.5, currency: 'eur', game_code: '', game_category: 'Slots', settled_at: 'now', points: '1', foo: 1 })),
    );
    expectFields(res, ['source_wager_id', 'player_id', 'external_ref', 'bet_amount', 'win_amount', 'currency', 'game_code', 'game_category', 'settled_at', 'points', 'foo']);
  });

  it('POST /v1/jackpots/:id/contribute with a fault in every field', async () => {
    const res = await storingNothing(() => send('contribute', json({ source_wager_id: 5, player_id: '', external_ref: null, bet_amount: '1000', currency: 'WINZ', win_amount: 0 })));
    expectFields(res, ['source_wager_id', 'player_id', 'external_ref', 'bet_amount', 'currency', 'win_amount']);
  });

  it('rules over several fields are named together with the other faults', async () => {
    const tournament = await storingNothing(() => send('tournament', json({ ...withPrizes(range(1, 3), range(3, 5), range(9, 7)), name: '', ends_at: TOURNAMENT.starts_at })));
    expectFields(tournament, ['name', 'ends_at', 'prizes[1]', 'prizes[2].rank_to']);
    // a prize whose ranks are themselves refused is not also checked for overlaps
    const ranks = await storingNothing(() => send('tournament', json(withPrizes(range(1, 3), { rank_from: 0, rank_to: 2, reward: WINZ }))));
    expectFields(ranks, ['prizes[1].rank_from']);
    const score = await storingNothing(() => send('score', json({ source_wager_id: '', external_ref: PLAYER_REF })));
    expectFields(score, ['source_wager_id', 'bet_amount', 'currency']);
    const points = await storingNothing(() => send('score', json({ ...POINTS, source_wager_id: '', currency: 'EUR' })));
    expectFields(points, ['source_wager_id', 'currency']);
    const mustDrop = await storingNothing(() => send('jackpot', json({ ...without(JACKPOT, 'must_drop_by'), seed_amount: -1, hit_rate: 0.5 })));
    expectFields(mustDrop, ['seed_amount', 'must_drop_by', 'hit_rate']);
    const low = await storingNothing(() => send('jackpot', json({ ...JACKPOT, name: '', must_drop_by: JACKPOT.seed_amount })));
    expectFields(low, ['name', 'must_drop_by']);
    const progressive = await storingNothing(() => send('jackpot', json({ ...without(PROGRESSIVE, 'hit_rate'), currency: 'eur', must_drop_by: 5 })));
    expectFields(progressive, ['currency', 'hit_rate', 'must_drop_by']);
  });

  it('the issues say what is wrong', async () => {
    const overlap = await send('tournament', json(withPrizes(range(1, 3), range(3, 5))));
    expect(overlap.body.error.details).toEqual([{ field: 'prizes[1]', issue: expect.stringContaining('overlap') }]);
    const inverted = await send('tournament', json(withPrizes(range(3, 1))));
    expect(inverted.body.error.details).toEqual([{ field: 'prizes[0].rank_to', issue: 'must be at least rank_from' }]);
    const order = await send('tournament', json({ ...TOURNAMENT, ends_at: TOURNAMENT.starts_at }));
    expect(order.body.error.details).toEqual([{ field: 'ends_at', issue: 'must be after starts_at' }]);
    const nothing = await send('tournament', json(prize1({ reward: { type: 'nothing' } })));
    expect(nothing.body.error.details).toEqual([{ field: 'prizes[1].reward', issue: expect.stringMatching(/type must be one of winz, bonus, lootbox, external/) }]);
    const notObject = await send('tournament', json(withPrize(1, [])));
    expect(notObject.body.error.details).toEqual([{ field: 'prizes[1]', issue: 'must be a JSON object' }]);
    const drop = await send('jackpot', json({ ...JACKPOT, must_drop_by: JACKPOT.seed_amount }));
    expect(drop.body.error.details).toEqual([{ field: 'must_drop_by', issue: 'must be greater than seed_amount' }]);
    const decimals = await send('jackpot', json({ ...JACKPOT, contribution_rate: 0.0123456789 }));
    expect(decimals.body.error.details).toEqual([{ field: 'contribution_rate', issue: expect.stringContaining('at most 9 decimals') }]);
    const facts = await send('score', json({ ...POINTS, bet_amount: 1_000 }));
    expect(facts.body.error.details).toEqual([{ field: 'bet_amount', issue: 'is not allowed with points' }]);
    const money = await send('contribute', json({ ...CONTRIBUTE, bet_amount: 1.5 }));
    expect(money.body.error.details).toEqual([{ field: 'bet_amount', issue: 'must be an integer number of millis >= 0' }]);
  });
});

describe('422 and 409: well-formed bodies a business rule refuses, storing nothing', () => {
  it.each([
    { name: 'a prize naming an unknown lootbox', reward: () => ({ type: 'lootbox', lootbox_id: NO_BOX }) },
    { name: 'a prize naming a lootbox id without prefix', reward: () => ({ type: 'lootbox', lootbox_id: 'no-such-box' }) },
    { name: "a prize naming the other tenant's lootbox (no leak)", reward: () => ({ type: 'lootbox', lootbox_id: otherBox.id }) },
    { name: 'a prize naming an unknown bonus template', reward: () => ({ type: 'bonus', bonus_template_id: NO_TEMPLATE }) },
  ])('POST /v1/tournaments: $name → 422 invalid_reward', async ({ reward }) => {
    const res = await storingNothing(() => send('tournament', lazy(() => prize1({ reward: reward() }))));
    expectError(res, 422, 'invalid_reward');
    expect(res.body.error.details).toEqual([{ field: 'prizes[1].reward', issue: expect.any(String) }]);
  });

  it.each([
    { name: 'a USD wager on a EUR tournament', change: { currency: 'USD' }, status: 422, code: 'currency_mismatch' },
    { name: 'a wager settled a second before starts_at', change: { settled_at: '2019-12-31T23:59:59Z' }, status: 409, code: 'tournament_not_running' },
    { name: 'a wager settled at ends_at (exclusive)', change: { settled_at: '2099-01-01T00:00:00Z' }, status: 409, code: 'tournament_not_running' },
    { name: 'a wager settled in 1970', change: { settled_at: '1970-01-01T00:00:00Z' }, status: 409, code: 'tournament_not_running' },
  ])('POST /v1/tournaments/:id/score: $name → $status $code', async ({ change, status, code }) => {
    const res = await storingNothing(() => send('score', json({ ...SCORE, ...change })));
    expectError(res, status, code);
  });

  it.each([
    { name: 'the cancelled tournament', id: () => cancelled.id },
    { name: 'the scheduled tournament', id: () => scheduled.id },
  ])('POST /v1/tournaments/:id/score on $name → 409 tournament_not_running', async ({ id }) => {
    for (const body of [without(SCORE, 'settled_at'), POINTS, { ...SCORE, external_ref: 'never-seen-score-409' }]) {
      const res = await storingNothing(() => acme.server.post(`/v1/tournaments/${id()}/score`, body));
      expectError(res, 409, 'tournament_not_running');
    }
  });

  it('POST /v1/jackpots/:id/contribute: a USD bet on a EUR jackpot → 422 currency_mismatch', async () => {
    for (const body of [{ ...CONTRIBUTE, currency: 'USD' }, { ...CONTRIBUTE, currency: 'USD', external_ref: 'never-seen-contribution-422' }]) {
      const res = await storingNothing(() => send('contribute', json(body)));
      expectError(res, 422, 'currency_mismatch');
    }
  });

  it.each([
    { name: 'score: the fixture key with another bet', endpoint: 'score' as const, body: { ...FIXTURE_SCORE, bet_amount: 2_000 } },
    { name: 'score: the fixture key as points', endpoint: 'score' as const, body: { ...POINTS, source_wager_id: FIXTURE_SCORE.source_wager_id } },
    { name: 'score: the fixture key for another player', endpoint: 'score' as const, body: { ...FIXTURE_SCORE, external_ref: 'never-seen-score-reuse' } },
    { name: 'contribute: the fixture key with another bet', endpoint: 'contribute' as const, body: { ...FIXTURE_CONTRIBUTION, bet_amount: 2_000 } },
    { name: 'contribute: the fixture key for another player', endpoint: 'contribute' as const, body: { ...FIXTURE_CONTRIBUTION, external_ref: 'never-seen-contribution-reuse' } },
  ])('$name → 422 idempotency_key_reused', async ({ endpoint, body }) => {
    const res = await storingNothing(() => send(endpoint, json(body)));
    expectError(res, 422, 'idempotency_key_reused');
  });

  it('the fixture score and contribution replay as they were (200, nothing stored)', async () => {
    const score = await storingNothing(() => send('score', json(FIXTURE_SCORE)));
    expect(score.status).toBe(200);
    expect(score.body).toEqual(fixtureScore);
    const contribution = await storingNothing(() => send('contribute', json(FIXTURE_CONTRIBUTION)));
    expect(contribution.status).toBe(200);
    expect(contribution.body).toEqual(fixtureContribution);
  });
});

describe('404 not_found', () => {
  it.each(ID_CASES)('$title → 404, storing nothing', async ({ request }) => {
    const res = await storingNothing(request);
    expectError(res, 404, 'not_found');
  });

  // These were once Fastify's own answers ({ statusCode, code: 'FST_ERR_…' }, a 414 for an id over 100 characters),
  // without the API.md §1 body or X-Request-Id.
  it.each(UNROUTABLE_CASES)('$title → $status before any route runs, in the one error shape, storing nothing', async ({ request, status }) => {
    const res = await storingNothing(request);
    if (status === 404) expectError(res, 404, 'not_found');
    else expectValidationFailed(res, '(path)');
  });

  it.each([
    { name: 'an unknown player', player: () => 'nobody-here' },
    { name: 'an unknown plr_ id', player: () => 'plr_01m815s5g0tv8swys7gz4j0g32' },
    { name: "the other tenant's player", player: () => otherPlayer.id },
    { name: "the other tenant's player by external_ref", player: () => otherPlayer.external_ref },
    { name: 'a player ref of 100 characters never seen', player: () => 'p'.repeat(100) },
    { name: 'a player ref with a NUL', player: () => 'ab%00cd' },
    { name: 'a player ref that is only a NUL', player: () => '%00' },
    { name: 'the external_ref with a NUL appended', player: () => `${PLAYER_REF}%00` },
  ])('GET /v1/tournaments/:id/leaderboard/:player of $name → 404 (no player made)', async ({ player: ref }) => {
    const res = await storingNothing(() => acme.server.get(`/v1/tournaments/${tournament.id}/leaderboard/${ref()}`));
    expectError(res, 404, 'not_found');
  });

  it.each([
    { name: 'POST /v1/tournaments/:id/score', path: () => `/v1/tournaments/${NO_TOURNAMENT}/score`, body: { ...SCORE, external_ref: 'never-seen-score-404' } },
    { name: "POST /v1/tournaments/:id/score (the other tenant's)", path: () => `/v1/tournaments/${otherTournament.id}/score`, body: { ...POINTS, external_ref: 'never-seen-score-404b' } },
    { name: 'POST /v1/jackpots/:id/contribute', path: () => `/v1/jackpots/${NO_JACKPOT}/contribute`, body: { ...CONTRIBUTE, external_ref: 'never-seen-contribution-404' } },
    { name: "POST /v1/jackpots/:id/contribute (the other tenant's)", path: () => `/v1/jackpots/${otherJackpot.id}/contribute`, body: { ...CONTRIBUTE, external_ref: 'never-seen-contribution-404b' } },
  ])('$name of an unknown object for an external_ref never seen → 404, no player made on the fly', async ({ path, body }) => {
    const res = await storingNothing(() => acme.server.post(path(), body));
    expectError(res, 404, 'not_found');
  });

  it.each([
    { name: 'score for an unknown plr_ id', endpoint: 'score' as const, body: { ...without(SCORE, 'external_ref'), player_id: 'plr_01m815s5g0tv8swys7gz4j0g32' } },
    { name: "score for the other tenant's player", endpoint: 'score' as const, body: () => ({ ...without(SCORE, 'external_ref'), player_id: otherPlayer.id }) },
    { name: 'contribute for an unknown plr_ id', endpoint: 'contribute' as const, body: { ...without(CONTRIBUTE, 'external_ref'), player_id: 'plr_01m815s5g0tv8swys7gz4j0g32' } },
    { name: "contribute for the other tenant's player", endpoint: 'contribute' as const, body: () => ({ ...without(CONTRIBUTE, 'external_ref'), player_id: otherPlayer.id }) },
  ])('$name → 404', async ({ endpoint, body }) => {
    const res = await storingNothing(() => send(endpoint, typeof body === 'function' ? lazy(body) : json(body)));
    expectError(res, 404, 'not_found');
  });

  it.each([
    { name: 'a score', req: () => acme.server.post(`/v1/tournaments/${NO_TOURNAMENT}/score`, { ...SCORE, bet_amount: 1.5 }), field: 'bet_amount' },
    { name: 'a contribution', req: () => acme.server.post(`/v1/jackpots/${NO_JACKPOT}/contribute`, { ...CONTRIBUTE, currency: 'eur' }), field: 'currency' },
  ])('a bad body for $name on an unknown object is a 400 (the body is checked first)', async ({ req, field }) => {
    expectValidationFailed(await storingNothing(req), field);
  });
});

describe('415 unsupported_media_type and 413 payload_too_large', () => {
  const CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/octet-stream', 'text/json'];

  describe.each(ENDPOINTS)('%s', (endpoint) => {
    it.each(CONTENT_TYPES)(`${TITLES[endpoint]} with a valid JSON body sent as %s → 415`, async (contentType) => {
      const res = await storingNothing(() => send(endpoint, raw(JSON.stringify(VALID[endpoint]())), { headers: { 'content-type': contentType } }));
      expectError(res, 415, 'unsupported_media_type');
    });

    it(`${TITLES[endpoint]} with a valid JSON body and no Content-Type → 415`, async () => {
      const res = await storingNothing(() => sendWithoutContentType(endpoint, Buffer.from(JSON.stringify(VALID[endpoint]()))));
      expectError(res, 415, 'unsupported_media_type');
    });

    it(`${TITLES[endpoint]} with a JSON body just over 1 MiB → 413`, async () => {
      const text = JSON.stringify({ ...VALID[endpoint](), pad: 'p'.repeat(1024 * 1024) });
      expect(Buffer.byteLength(text)).toBeGreaterThan(1024 * 1024);
      const res = await storingNothing(() => clientFor(endpoint).rawSocketRequest('POST', pathOf(endpoint), Buffer.from(text)));
      expectError(res, 413, 'payload_too_large');
    });
  });

  it('POST /v1/tournaments with a prize list just over 1 MiB → 413, not a 400 about prizes', async () => {
    const prizes = Array.from({ length: 5_000 }, (_, i) => ({ rank_from: i + 1, rank_to: i + 1, reward: { ...EXTERNAL, description: 'd'.repeat(200) } }));
    const text = JSON.stringify({ ...TOURNAMENT, prizes });
    expect(Buffer.byteLength(text)).toBeGreaterThan(1024 * 1024);
    const res = await storingNothing(() => acme.admin.rawSocketRequest('POST', '/v1/tournaments', Buffer.from(text)));
    expectError(res, 413, 'payload_too_large');
  });
});

describe('request ids on errors', () => {
  it("echoes the caller's X-Request-Id on a 400, a 404 and a 422", async () => {
    const bad = await send('tournament', json(prize1({ rank_from: 0 })), { headers: { 'x-request-id': 'caller-req.tj-1' } });
    expectValidationFailed(bad, 'prizes[1].rank_from');
    expect(bad.body.request_id).toBe('caller-req.tj-1');
    const missing = await acme.server.get(`/v1/jackpots/${NO_JACKPOT}`, { headers: { 'x-request-id': 'caller-req.tj-2' } });
    expectError(missing, 404, 'not_found');
    expect(missing.body.request_id).toBe('caller-req.tj-2');
    const rule = await send('contribute', json({ ...CONTRIBUTE, currency: 'USD' }), { headers: { 'x-request-id': 'caller-req.tj-3' } });
    expectError(rule, 422, 'currency_mismatch');
    expect(rule.body.request_id).toBe('caller-req.tj-3');
  });

  it('gives every error its own request id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await send('score', json({ ...SCORE, bet_amount: -1 }))).body.request_id);
    expect(ids.size).toBe(5);
  });
});

describe('authentication and scope come before the body', () => {
  const BAD_BODIES: Array<{ name: string; payload: Payload; headers?: Record<string, string> }> = [
    { name: 'malformed JSON', payload: raw('{"prizes":') },
    { name: 'an empty body', payload: raw('') },
    { name: 'a JSON array', payload: raw('[]') },
    { name: 'ill-typed fields', payload: json({ scoring: 'x', prizes: [{ rank_from: 0 }], seed_amount: 1.5, bet_amount: '5' }) },
    { name: 'unknown and shadowing fields', payload: json({ foo: 1, toInput: 1, constructor: 1 }) },
    { name: 'a text/plain body', payload: raw('hello'), headers: { 'content-type': 'text/plain' } },
  ];
  const cases = ENDPOINTS.flatMap((endpoint) => [
    ...BAD_BODIES.map((b) => ({ endpoint, ...b, title: `${TITLES[endpoint]} with ${b.name}` })),
    { endpoint, name: 'the valid base body', payload: lazy(() => VALID[endpoint]()), headers: undefined, title: `${TITLES[endpoint]} with the valid base body` },
  ]);
  const adminCases = cases.filter((c) => ADMIN_ONLY.includes(c.endpoint));

  it.each(cases)('$title and no Authorization → 401', async ({ endpoint, payload, headers }) => {
    const res = await storingNothing(() => send(endpoint, payload, { headers, anonymous: true }));
    expectError(res, 401, 'unauthorized');
  });

  it.each(cases)('$title and an unknown key → 401', async ({ endpoint, payload, headers }) => {
    const res = await storingNothing(() => send(endpoint, payload, { headers, key: 'wz_server_not-a-real-key' }));
    expectError(res, 401, 'unauthorized');
  });

  it.each(adminCases)("$title and the tenant's server key → 403", async ({ endpoint, payload, headers }) => {
    const res = await storingNothing(() => send(endpoint, payload, { headers, key: acme.serverKey }));
    expectError(res, 403, 'forbidden');
  });

  it.each([
    { name: 'the fixture tournament', id: () => tournament.id },
    { name: 'an unknown tournament', id: () => NO_TOURNAMENT },
  ])('POST /v1/tournaments/:id/cancel of $name: no key → 401, an unknown key → 401, the server key → 403', async ({ id }) => {
    expectError(await api.http.post(`/v1/tournaments/${id()}/cancel`), 401, 'unauthorized');
    expectError(await acme.server.post(`/v1/tournaments/${id()}/cancel`, undefined, { key: 'wz_admin_not-a-real-key' }), 401, 'unauthorized');
    expectError(await acme.server.post(`/v1/tournaments/${id()}/cancel`), 403, 'forbidden');
  });

  it("POST /v1/tournaments/:id/score and /v1/jackpots/:id/contribute with the other tenant's server key → 404 (no leak)", async () => {
    expectError(await storingNothing(() => other.server.post(`/v1/tournaments/${tournament.id}/score`, { ...SCORE, external_ref: 'bad-input-tj-other-player' })), 404, 'not_found');
    expectError(await storingNothing(() => other.server.post(`/v1/jackpots/${jackpot.id}/contribute`, { ...CONTRIBUTE, external_ref: 'bad-input-tj-other-player' })), 404, 'not_found');
    expectError(await storingNothing(() => other.admin.post(`/v1/tournaments/${tournament.id}/cancel`)), 404, 'not_found');
  });

  it('the platform key on a tenant route with a bad body → 401', async () => {
    for (const path of ['/v1/tournaments', '/v1/jackpots', `/v1/tournaments/${tournament.id}/score`, `/v1/jackpots/${jackpot.id}/contribute`]) {
      expectError(await storingNothing(() => api.platform.post(path, undefined, { raw: '{' })), 401, 'unauthorized');
    }
  });

  it.each(QUERY_CASES.filter((c) => c.query.includes('foo=1') && c.fields.length > 1))('GET $route?$query with no Authorization → 401', async ({ route, query }) => {
    expectError(await list(route, query, { anonymous: true }), 401, 'unauthorized');
  });
});

describe('after the whole matrix', () => {
  it('stored nothing: no tournament, score, jackpot, seed, contribution, win, wager, player or outbox event was added', async () => {
    expect(await countAll()).toEqual(rowsBefore);
  });

  it('made no player on the fly for the external_refs of the refused requests', async () => {
    const { rows } = await env.pool.query("SELECT external_ref FROM players WHERE external_ref LIKE 'never-seen%'");
    expect(rows).toEqual([]);
  });

  it('left the fixture tournament as it was: running, one player on the board with the fixture score', async () => {
    expect((await acme.server.get(`/v1/tournaments/${tournament.id}`)).body).toEqual(tournament);
    const board = await acme.server.get(`/v1/tournaments/${tournament.id}/leaderboard`);
    expect(board.body).toEqual({ tournament_id: tournament.id, status: 'running', total_players: 1, entries: [{ rank: 1, player_id: player.id, external_ref: PLAYER_REF, score: 1_000 }] });
    const around = await acme.server.get(`/v1/tournaments/${tournament.id}/leaderboard/${PLAYER_REF}`);
    expect(around.body).toMatchObject({ player_id: player.id, rank: 1, score: 1_000 });
  });

  it('left the fixture jackpot as it was: the seed plus the one contribution, no win, the same commit', async () => {
    const res = await acme.server.get(`/v1/jackpots/${jackpot.id}`);
    expect(res.body).toMatchObject({ id: jackpot.id, pool_amount: 100_010, cycle: 1, seed_commit: jackpot.seed_commit, totals: { seeded: '100000', contributed: '10', won: '0' } });
    expect((await acme.server.get(`/v1/jackpots/${jackpot.id}/wins`)).body).toEqual({ data: [], next_cursor: null });
  });

  it('lists exactly the fixture tournaments and jackpot for acme, and left the other tenant’s alone', async () => {
    const tournaments = (await acme.server.get('/v1/tournaments?limit=500')).body;
    expect(tournaments.data.map((t: { id: string }) => t.id).sort()).toEqual([tournament.id, cancelled.id, scheduled.id].sort());
    expect((await acme.server.get('/v1/jackpots?limit=500')).body.data.map((j: { id: string }) => j.id)).toEqual([jackpot.id]);
    expect((await other.server.get(`/v1/tournaments/${otherTournament.id}`)).body).toMatchObject({ id: otherTournament.id, status: 'running' });
    expect((await other.server.get(`/v1/jackpots/${otherJackpot.id}`)).body).toEqual(otherJackpot);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The controls: the valid bodies and queries the matrix was made from, and the boundary values next to the
// refused ones, are accepted (so each refusal above was about the one change).

describe('the valid bodies the matrix was made from are accepted', () => {
  it('POST /v1/tournaments accepts the base tournament', async () => {
    const res = await send('tournament', json(TOURNAMENT));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^trn_/),
      name: TOURNAMENT.name,
      currency: 'EUR',
      starts_at: '2020-01-01T00:00:00.000Z',
      ends_at: '2099-01-01T00:00:00.000Z',
      finalize_grace_seconds: 300,
      scoring: TOURNAMENT.scoring,
      min_bet: 100,
      game_codes: TOURNAMENT.game_codes,
      game_categories: TOURNAMENT.game_categories,
      prizes: TOURNAMENT.prizes,
      auto_enroll: false,
      status: 'running',
      total_players: null,
      results: null,
      created_at: expect.any(String),
      finished_at: null,
      cancelled_at: null,
    });
  });

  it('POST /v1/jackpots accepts the base must_drop and progressive jackpots', async () => {
    for (const body of [JACKPOT, PROGRESSIVE]) {
      const res = await send('jackpot', json(body));
      expect({ name: body.name, status: res.status }).toEqual({ name: body.name, status: 201 });
      expect(res.body).toMatchObject({ id: expect.stringMatching(/^jkp_/), ...body });
    }
  });

  it('POST /v1/tournaments/:id/score accepts the base wager and the base points', async () => {
    const wager = await send('score', json(SCORE));
    expect(wager.status).toBe(201);
    expect(wager.body).toMatchObject({ tournament_id: tournament.id, player_id: player.id, qualified: true, points_awarded: 1_000, total_score: 2_000 });
    const points = await send('score', json(POINTS));
    expect(points.status).toBe(201);
    expect(points.body).toMatchObject({ qualified: true, points_awarded: 100, total_score: 2_100 });
  });

  it('POST /v1/jackpots/:id/contribute accepts the base contribution', async () => {
    const res = await send('contribute', json(CONTRIBUTE));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ jackpot_id: jackpot.id, contribution: 10, pool_amount: 100_020, won: false });
  });

  it.each([
    { route: 'tournaments' as const, query: 'limit=1' },
    { route: 'tournaments' as const, query: 'limit=500' },
    { route: 'jackpots' as const, query: 'limit=1' },
    { route: 'jackpots' as const, query: 'limit=500' },
    { route: 'tournaments' as const, query: `cursor=${cursorOf('trn')}` },
    { route: 'jackpots' as const, query: `cursor=${cursorOf('jkp')}` },
  ])('GET $route?$query → 200', async ({ route, query }) => {
    const res = await list(route, query);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['data', 'next_cursor']);
    expect(Array.isArray(res.body.data)).toBe(true);
  });

  it.each(['limit=1', 'limit=500', `cursor=${cursorOf('win')}`])('GET wins?%s → 200', async (query) => {
    expect((await list('wins', query)).body).toEqual({ data: [], next_cursor: null });
  });

  it.each(['limit=1', 'limit=500', 'offset=0', 'offset=10000000', 'offset=00001&limit=000500'])('GET leaderboard?%s → 200', async (query) => {
    const res = await list('leaderboard', query);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tournament_id: tournament.id, total_players: 1 });
  });

  it.each(['around=0', 'around=100', 'around=005'])('GET around?%s → 200', async (query) => {
    const res = await list('around', query);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ player_id: player.id, rank: 1 });
  });

  it('wrote the rows those controls should have written', async () => {
    const now = await countAll();
    expect(now.tournaments - rowsBefore.tournaments).toBe(1);
    expect(now.jackpots - rowsBefore.jackpots).toBe(2);
    expect(now.tournament_score_events - rowsBefore.tournament_score_events).toBe(2);
    expect(now.jackpot_contributions - rowsBefore.jackpot_contributions).toBe(1);
    expect(now.players).toBe(rowsBefore.players);
  });
});

describe('the boundary values next to the refused ones are accepted', () => {
  it.each([
    { name: 'no prizes', body: { ...TOURNAMENT, prizes: [] } },
    { name: '100 ranges, adjacent', body: { ...TOURNAMENT, prizes: ranges(100) } },
    { name: 'ranks 1 to 10000 in one range', body: { ...TOURNAMENT, prizes: [range(1, 10_000)] } },
    { name: 'rank 10000 alone, after ranks 1 to 9999', body: { ...TOURNAMENT, prizes: [range(10_000, 10_000), range(1, 9_999)] } },
    { name: 'a winz prize of 1 and one of 2^53 − 1', body: { ...TOURNAMENT, prizes: [{ rank_from: 1, rank_to: 1, reward: { type: 'winz', amount: Number.MAX_SAFE_INTEGER } }, { rank_from: 2, rank_to: 2, reward: { type: 'winz', amount: 1 } }] } },
    { name: 'min_bet 0', body: { ...TOURNAMENT, min_bet: 0 } },
    { name: 'min_bet 2^53 − 1', body: { ...TOURNAMENT, min_bet: Number.MAX_SAFE_INTEGER } },
    { name: 'finalize_grace_seconds 0', body: { ...TOURNAMENT, finalize_grace_seconds: 0 } },
    { name: 'finalize_grace_seconds 7 days', body: { ...TOURNAMENT, finalize_grace_seconds: 7 * 24 * 3600 } },
    { name: '500 game codes of 64 characters', body: { ...TOURNAMENT, game_codes: Array.from({ length: 500 }, (_, i) => `${i}`.padStart(64, 'g')) } },
    { name: '50 game categories of 32 characters', body: { ...TOURNAMENT, game_categories: Array.from({ length: 50 }, (_, i) => `c${i}`.padEnd(32, '_')) } },
    { name: 'only the required fields', body: without(TOURNAMENT, 'min_bet', 'game_codes', 'game_categories', 'auto_enroll', 'finalize_grace_seconds') },
    { name: 'scoring without aggregate', body: { ...TOURNAMENT, scoring: { metric: 'wager_count' } } },
    ...['win_amount', 'net_win', 'win_multiplier'].map((metric) => ({ name: `metric ${metric}, aggregate best`, body: { ...TOURNAMENT, scoring: { metric, aggregate: 'best' } } })),
    { name: 'ends_at a millisecond after starts_at', body: { ...TOURNAMENT, starts_at: '2026-06-01T00:00:00Z', ends_at: '2026-06-01T00:00:00.001Z' } },
    { name: 'ends_at in year 9999 both as written and in UTC', body: { ...TOURNAMENT, starts_at: '1970-01-01T00:00:00Z', ends_at: '9999-12-31T23:59:59+01:00' } },
    { name: 'a 200-character name', body: { ...TOURNAMENT, name: 'n'.repeat(200) } },
    { name: 'auto_enroll true', body: { ...TOURNAMENT, auto_enroll: true, currency: 'GBP' } },
  ])('POST /v1/tournaments: $name → 201', async ({ body }) => {
    const res = await send('tournament', json(body));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: body.name, prizes: body.prizes });
  });

  it.each([
    { name: 'seed_amount 0, must_drop_by 1', body: { ...JACKPOT, seed_amount: 0, must_drop_by: 1 } },
    { name: 'must_drop_by one above seed_amount', body: { ...JACKPOT, must_drop_by: JACKPOT.seed_amount + 1 } },
    { name: 'must_drop_by 2^53 − 1', body: { ...JACKPOT, seed_amount: Number.MAX_SAFE_INTEGER - 1, must_drop_by: Number.MAX_SAFE_INTEGER } },
    { name: 'contribution_rate 1', body: { ...JACKPOT, contribution_rate: 1 } },
    { name: 'contribution_rate 1e-9 (9 decimals)', body: { ...JACKPOT, contribution_rate: 1e-9 } },
    { name: 'contribution_rate 0.123456789', body: { ...JACKPOT, contribution_rate: 0.123456789 } },
    { name: 'hit_rate 1', body: { ...PROGRESSIVE, hit_rate: 1 } },
    { name: 'hit_rate 1e-12 (12 decimals)', body: { ...PROGRESSIVE, hit_rate: 1e-12 } },
    { name: 'min_bet 2^53 − 1', body: { ...PROGRESSIVE, min_bet: Number.MAX_SAFE_INTEGER } },
    { name: 'a 200-character name, auto_enroll true', body: { ...JACKPOT, name: 'n'.repeat(200), auto_enroll: true, currency: 'GBP' } },
  ])('POST /v1/jackpots: $name → 201', async ({ body }) => {
    const res = await send('jackpot', json(body));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject(body);
  });

  it.each([
    { name: 'points 0 and a 128-character key', body: { ...POINTS, source_wager_id: 'k'.repeat(128), points: 0 } },
    { name: 'points 2^53 − 1 for a new player', body: { source_wager_id: 'bad-input-points-max', external_ref: uniqueRef('bad-input-tj-max'), points: Number.MAX_SAFE_INTEGER } },
    { name: 'a bet of 0 (below min_bet: not qualified)', body: { ...SCORE, source_wager_id: 'bad-input-score-zero', bet_amount: 0, win_amount: 0 } },
    { name: 'only the required wager fields', body: { ...without(SCORE, 'win_amount', 'game_code', 'game_category', 'settled_at'), source_wager_id: 'bad-input-score-required' } },
    { name: 'settled_at at starts_at (inclusive)', body: { ...SCORE, source_wager_id: 'bad-input-score-start', settled_at: '2020-01-01T00:00:00Z' } },
  ])('POST /v1/tournaments/:id/score: $name → 201', async ({ body }) => {
    const res = await send('score', json(body));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ tournament_id: tournament.id });
  });

  it.each([
    { name: 'a bet of 0 and a 128-character key', body: { ...CONTRIBUTE, source_wager_id: 'c'.repeat(128), bet_amount: 0 } },
    { name: 'a bet by plr_ id', body: () => ({ ...without(CONTRIBUTE, 'external_ref'), source_wager_id: 'bad-input-contribution-by-id', player_id: player.id }) },
  ])('POST /v1/jackpots/:id/contribute: $name → 201', async ({ body }) => {
    const res = await send('contribute', typeof body === 'function' ? lazy(body) : json(body));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ jackpot_id: jackpot.id, won: false });
  });
});
