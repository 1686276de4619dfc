// Bad input on the money side of the API (API.md §1, §2, §5, §6, §7, §8):
//   POST /v1/bonus-templates                    (admin key)
//   POST /v1/players/:player/bonuses            (server key)
//   POST /v1/players/:player/wallet/credits     (server key)
//   POST /v1/players/:player/wallet/debits      (server key)
//   POST /v1/players/:player/rewards            (admin key)
//   POST /v1/wagers                             (server key)
//   POST /v1/journeys/event                     (server key)
// and the query strings of GET /v1/bonus-templates, /v1/players/:player/bonuses and /v1/players/:player/wallet.
//
// Every case must answer the one error body with the right status and code, a 400 must name the offending
// field(s) in `details`, `request_id` must equal the X-Request-Id header, and nothing may be stored: the row
// counts of every money table (and players, which wagers and events create on the fly, and outbox_events) are
// taken before the whole matrix and compared after it. Authentication and scope come before the body.
//
// The last block shows the matrix tested the right thing: the valid bodies the bad ones were made from, and
// the boundary values next to the refused ones, are accepted.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { HttpClient, HttpResponse } from '../support/http.js';
import { startApiProcess, type RunningApi } from '../support/processes.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { createPlayer, createTenant, type TestTenant, uniqueRef } from '../support/factories.js';
import { type BadCase, type Payload, type SendOptions, expectError, expectFields, expectValidationFailed, json, raw, lazy, without, fieldCases, missingCases, unknownCases } from '../support/bad-input.js';

/** A cursor of the right shape (an id) that names no item: a list answers the items before it. */
const WELL_FORMED_CURSOR = `zzz_${'z'.repeat(26)}`;
/** Such a cursor of the kind of id a list has (`zzz_` is no kind: every list refuses it). */
const cursorOf = (prefix: string) => `${prefix}_${'z'.repeat(26)}`;

let env: TestEnv;
let api: RunningApi;
let acme: TestTenant;
/** The player every per-player route targets; wagers and events name it by its external_ref. */
let player: any;
/** A real template (reload, USD) the grant cases point at. */
let template: any;
let rowsBefore: Record<string, number>;

const PLAYER_REF = 'bad-input-money-player';

const TABLES = [
  'bonus_templates',
  'bonus_grants',
  'ledger_transactions',
  'ledger_entries',
  'reward_grants',
  'wagers',
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

beforeAll(async () => {
  env = await createTestEnv();
  api = await startApiProcess(env.env);
  acme = await createTenant(api.platform, 'Acme');
  player = await createPlayer(acme.server, { external_ref: PLAYER_REF, currency: 'USD', country: 'DE' });
  const created = await acme.admin.post('/v1/bonus-templates', { ...TEMPLATE_BASES.reload, name: 'Fixture reload' });
  if (created.status !== 201) throw new Error(`template create failed: ${created.status} ${created.text}`);
  template = created.body;
  rowsBefore = await countAll();
});

afterAll(async () => {
  await api?.stop();
  await env?.close();
});

// ---------------------------------------------------------------------------------------------------------
// Endpoints and assertions

type Endpoint = 'templates' | 'grant' | 'credit' | 'debit' | 'reward' | 'wager' | 'event';
const ENDPOINTS: Endpoint[] = ['templates', 'grant', 'credit', 'debit', 'reward', 'wager', 'event'];
const ADMIN_ONLY: Endpoint[] = ['templates', 'reward'];

const TITLES: Record<Endpoint, string> = {
  templates: 'POST /v1/bonus-templates',
  grant: 'POST /v1/players/:player/bonuses',
  credit: 'POST /v1/players/:player/wallet/credits',
  debit: 'POST /v1/players/:player/wallet/debits',
  reward: 'POST /v1/players/:player/rewards',
  wager: 'POST /v1/wagers',
  event: 'POST /v1/journeys/event',
};

function pathOf(endpoint: Endpoint): string {
  switch (endpoint) {
    case 'templates':
      return '/v1/bonus-templates';
    case 'grant':
      return `/v1/players/${player.id}/bonuses`;
    case 'credit':
      return `/v1/players/${player.id}/wallet/credits`;
    case 'debit':
      return `/v1/players/${player.id}/wallet/debits`;
    case 'reward':
      return `/v1/players/${player.id}/rewards`;
    case 'wager':
      return '/v1/wagers';
    case 'event':
      return '/v1/journeys/event';
  }
}

function clientFor(endpoint: Endpoint): HttpClient {
  return ADMIN_ONLY.includes(endpoint) ? acme.admin : acme.server;
}


function send(endpoint: Endpoint, payload: Payload, { anonymous, ...opts }: SendOptions = {}): Promise<HttpResponse> {
  const client = anonymous ? api.http : clientFor(endpoint);
  if ('raw' in payload) return client.post(pathOf(endpoint), undefined, { ...opts, raw: payload.raw });
  return client.post(pathOf(endpoint), 'lazy' in payload ? payload.lazy() : payload.body, opts);
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

/** Numbers JSON.stringify cannot write (or writes differently): sent as raw JSON text. */
function rawNumberCases(field: string, base: Record<string, unknown>, values: Array<[label: string, text: string]>): BadCase[] {
  const prefix = JSON.stringify(without(base, field)).slice(0, -1);
  const sep = prefix === '{' ? '' : ',';
  return values.map(([label, text]) => ({ name: `${field}: ${label} (raw)`, payload: raw(`${prefix}${sep}"${field}":${text}}`), fields: [field] }));
}

// class-transformer skips plain keys that name a function on the DTO (its methods, and everything on
// Object.prototype), so the whitelist alone never sees them.
const SHADOWING_KEYS = ['constructor', 'toInput', 'toString', 'hasOwnProperty', 'valueOf'];

const nested = (levels: number): Record<string, unknown> => {
  let v: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < levels; i++) v = { [`l${i}`]: v };
  return v;
};

const TWO_53 = 2 ** 53;

/** Values no money field (integer millis ≥ 0, API.md §1) accepts. */
const MONEY_VALUES: Array<[string, unknown]> = [
  ['a float 1.5', 1.5],
  ['a numeric string "5000"', '5000'],
  ['negative -1', -1],
  ['2^53 (not a safe integer)', TWO_53],
  ['1e20', 1e20],
  ['1e300', 1e300],
  ['a boolean', true],
  ['an array', [5000]],
  ['an object', { amount: 5000 }],
  ['null', null],
  ['an empty string', ''],
  ['"NaN"', 'NaN'],
];
const RAW_MONEY: Array<[string, string]> = [
  ['2^53 + 1', '9007199254740993'],
  ['1e400 (Infinity once parsed)', '1e400'],
  ['-1e400', '-1e400'],
  ['1000.5', '1000.5'],
  ['-0.5', '-0.5'],
  // an integer value written as a float is still a float (API.md §1)
  ['1000.0', '1000.0'],
  ['1e3', '1e3'],
  ['5.0E+3', '5.0E+3'],
];

/** Money fields that must be ≥ 1 also refuse 0. */
function moneyCases(field: string, base: Record<string, unknown>, { min }: { min: 0 | 1 }): BadCase[] {
  return [...fieldCases(field, base, [...MONEY_VALUES, ...(min === 1 ? ([['0', 0]] as Array<[string, unknown]>) : [])]), ...rawNumberCases(field, base, RAW_MONEY)];
}

const BAD_TIMESTAMPS: Array<[string, unknown]> = [
  ['a date without time', '2026-05-01'],
  ['month 13', '2026-13-01T00:00:00Z'],
  ['an impossible date 2026-02-30', '2026-02-30T00:00:00Z'],
  ['hour 25', '2026-05-01T25:00:00Z'],
  ['no time zone', '2026-05-01T12:00:00'],
  ['a space instead of T', '2026-05-01 12:00:00Z'],
  ['a word', 'yesterday'],
  ['epoch millis', 1_777_636_800_000],
  ['epoch millis as a string', '1777636800000'],
  ['empty', ''],
  ['null', null],
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
  return forms.map(([name, body]) => ({ name, payload: raw(body), fields: ['(body)'] }));
}

// ---------------------------------------------------------------------------------------------------------
// POST /v1/bonus-templates

const TEMPLATE_BASES = {
  reload: {
    name: 'Reload Friday',
    kind: 'reload',
    currency: 'USD',
    match_percent: 50,
    max_amount: 200_000,
    wagering_multiplier: 25,
    wagering_base: 'deposit_plus_bonus',
    game_weights: { slots: 1, roulette: 0.1 },
    max_bet: 5_000,
    min_deposit: 20_000,
    expires_in_hours: 72,
  },
  no_deposit: { name: 'Welcome chip', kind: 'no_deposit', currency: 'USD', fixed_amount: 10_000, wagering_multiplier: 30, wagering_base: 'bonus' },
  cashback: {
    name: 'Weekly cashback',
    kind: 'cashback',
    currency: 'USD',
    cashback_percent: 10,
    cashback_window_hours: 168,
    max_amount: 100_000,
    wagering_multiplier: 1,
    wagering_base: 'bonus',
  },
} satisfies Record<string, Record<string, unknown>>;
const RELOAD = TEMPLATE_BASES.reload;
const NO_DEPOSIT = TEMPLATE_BASES.no_deposit;
const CASHBACK = TEMPLATE_BASES.cashback;

const weights = (w: Record<string, unknown>): Record<string, unknown> => ({ ...RELOAD, game_weights: w });

const TEMPLATE_CASES: BadCase[] = [
  ...malformedCases(RELOAD),
  ...missingCases(RELOAD, ['name', 'kind', 'currency', 'wagering_multiplier', 'wagering_base']),
  { name: 'an empty object names every required field', payload: json({}), fields: ['name', 'kind', 'currency', 'wagering_multiplier', 'wagering_base'] },
  ...unknownCases(RELOAD, [
    ['foo', 1],
    ['id', 'btp_01m815s5g0tv8swys7gz4j0g32'],
    ['created_at', '2026-01-01T00:00:00Z'],
    ['archived_at', null],
    ['tenant_id', 'ten_01m815s5g0tv8swys7gz4j0g32'],
    ['amount', 5_000],
    ['matchPercent', 50],
  ]),
  ...SHADOWING_KEYS.map((key) => ({ name: `shadowing key ${key}`, payload: json({ ...RELOAD, [key]: 1 }), fields: [key] })),
  ...fieldCases('name', RELOAD, [
    ['a number', 5],
    ['null', null],
    ['empty', ''],
    ['201 characters', 'n'.repeat(201)],
    ['a NUL', 'Reload\u0000Friday'],
    ['a newline', 'Reload\nFriday'],
    ['an array', ['Reload']],
  ]),
  ...fieldCases('kind', RELOAD, [
    ['an unknown kind', 'welcome'],
    ['lootbox', 'lootbox'],
    ['wrong case', 'RELOAD'],
    ['empty', ''],
    ['a number', 1],
    ['null', null],
    ['an array', ['reload']],
  ]),
  ...fieldCases('currency', RELOAD, [
    ['lower case', 'usd'],
    ['two letters', 'US'],
    ['four letters', 'EURO'],
    ['a number', 840],
    ['null', null],
  ]),
  ...moneyCases('max_amount', RELOAD, { min: 1 }),
  ...moneyCases('max_bet', RELOAD, { min: 1 }),
  ...moneyCases('min_deposit', RELOAD, { min: 0 }),
  ...moneyCases('fixed_amount', NO_DEPOSIT, { min: 1 }),
  ...moneyCases('max_amount', CASHBACK, { min: 1 }).map((c) => ({ ...c, name: `cashback ${c.name}` })),
  ...fieldCases('match_percent', RELOAD, [
    ['0 (must be above 0)', 0],
    ['-5', -5],
    ['1000.01', 1000.01],
    ['1001', 1001],
    ['33.333 (3 decimals)', 33.333],
    ['1e-7', 1e-7],
    ['a numeric string "50"', '50'],
    ['null', null],
    ['a boolean', true],
  ]),
  ...rawNumberCases('match_percent', RELOAD, [['1e400', '1e400']]),
  ...fieldCases('wagering_multiplier', RELOAD, [
    ['200.01', 200.01],
    ['-1', -1],
    ['12.345 (3 decimals)', 12.345],
    ['a numeric string "25"', '25'],
    ['null', null],
    ['a boolean', false],
    ['1e20', 1e20],
  ]),
  ...fieldCases('cashback_percent', CASHBACK, [
    ['0 (must be above 0)', 0],
    ['100.5', 100.5],
    ['-1', -1],
    ['10.001 (3 decimals)', 10.001],
    ['a numeric string "10"', '10'],
    ['null', null],
  ]),
  ...fieldCases('cashback_window_hours', CASHBACK, [
    ['0', 0],
    ['8761', 8761],
    ['1.5', 1.5],
    ['-1', -1],
    ['a numeric string "24"', '24'],
    ['null', null],
  ]),
  ...fieldCases('wagering_base', RELOAD, [
    ['deposit', 'deposit'],
    ['wrong case', 'BONUS'],
    ['empty', ''],
    ['a number', 1],
    ['null', null],
  ]),
  ...fieldCases('game_weights', RELOAD, [
    ['a string', 'slots'],
    ['a number', 1],
    ['a boolean', true],
    ['null', null],
    ['an array of numbers', [1, 0.5]],
    ['an array of names', ['slots']],
    ['an empty array', []],
  ]),
  { name: 'game_weights: an unknown category', payload: json(weights({ slots: 1, pachinko: 0.5 })), fields: ['game_weights.pachinko'] },
  { name: 'game_weights: a category in the wrong case', payload: json(weights({ Slots: 1 })), fields: ['game_weights.Slots'] },
  { name: 'game_weights: a category with a space', payload: json(weights({ 'live casino': 1 })), fields: ['game_weights.live casino'] },
  { name: 'game_weights: an empty category name', payload: json(weights({ '': 1 })), fields: ['game_weights.'] },
  { name: 'game_weights: a weight of 1.5', payload: json(weights({ slots: 1.5 })), fields: ['game_weights.slots'] },
  { name: 'game_weights: a weight of -0.1', payload: json(weights({ roulette: -0.1 })), fields: ['game_weights.roulette'] },
  { name: 'game_weights: a weight with 5 decimals 0.12345', payload: json(weights({ slots: 1, table: 0.12345 })), fields: ['game_weights.table'] },
  { name: 'game_weights: a weight as a string "0.1"', payload: json(weights({ blackjack: '0.1' })), fields: ['game_weights.blackjack'] },
  { name: 'game_weights: a weight of null', payload: json(weights({ slots: null })), fields: ['game_weights.slots'] },
  { name: 'game_weights: a weight of true', payload: json(weights({ slots: true })), fields: ['game_weights.slots'] },
  { name: 'game_weights: a weight that is an object', payload: json(weights({ slots: { weight: 1 } })), fields: ['game_weights.slots'] },
  { name: 'game_weights: a weight of 1e-7', payload: json(weights({ crash: 1e-7 })), fields: ['game_weights.crash'] },
  {
    name: 'game_weights: two bad entries name both',
    payload: json(weights({ slots: 2, pachinko: 1 })),
    fields: ['game_weights.slots', 'game_weights.pachinko'],
  },
  ...fieldCases('expires_in_hours', RELOAD, [
    ['0', 0],
    ['8761', 8761],
    ['1.5', 1.5],
    ['-1', -1],
    ['a numeric string "24"', '24'],
    ['null', null],
  ]),
  // the rules per kind (libs/bonuses/src/bonus-template.ts)
  { name: 'reload without match_percent', payload: json(without(RELOAD, 'match_percent')), fields: ['match_percent'] },
  {
    name: 'deposit_match without match_percent',
    payload: json({ ...without(RELOAD, 'match_percent'), kind: 'deposit_match' }),
    fields: ['match_percent'],
  },
  { name: 'reload with fixed_amount', payload: json({ ...RELOAD, fixed_amount: 10_000 }), fields: ['fixed_amount'] },
  { name: 'reload with cashback_percent', payload: json({ ...RELOAD, cashback_percent: 10 }), fields: ['cashback_percent'] },
  { name: 'reload with cashback_window_hours', payload: json({ ...RELOAD, cashback_window_hours: 24 }), fields: ['cashback_window_hours'] },
  { name: 'deposit_match with fixed_amount', payload: json({ ...RELOAD, kind: 'deposit_match', fixed_amount: 10_000 }), fields: ['fixed_amount'] },
  {
    name: 'reload with fixed_amount and no match_percent names both',
    payload: json({ ...without(RELOAD, 'match_percent'), fixed_amount: 10_000 }),
    fields: ['match_percent', 'fixed_amount'],
  },
  { name: 'no_deposit without fixed_amount', payload: json(without(NO_DEPOSIT, 'fixed_amount')), fields: ['fixed_amount'] },
  { name: 'no_deposit with match_percent', payload: json({ ...NO_DEPOSIT, match_percent: 50 }), fields: ['match_percent'] },
  { name: 'no_deposit with max_amount', payload: json({ ...NO_DEPOSIT, max_amount: 50_000 }), fields: ['max_amount'] },
  { name: 'no_deposit with min_deposit', payload: json({ ...NO_DEPOSIT, min_deposit: 10_000 }), fields: ['min_deposit'] },
  { name: 'no_deposit with cashback_percent', payload: json({ ...NO_DEPOSIT, cashback_percent: 10 }), fields: ['cashback_percent'] },
  { name: 'no_deposit with deposit_plus_bonus', payload: json({ ...NO_DEPOSIT, wagering_base: 'deposit_plus_bonus' }), fields: ['wagering_base'] },
  { name: 'free_bet without fixed_amount', payload: json({ ...without(NO_DEPOSIT, 'fixed_amount'), kind: 'free_bet' }), fields: ['fixed_amount'] },
  { name: 'free_bet with deposit_plus_bonus', payload: json({ ...NO_DEPOSIT, kind: 'free_bet', wagering_base: 'deposit_plus_bonus' }), fields: ['wagering_base'] },
  { name: 'free_bet with cashback_window_hours', payload: json({ ...NO_DEPOSIT, kind: 'free_bet', cashback_window_hours: 24 }), fields: ['cashback_window_hours'] },
  { name: 'cashback without cashback_percent', payload: json(without(CASHBACK, 'cashback_percent')), fields: ['cashback_percent'] },
  { name: 'cashback with min_deposit', payload: json({ ...CASHBACK, min_deposit: 10_000 }), fields: ['min_deposit'] },
  { name: 'cashback with match_percent', payload: json({ ...CASHBACK, match_percent: 50 }), fields: ['match_percent'] },
  { name: 'cashback with fixed_amount', payload: json({ ...CASHBACK, fixed_amount: 10_000 }), fields: ['fixed_amount'] },
  { name: 'cashback with deposit_plus_bonus', payload: json({ ...CASHBACK, wagering_base: 'deposit_plus_bonus' }), fields: ['wagering_base'] },
  {
    name: 'no_deposit with every refused field names them all',
    payload: json({ ...NO_DEPOSIT, match_percent: 50, max_amount: 1, min_deposit: 1, cashback_percent: 1, cashback_window_hours: 1, wagering_base: 'deposit_plus_bonus' }),
    fields: ['match_percent', 'max_amount', 'min_deposit', 'cashback_percent', 'cashback_window_hours', 'wagering_base'],
  },
];

// ---------------------------------------------------------------------------------------------------------
// POST /v1/players/:player/bonuses

const GRANT_KEY = 'bad-input-grant-1';
const grantBase = (): Record<string, unknown> => ({ bonus_template_id: template.id, idempotency_key: GRANT_KEY, expires_at: '2099-01-01T00:00:00Z' });
/** A grant body made when the request is sent: the fixture template's id plus `change` (undefined removes a key). */
const grant = (change: Record<string, unknown>): Payload =>
  lazy(() => Object.fromEntries(Object.entries({ ...grantBase(), ...change }).filter(([, v]) => v !== undefined)));
const grantField = (field: string, values: Array<[string, unknown]>): BadCase[] =>
  values.map(([label, value]) => ({ name: `${field}: ${label}`, payload: grant({ [field]: value }), fields: [field] }));

const GRANT_CASES: BadCase[] = [
  ...malformedCases({ bonus_template_id: 'btp_01m815s5g0tv8swys7gz4j0g32', idempotency_key: GRANT_KEY }),
  { name: 'missing bonus_template_id', payload: grant({ bonus_template_id: undefined }), fields: ['bonus_template_id'] },
  { name: 'missing idempotency_key', payload: grant({ idempotency_key: undefined }), fields: ['idempotency_key'] },
  { name: 'an empty object', payload: json({}), fields: ['bonus_template_id', 'idempotency_key'] },
  ...grantField('bonus_template_id', [
    ['a number', 5],
    ['null', null],
    ['empty', ''],
    ['65 characters', 'b'.repeat(65)],
    ['a NUL', 'btp_\u0000x'],
    ['an array', ['btp_x']],
    ['an object', { id: 'btp_x' }],
  ]),
  ...grantField('idempotency_key', [
    ['empty', ''],
    ['129 characters', 'k'.repeat(129)],
    ['a number', 1],
    ['null', null],
    ['a NUL', 'key\u0000one'],
    ['a newline', 'key\none'],
    ['a lone surrogate', 'key\ud800'],
  ]),
  ...grantField('expires_at', [
    ...BAD_TIMESTAMPS,
    ['an impossible date 2030-02-30', '2030-02-30T00:00:00Z'],
    ['an impossible date 2031-02-29', '2031-02-29T00:00:00Z'],
    ['day 31 of April', '2030-04-31T00:00:00Z'],
    ['an offset out of range', '2030-01-01T00:00:00+25:00'],
  ]),
  // checked against the clock once the player and the template are found
  { name: 'expires_at: in the past', payload: grant({ expires_at: '2020-01-01T00:00:00Z' }), fields: ['expires_at'] },
  { name: 'expires_at: a second ago', payload: lazy(() => ({ ...grantBase(), expires_at: new Date(Date.now() - 1000).toISOString() })), fields: ['expires_at'] },
  ...(
    [
      ['foo', 1],
      ['player_id', 'plr_01m815s5g0tv8swys7gz4j0g32'],
      ['amount', 5_000],
      ['status', 'active'],
      ['expires_in_hours', 24],
      ...SHADOWING_KEYS.map((k): [string, unknown] => [k, 1]),
    ] as Array<[string, unknown]>
  ).map(([key, value]) => ({ name: `unknown field ${key}`, payload: grant({ [key]: value }), fields: [key] })),
];

// ---------------------------------------------------------------------------------------------------------
// POST /v1/players/:player/wallet/credits and /debits (the same body)

const WALLET = { amount: 5_000, idempotency_key: 'bad-input-wallet-1', reason: 'promo', reference: 'order-1' };

const WALLET_CASES: BadCase[] = [
  ...malformedCases(WALLET),
  ...missingCases(WALLET, ['amount', 'idempotency_key']),
  { name: 'an empty object', payload: json({}), fields: ['amount', 'idempotency_key'] },
  ...moneyCases('amount', WALLET, { min: 1 }),
  ...fieldCases('idempotency_key', WALLET, [
    ['empty', ''],
    ['129 characters', 'k'.repeat(129)],
    ['a NUL', 'key\u0000one'],
    ['a tab', 'key\tone'],
    ['a number', 1],
    ['null', null],
    ['an array', ['k']],
  ]),
  ...fieldCases('reason', WALLET, [
    ['65 characters', 'r'.repeat(65)],
    ['empty', ''],
    ['null', null],
    ['a number', 5],
    ['a newline', 'promo\n'],
    ['a NUL', 'pro\u0000mo'],
  ]),
  ...fieldCases('reference', WALLET, [
    ['201 characters', 'f'.repeat(201)],
    ['empty', ''],
    ['null', null],
    ['a number', 123],
    ['an ESC', 'order\u001b[31m'],
  ]),
  ...unknownCases(WALLET, [
    ['foo', 1],
    ['currency', 'WINZ'],
    ['balance', 1_000_000],
    ['player_id', 'plr_01m815s5g0tv8swys7gz4j0g32'],
    ['balance_after', 0],
    ...SHADOWING_KEYS.map((k): [string, unknown] => [k, 1]),
  ]),
];

// ---------------------------------------------------------------------------------------------------------
// POST /v1/players/:player/rewards

const REWARD = { reward: { type: 'winz', amount: 5_000 }, grant_key: 'bad-input-reward-1' };
const rewardCase = (name: string, reward: unknown): BadCase => ({ name: `reward: ${name}`, payload: json({ ...REWARD, reward }), fields: ['reward'] });
const EXTERNAL = { type: 'external', amount: 100_000, currency: 'USD', description: 'Weekend in Vegas' };

const REWARD_CASES: BadCase[] = [
  ...malformedCases(REWARD),
  ...missingCases(REWARD, ['reward', 'grant_key']),
  { name: 'an empty object', payload: json({}), fields: ['reward', 'grant_key'] },
  rewardCase('null', null),
  rewardCase('an empty array', []),
  rewardCase('an array of a reward', [REWARD.reward]),
  rewardCase('a string', 'winz'),
  rewardCase('a number', 5_000),
  rewardCase('a boolean', true),
  rewardCase('an empty object', {}),
  rewardCase('type missing', { amount: 5_000 }),
  rewardCase('type unknown', { type: 'cash', amount: 5_000 }),
  rewardCase('type in the wrong case', { type: 'WINZ', amount: 5_000 }),
  rewardCase('lootbox without a lootbox_id', { type: 'lootbox' }),
  rewardCase('type nothing (not allowed here)', { type: 'nothing' }),
  rewardCase('type a number', { type: 1, amount: 5_000 }),
  rewardCase('type null', { type: null, amount: 5_000 }),
  rewardCase('winz without amount', { type: 'winz' }),
  rewardCase('winz with amount 1.5', { type: 'winz', amount: 1.5 }),
  rewardCase('winz with amount "5"', { type: 'winz', amount: '5' }),
  rewardCase('winz with amount 0', { type: 'winz', amount: 0 }),
  rewardCase('winz with amount -5', { type: 'winz', amount: -5 }),
  rewardCase('winz with amount 2^53', { type: 'winz', amount: TWO_53 }),
  rewardCase('winz with amount 1e20', { type: 'winz', amount: 1e20 }),
  rewardCase('winz with amount null', { type: 'winz', amount: null }),
  rewardCase('winz with an extra currency', { type: 'winz', amount: 5_000, currency: 'USD' }),
  rewardCase('winz with an extra bonus_template_id', { type: 'winz', amount: 5_000, bonus_template_id: 'btp_x' }),
  rewardCase('winz with an unknown key', { type: 'winz', amount: 5_000, foo: 1 }),
  rewardCase('bonus without bonus_template_id', { type: 'bonus' }),
  rewardCase('bonus with bonus_template_id a number', { type: 'bonus', bonus_template_id: 5 }),
  rewardCase('bonus with bonus_template_id empty', { type: 'bonus', bonus_template_id: '' }),
  rewardCase('bonus with bonus_template_id of 65 characters', { type: 'bonus', bonus_template_id: 'b'.repeat(65) }),
  rewardCase('bonus with an extra amount', { type: 'bonus', bonus_template_id: 'btp_01m815s5g0tv8swys7gz4j0g32', amount: 5_000 }),
  rewardCase('external without currency', without(EXTERNAL, 'currency')),
  rewardCase('external without description', without(EXTERNAL, 'description')),
  rewardCase('external without amount', without(EXTERNAL, 'amount')),
  rewardCase('external with a lowercase currency', { ...EXTERNAL, currency: 'usd' }),
  rewardCase('external with a two-letter currency', { ...EXTERNAL, currency: 'US' }),
  rewardCase('external with an empty description', { ...EXTERNAL, description: '' }),
  rewardCase('external with a 501-character description', { ...EXTERNAL, description: 'd'.repeat(501) }),
  rewardCase('external with a newline in the description', { ...EXTERNAL, description: 'Weekend\nin Vegas' }),
  rewardCase('external with amount 0', { ...EXTERNAL, amount: 0 }),
  rewardCase('external with amount "100000"', { ...EXTERNAL, amount: '100000' }),
  rewardCase('external with a bonus_template_id', { ...EXTERNAL, bonus_template_id: 'btp_x' }),
  ...fieldCases('grant_key', REWARD, [
    ['empty', ''],
    ['129 characters', 'g'.repeat(129)],
    ['a number', 1],
    ['null', null],
    ['a NUL', 'grant\u0000key'],
    ['a newline', 'grant\nkey'],
  ]),
  ...unknownCases(REWARD, [
    ['foo', 1],
    ['player_id', 'plr_01m815s5g0tv8swys7gz4j0g32'],
    ['idempotency_key', 'k-1'],
    ['amount', 5_000],
    ['constructor', 1],
    ['toString', 1],
  ]),
];

// ---------------------------------------------------------------------------------------------------------
// POST /v1/wagers

const WAGER = {
  source_wager_id: 'bad-input-wager-1',
  external_ref: PLAYER_REF,
  bet_amount: 1_000,
  win_amount: 500,
  currency: 'USD',
  game_code: 'book-of-dead',
  game_category: 'slots',
  settled_at: '2026-05-19T12:00:00Z',
};
/** The same wager named by a player_id instead. */
const WAGER_BY_ID = (): Record<string, unknown> => ({ ...without(WAGER, 'external_ref'), player_id: player.id });

const WAGER_CASES: BadCase[] = [
  ...malformedCases(WAGER),
  ...missingCases(WAGER, ['source_wager_id', 'bet_amount', 'win_amount', 'currency', 'game_code', 'game_category']),
  {
    name: 'an empty object names every required field',
    payload: json({}),
    fields: ['source_wager_id', 'bet_amount', 'win_amount', 'currency', 'game_code', 'game_category', 'player_id', 'external_ref'],
  },
  { name: 'neither player_id nor external_ref', payload: json(without(WAGER, 'external_ref')), fields: ['player_id', 'external_ref'] },
  { name: 'both player_id and external_ref', payload: lazy(() => ({ ...WAGER, player_id: player.id })), fields: ['player_id', 'external_ref'] },
  {
    name: 'both, naming the same player by external_ref twice',
    payload: json({ ...WAGER, player_id: PLAYER_REF }),
    fields: ['player_id', 'external_ref'],
  },
  {
    name: 'both, with an external_ref never seen (no player made on the fly)',
    payload: json({ ...WAGER, player_id: 'new-player-1', external_ref: 'new-player-2' }),
    fields: ['player_id', 'external_ref'],
  },
  ...fieldCases('external_ref', WAGER, [
    ['a number', 42],
    ['empty', ''],
    ['null', null],
    ['129 characters', 'r'.repeat(129)],
    ['a NUL', 'user\u0000x'],
    ['an object', { id: PLAYER_REF }],
  ]),
  ...fieldCases('player_id', without(WAGER, 'external_ref'), [
    ['a number', 42],
    ['empty', ''],
    ['null', null],
    ['129 characters', 'p'.repeat(129)],
    ['a newline', 'plr_\nx'],
  ]),
  ...fieldCases('source_wager_id', WAGER, [
    ['129 characters', 'w'.repeat(129)],
    ['empty', ''],
    ['a number', 123],
    ['null', null],
    ['a NUL', 'w\u00001'],
    ['an array', ['w-1']],
  ]),
  ...moneyCases('bet_amount', WAGER, { min: 0 }),
  ...moneyCases('win_amount', WAGER, { min: 0 }),
  ...fieldCases('currency', WAGER, [
    ['lower case usd', 'usd'],
    ['two letters', 'US'],
    ['WINZ (not a wager currency)', 'WINZ'],
    ['four letters', 'EURO'],
    ['a number', 840],
    ['null', null],
    ['empty', ''],
  ]),
  ...fieldCases('game_code', WAGER, [
    ['empty', ''],
    ['65 characters', 'g'.repeat(65)],
    ['a number', 7],
    ['null', null],
    ['a tab', 'book\tof-dead'],
  ]),
  ...fieldCases('game_category', WAGER, [
    ['Slots (upper case)', 'Slots'],
    ['live casino (a space)', 'live casino'],
    ['live-casino (a hyphen)', 'live-casino'],
    ['33 characters', 'c'.repeat(33)],
    ['starting with a digit', '1slots'],
    ['starting with an underscore', '_slots'],
    ['empty', ''],
    ['a number', 1],
    ['null', null],
    ['an array', ['slots']],
  ]),
  ...fieldCases('settled_at', WAGER, BAD_TIMESTAMPS),
  ...fieldCases('tournament_ids', WAGER, [
    ['a string', 'trn_01m815s5g0tv8swys7gz4j0g32'],
    ['an object', { 0: 'trn_x' }],
    ['null', null],
    ['21 entries', Array.from({ length: 21 }, (_, i) => `trn_${i}`)],
    ['a number inside', [1]],
    ['null inside', [null]],
    ['an empty id inside', ['']],
    ['a 65-character id inside', ['t'.repeat(65)]],
    ['an array inside', [['trn_x']]],
  ]),
  ...fieldCases('jackpot_ids', WAGER, [
    ['a string', 'jkp_x'],
    ['21 entries', Array.from({ length: 21 }, (_, i) => `jkp_${i}`)],
    ['a number inside', [7]],
  ]),
  ...unknownCases(WAGER, [
    ['foo', 1],
    ['wager_id', 'wgr_01m815s5g0tv8swys7gz4j0g32'],
    ['points', 100],
    ['amount', 1_000],
    ['tenant_id', 'ten_x'],
    ...SHADOWING_KEYS.map((k): [string, unknown] => [k, 1]),
    ['playerRef', 1],
  ]),
  {
    name: 'a bad bet_amount for an external_ref never seen (no player made on the fly)',
    payload: json({ ...WAGER, external_ref: 'never-seen-wager-player', bet_amount: 1.5 }),
    fields: ['bet_amount'],
  },
];

// ---------------------------------------------------------------------------------------------------------
// POST /v1/journeys/event

const EVENT = {
  external_ref: PLAYER_REF,
  trigger: 'deposit',
  event_id: 'bad-input-event-1',
  amount: 20_000,
  currency: 'USD',
  occurred_at: '2026-05-19T12:00:00Z',
  properties: { method: 'card' },
};
const LOGIN = { external_ref: PLAYER_REF, trigger: 'login', event_id: 'bad-input-login-1' };

const EVENT_CASES: BadCase[] = [
  ...malformedCases(EVENT),
  { name: 'missing trigger', payload: json(without(EVENT, 'trigger')), fields: ['trigger'] },
  ...fieldCases('trigger', EVENT, [
    ['First_Deposit (upper case)', 'First_Deposit'],
    ['65 characters', 't'.repeat(65)],
    ['with spaces', 'first deposit'],
    ['empty', ''],
    ['starting with a digit', '1deposit'],
    ['a slash', 'deposit/card'],
    ['a number', 1],
    ['null', null],
    ['an array', ['deposit']],
  ]),
  { name: 'neither event_id nor source_wager_id', payload: json(without(EVENT, 'event_id')), fields: ['event_id', 'source_wager_id'] },
  { name: 'both event_id and source_wager_id', payload: json({ ...EVENT, source_wager_id: 'w-1' }), fields: ['event_id', 'source_wager_id'] },
  { name: 'neither player_id nor external_ref', payload: json(without(EVENT, 'external_ref')), fields: ['player_id', 'external_ref'] },
  { name: 'both player_id and external_ref', payload: lazy(() => ({ ...EVENT, player_id: player.id })), fields: ['player_id', 'external_ref'] },
  {
    name: 'both, with external_refs never seen (no player made on the fly)',
    payload: json({ ...LOGIN, external_ref: 'new-event-player-1', player_id: 'new-event-player-2' }),
    fields: ['player_id', 'external_ref'],
  },
  ...moneyCases('amount', EVENT, { min: 0 }),
  ...fieldCases('currency', EVENT, [
    ['lower case', 'usd'],
    ['two letters', 'US'],
    ['WINZ', 'WINZ'],
    ['a number', 840],
    ['null', null],
  ]),
  ...fieldCases('occurred_at', EVENT, BAD_TIMESTAMPS),
  ...fieldCases('event_id', EVENT, [
    ['empty', ''],
    ['129 characters', 'e'.repeat(129)],
    ['a number', 1],
    ['null', null],
  ]),
  ...fieldCases('source_wager_id', without(EVENT, 'event_id'), [
    ['129 characters', 'w'.repeat(129)],
    ['empty', ''],
    ['null', null],
  ]),
  ...fieldCases('properties', EVENT, [
    ['an array', [{ method: 'card' }]],
    ['an empty array', []],
    ['a string', '{"method":"card"}'],
    ['a number', 1],
    ['null', null],
    ['over 16 KiB', { blob: 'a'.repeat(16 * 1024) }],
    ['6 levels of objects', nested(6)],
  ]),
  ...unknownCases(EVENT, [
    ['foo', 1],
    ['progressed', []],
    ['tenant_id', 'ten_x'],
    ['bet_amount', 1_000],
    ...SHADOWING_KEYS.map((k): [string, unknown] => [k, 1]),
    ['playerRef', 1],
  ]),
];

const CASES: Record<Endpoint, BadCase[]> = {
  templates: TEMPLATE_CASES,
  grant: GRANT_CASES,
  credit: WALLET_CASES,
  debit: WALLET_CASES,
  reward: REWARD_CASES,
  wager: WAGER_CASES,
  event: EVENT_CASES,
};

/** One body each endpoint accepts; the wrong-media and auth cases are made from these. */
const VALID: Record<Endpoint, () => Record<string, unknown>> = {
  templates: () => RELOAD,
  grant: grantBase,
  credit: () => WALLET,
  debit: () => WALLET,
  reward: () => REWARD,
  wager: () => WAGER,
  event: () => EVENT,
};

// ---------------------------------------------------------------------------------------------------------
// Queries

type ListRoute = 'templates' | 'bonuses' | 'wallet';
interface QueryCase {
  route: ListRoute;
  query: string;
  fields: string[];
}


function listPath(route: ListRoute): string {
  return route === 'templates' ? '/v1/bonus-templates' : `/v1/players/${player.id}/${route}`;
}

function list(route: ListRoute, query: string, { anonymous, ...opts }: SendOptions = {}): Promise<HttpResponse> {
  const client = anonymous ? api.http : route === 'templates' ? acme.admin : acme.server;
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
  ['constructor=1', 'constructor'],
  ['toPageRequest=1', 'toPageRequest'],
];

const QUERY_CASES: QueryCase[] = [
  ...(['templates', 'bonuses', 'wallet'] as ListRoute[]).flatMap((route) => PAGE_QUERIES.map(([query, field]) => ({ route, query, fields: [field] }))),
  { route: 'templates', query: 'status=active', fields: ['status'] },
  { route: 'templates', query: 'kind=reload', fields: ['kind'] },
  { route: 'wallet', query: 'status=active', fields: ['status'] },
  { route: 'wallet', query: 'currency=WINZ', fields: ['currency'] },
  { route: 'bonuses', query: 'status=done', fields: ['status'] },
  { route: 'bonuses', query: 'status=ACTIVE', fields: ['status'] },
  { route: 'bonuses', query: 'status=', fields: ['status'] },
  { route: 'bonuses', query: 'status=active,offered', fields: ['status'] },
  { route: 'bonuses', query: 'status=active&status=offered', fields: ['status'] },
  { route: 'bonuses', query: 'limit=0&status=done&foo=1', fields: ['limit', 'status', 'foo'] },
];

// ---------------------------------------------------------------------------------------------------------
// The tests

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

  it('GET /v1/players/:player/bonuses?status=done of an unknown player: the query is checked first (400, not 404)', async () => {
    const res = await acme.server.get('/v1/players/nobody-here/bonuses?status=done');
    expectValidationFailed(res, 'status');
  });
});

describe('400 details name every offending field at once', () => {
  it('POST /v1/bonus-templates with five ill-typed fields', async () => {
    const res = await send('templates', json({ ...RELOAD, name: '', match_percent: 33.333, max_amount: 1.5, wagering_multiplier: '25', foo: 1 }));
    expectFields(res, ['name', 'match_percent', 'max_amount', 'wagering_multiplier', 'foo']);
  });

  it('POST /v1/players/:player/wallet/credits with every field wrong', async () => {
    const res = await send('credit', json({ amount: '100', idempotency_key: '', reason: 'r'.repeat(65), reference: 'f'.repeat(201), toInput: 1 }));
    expectFields(res, ['amount', 'idempotency_key', 'reason', 'reference', 'toInput']);
  });

  it('POST /v1/wagers with six faults', async () => {
    const res = await send('wager', json({ ...WAGER, bet_amount: -1, win_amount: 1.5, currency: 'usd', game_category: 'Slots', settled_at: 'now', tournament_ids: 'x' }));
    expectFields(res, ['bet_amount', 'win_amount', 'currency', 'game_category', 'settled_at', 'tournament_ids']);
  });

  it('POST /v1/journeys/event with five faults', async () => {
    const res = await send('event', json({ ...EVENT, trigger: 'First_Deposit', amount: 1.5, currency: 'US', occurred_at: '2026-02-30T00:00:00Z', properties: [] }));
    expectFields(res, ['trigger', 'amount', 'currency', 'occurred_at', 'properties']);
  });

  it('POST /v1/players/:player/rewards with a bad reward and a bad grant_key', async () => {
    const res = await send('reward', json({ reward: { type: 'winz', amount: 1.5, currency: 'USD' }, grant_key: '' }));
    expectFields(res, ['reward', 'grant_key']);
  });
});

describe('415 unsupported_media_type and 413 payload_too_large', () => {
  const CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/octet-stream'];

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

  it('POST /v1/wagers with a form-encoded wager → 415', async () => {
    const form = new URLSearchParams(Object.entries(WAGER).map(([k, v]): [string, string] => [k, String(v)])).toString();
    const res = await send('wager', raw(form), { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectError(res, 415, 'unsupported_media_type');
  });

  it('POST /v1/journeys/event with properties just over 1 MiB → 413, not a 400 about properties', async () => {
    const text = JSON.stringify({ ...EVENT, properties: { blob: 'p'.repeat(1024 * 1024) } });
    const res = await acme.server.rawSocketRequest('POST', '/v1/journeys/event', Buffer.from(text));
    expectError(res, 413, 'payload_too_large');
  });
});

describe('request ids on errors', () => {
  it("echoes the caller's X-Request-Id in the header and the body", async () => {
    const res = await send('wager', json({ ...WAGER, bet_amount: 1.5 }), { headers: { 'x-request-id': 'caller-req.money-1' } });
    expectValidationFailed(res, 'bet_amount');
    expect(res.body.request_id).toBe('caller-req.money-1');
  });

  it('echoes it on a 400 raised after the DTO (a grant expiring in the past)', async () => {
    const res = await send('grant', grant({ expires_at: '2020-01-01T00:00:00Z' }), { headers: { 'x-request-id': 'caller-req.money-2' } });
    expectValidationFailed(res, 'expires_at');
    expect(res.body.request_id).toBe('caller-req.money-2');
  });

  it('gives every error its own request id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await send('credit', json({ ...WALLET, amount: 0 }))).body.request_id);
    expect(ids.size).toBe(5);
  });
});

describe('authentication and scope come before the body', () => {
  const BAD_BODIES: Array<{ name: string; payload: Payload; headers?: Record<string, string> }> = [
    { name: 'malformed JSON', payload: raw('{"amount":') },
    { name: 'an empty body', payload: raw('') },
    { name: 'a JSON array', payload: raw('[]') },
    { name: 'ill-typed money', payload: json({ amount: '100', bet_amount: 1.5, max_amount: -1, reward: { type: 'winz', amount: 1.5 } }) },
    { name: 'unknown and shadowing fields', payload: json({ foo: 1, toInput: 1, constructor: 1 }) },
    { name: 'a text/plain body', payload: raw('hello'), headers: { 'content-type': 'text/plain' } },
  ];
  const cases = ENDPOINTS.flatMap((endpoint) => BAD_BODIES.map((b) => ({ endpoint, ...b, title: `${TITLES[endpoint]} with ${b.name}` })));
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

  it.each(ADMIN_ONLY)("%s: a valid body with the tenant's server key → 403", async (endpoint) => {
    const res = await send(endpoint, json(VALID[endpoint]()), { key: acme.serverKey });
    expectError(res, 403, 'forbidden');
  });

  it('the platform key on a tenant route with a bad body → 401', async () => {
    const res = await api.platform.post('/v1/wagers', undefined, { raw: '{' });
    expectError(res, 401, 'unauthorized');
  });

  it.each([
    { route: 'templates' as const, query: 'cursor=' },
    { route: 'bonuses' as const, query: 'status=done' },
    { route: 'wallet' as const, query: 'limit=501' },
  ])('GET $route?$query with no Authorization → 401', async ({ route, query }) => {
    const res = await list(route, query, { anonymous: true });
    expectError(res, 401, 'unauthorized');
  });

  it("GET /v1/bonus-templates?cursor= with the tenant's server key → 400 (reads are open to it)", async () => {
    const res = await list('templates', 'cursor=', { key: acme.serverKey });
    expectError(res, 400, 'validation_failed');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['cursor']);
  });
});

describe('after the whole matrix', () => {
  it('stored nothing: no template, grant, ledger row, reward, wager, event, player or outbox event was added', async () => {
    expect(await countAll()).toEqual(rowsBefore);
  });

  it('made no player on the fly for the external_refs of the refused wagers and events', async () => {
    const { rows } = await env.pool.query('SELECT external_ref FROM players ORDER BY external_ref');
    expect(rows.map((r: { external_ref: string }) => r.external_ref)).toEqual([PLAYER_REF]);
  });

  it('left the fixture player without stats, bonuses or WINZ', async () => {
    const res = await acme.server.get(`/v1/players/${player.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(player);
    expect(res.body.winz_balance).toBe(0);
    expect(res.body.stats).toMatchObject({ deposit_count: 0, total_deposited: 0, total_wagered: 0, last_wager_at: null, first_deposit_at: null });
    expect((await acme.server.get(`/v1/players/${player.id}/bonuses`)).body).toEqual({ data: [], next_cursor: null });
    expect((await acme.server.get(`/v1/players/${player.id}/wallet`)).body).toEqual({ currency: 'WINZ', balance: 0, entries: [], next_cursor: null });
  });

  it('still lists exactly the one fixture template', async () => {
    const res = await acme.admin.get('/v1/bonus-templates');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [template], next_cursor: null });
  });
});

// ---------------------------------------------------------------------------------------------------------
// The controls: the valid bodies and queries the matrix was made from, and the boundary values next to the
// refused ones, are accepted (so each 400 above was about the one change).

describe('the valid bodies the matrix was made from are accepted', () => {
  it('POST /v1/bonus-templates accepts the reload, no_deposit and cashback bases', async () => {
    for (const [kind, body] of Object.entries(TEMPLATE_BASES)) {
      const res = await send('templates', json(body));
      expect({ kind, status: res.status }).toEqual({ kind, status: 201 });
      expect(res.body).toMatchObject({ id: expect.stringMatching(/^btp_/), ...body });
    }
  });

  it('POST /v1/players/:player/bonuses grants the fixture template', async () => {
    const res = await send('grant', lazy(grantBase));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.stringMatching(/^bns_/), player_id: player.id, bonus_template_id: template.id, status: 'offered', expires_at: '2099-01-01T00:00:00.000Z' });
  });

  it('POST /v1/players/:player/wallet/credits then /debits', async () => {
    const credit = await send('credit', json(WALLET));
    expect(credit.status).toBe(201);
    expect(credit.body).toMatchObject({ player_id: player.id, balance: 5_000, entry: { amount: 5_000, reason: 'promo', reference: 'order-1' } });
    const debit = await send('debit', json({ ...WALLET, idempotency_key: 'bad-input-wallet-2' }));
    expect(debit.status).toBe(201);
    expect(debit.body).toMatchObject({ balance: 0, entry: { amount: -5_000 } });
  });

  it('POST /v1/players/:player/rewards grants the winz base', async () => {
    const res = await send('reward', json(REWARD));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ grant_id: expect.any(String), grant_key: REWARD.grant_key, player_id: player.id, reward: REWARD.reward, result: { type: 'winz', amount: 5_000 } });
  });

  it('POST /v1/wagers accepts the base wager, and the same by player_id', async () => {
    const res = await send('wager', json(WAGER));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ wager_id: expect.any(String), source_wager_id: WAGER.source_wager_id });
    const byId = await send('wager', lazy(() => ({ ...WAGER_BY_ID(), source_wager_id: 'bad-input-wager-2' })));
    expect(byId.status).toBe(201);
  });

  it('POST /v1/journeys/event accepts the deposit base and a login without amount', async () => {
    const res = await send('event', json(EVENT));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ event_id: expect.any(String), progressed: [] });
    const login = await send('event', json(LOGIN));
    expect(login.status).toBe(201);
  });

  it('wrote the rows those controls should have written, and no player', async () => {
    const now = await countAll();
    expect(now.bonus_templates - rowsBefore.bonus_templates).toBe(3);
    expect(now.bonus_grants - rowsBefore.bonus_grants).toBe(1);
    expect(now.wagers - rowsBefore.wagers).toBe(2);
    expect(now.player_events - rowsBefore.player_events).toBeGreaterThanOrEqual(2);
    expect(now.reward_grants - rowsBefore.reward_grants).toBe(1);
    expect(now.ledger_transactions - rowsBefore.ledger_transactions).toBe(3);
    expect(now.players).toBe(rowsBefore.players);
  });

  it.each([
    { route: 'templates' as const, query: 'limit=1' },
    { route: 'templates' as const, query: 'limit=500' },
    { route: 'templates' as const, query: `cursor=${cursorOf('btp')}` },
    { route: 'bonuses' as const, query: 'status=offered&limit=500' },
    { route: 'bonuses' as const, query: 'status=active' },
    { route: 'bonuses' as const, query: 'status=completed' },
    { route: 'wallet' as const, query: 'limit=500' },
    { route: 'wallet' as const, query: 'limit=1' },
  ])('GET $route?$query → 200', async ({ route, query }) => {
    const res = await list(route, query);
    expect(res.status).toBe(200);
  });
});

describe('the boundary values next to the refused ones are accepted', () => {
  it.each([
    { name: 'match_percent 1000', body: { ...RELOAD, match_percent: 1000 } },
    { name: 'match_percent 0.01', body: { ...RELOAD, match_percent: 0.01 } },
    { name: 'match_percent 33.33', body: { ...RELOAD, match_percent: 33.33 } },
    { name: 'wagering_multiplier 0', body: { ...RELOAD, wagering_multiplier: 0 } },
    { name: 'wagering_multiplier 200', body: { ...RELOAD, wagering_multiplier: 200 } },
    { name: 'wagering_multiplier 12.34', body: { ...RELOAD, wagering_multiplier: 12.34 } },
    { name: 'min_deposit 0', body: { ...RELOAD, min_deposit: 0 } },
    { name: 'max_amount, max_bet 1', body: { ...RELOAD, max_amount: 1, max_bet: 1 } },
    { name: 'max_amount 2^53 − 1', body: { ...RELOAD, max_amount: Number.MAX_SAFE_INTEGER } },
    { name: 'expires_in_hours 1', body: { ...RELOAD, expires_in_hours: 1 } },
    { name: 'expires_in_hours 8760', body: { ...RELOAD, expires_in_hours: 8760 } },
    { name: 'game weights 0, 1 and 0.1234', body: weights({ slots: 1, table: 0, roulette: 0.1234 }) },
    { name: 'a no_deposit fixed_amount of 1', body: { ...NO_DEPOSIT, fixed_amount: 1 } },
    { name: 'a free_bet', body: { ...NO_DEPOSIT, kind: 'free_bet' } },
    { name: 'cashback_percent 100 and window 8760', body: { ...CASHBACK, cashback_percent: 100, cashback_window_hours: 8760 } },
    { name: 'cashback_percent 0.01 and window 1', body: { ...CASHBACK, cashback_percent: 0.01, cashback_window_hours: 1 } },
    { name: 'a deposit_match', body: { ...RELOAD, kind: 'deposit_match' } },
    { name: 'a name of 200 characters', body: { ...RELOAD, name: 'n'.repeat(200) } },
  ])('POST /v1/bonus-templates: $name → 201', async ({ body }) => {
    const res = await send('templates', json(body));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject(body);
  });

  it('POST /v1/players/:player/wallet/credits: amount 1, a 128-character key, a 64-character reason, a 200-character reference → 201', async () => {
    const body = { amount: 1, idempotency_key: 'k'.repeat(128), reason: 'r'.repeat(64), reference: 'f'.repeat(200) };
    const res = await send('credit', json(body));
    expect(res.status).toBe(201);
    expect(res.body.entry).toMatchObject({ amount: 1, reason: body.reason, reference: body.reference });
  });

  it('POST /v1/players/:player/wallet/credits: amount 2^53 − 1 to an empty wallet, without reason or reference → 201', async () => {
    const fresh = await createPlayer(acme.server, { currency: 'USD' });
    const res = await acme.server.post(`/v1/players/${fresh.id}/wallet/credits`, { amount: Number.MAX_SAFE_INTEGER, idempotency_key: uniqueRef('max') });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ balance: Number.MAX_SAFE_INTEGER, entry: { amount: Number.MAX_SAFE_INTEGER, reason: 'credit', reference: null } });
  });

  it.each([
    { name: 'winz amount 1 and a 128-character grant_key', body: { reward: { type: 'winz', amount: 1 }, grant_key: 'g'.repeat(128) } },
    { name: 'an external reward', body: { reward: EXTERNAL, grant_key: uniqueRef('ext') } },
  ])('POST /v1/players/:player/rewards: $name → 201', async ({ body }) => {
    const res = await send('reward', json(body));
    expect(res.status).toBe(201);
    expect(res.body.reward).toEqual(body.reward);
  });

  it('POST /v1/players/:player/rewards: a bonus reward naming the fixture template → 201', async () => {
    const res = await send('reward', lazy(() => ({ reward: { type: 'bonus', bonus_template_id: template.id }, grant_key: uniqueRef('bns') })));
    expect(res.status).toBe(201);
  });

  it('POST /v1/players/:player/bonuses: a 128-character key and no expires_at → 201', async () => {
    const res = await send('grant', lazy(() => ({ bonus_template_id: template.id, idempotency_key: 'k'.repeat(128) })));
    expect(res.status).toBe(201);
  });

  it.each([
    { name: 'bet and win 0, a 32-character category, a 128-character id', body: { ...WAGER, source_wager_id: 'w'.repeat(128), bet_amount: 0, win_amount: 0, game_category: 'c'.repeat(32) } },
    { name: 'category live_casino, a 64-character game code, empty id lists', body: { ...WAGER, source_wager_id: uniqueRef('w'), game_category: 'live_casino', game_code: 'g'.repeat(64), tournament_ids: [], jackpot_ids: [] } },
    { name: 'no settled_at', body: { ...without(WAGER, 'settled_at'), source_wager_id: uniqueRef('w') } },
  ])('POST /v1/wagers: $name → 201', async ({ body }) => {
    const res = await send('wager', json(body));
    expect(res.status).toBe(201);
  });

  it.each([
    { name: 'a 64-character trigger with . : - _', body: { ...LOGIN, event_id: uniqueRef('e'), trigger: `a.b:c-d_${'x'.repeat(56)}` } },
    { name: 'a first_deposit of amount 0', body: { ...EVENT, trigger: 'first_deposit', event_id: uniqueRef('e'), amount: 0 } },
    { name: 'a wager event keyed by source_wager_id', body: { ...without(LOGIN, 'event_id'), trigger: 'wager', source_wager_id: 'w'.repeat(128) } },
    { name: 'properties of 5 levels', body: { ...LOGIN, event_id: uniqueRef('e'), properties: nested(5) } },
  ])('POST /v1/journeys/event: $name → 201', async ({ body }) => {
    const res = await send('event', json(body));
    expect(res.status).toBe(201);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Inputs that once went wrong (found while writing this file).

describe('inputs that went wrong before', () => {
  it('takes amounts of 2^31 millis and more (bigint all the way through, not a 32-bit integer)', async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const big = 2 ** 31;
    const w = await acme.server.post('/v1/wagers', { source_wager_id: uniqueRef('big'), player_id: p.id, bet_amount: big, win_amount: 0, currency: 'USD', game_code: 'g', game_category: 'slots' });
    expect(w.status).toBe(201);
    const other = await acme.server.post('/v1/wagers', { source_wager_id: uniqueRef('big'), player_id: p.id, bet_amount: 2 ** 40, win_amount: 0, currency: 'EUR', game_code: 'g', game_category: 'slots' });
    expect(other.status).toBe(201);
    const d = await acme.server.post('/v1/journeys/event', { player_id: p.id, trigger: 'deposit', event_id: uniqueRef('big'), amount: 2 ** 52, currency: 'USD' });
    expect(d.status).toBe(201);
    expect((await acme.server.get(`/v1/players/${p.id}`)).body.stats).toMatchObject({ total_wagered: big, total_deposited: 2 ** 52 });
  });

  it('saturates total_wagered and total_deposited at 2^53 - 1 instead of overflowing', async () => {
    const p = await createPlayer(acme.server, { currency: 'USD' });
    const max = Number.MAX_SAFE_INTEGER;
    const wager = () => ({ source_wager_id: uniqueRef('sat'), player_id: p.id, bet_amount: max, win_amount: 0, currency: 'USD', game_code: 'g', game_category: 'slots' });
    // 1,025 bets of 2^53 - 1 pass bigint's range (2^63 - 1): the total stops at 2^53 - 1 instead
    const answers = await Promise.all(Array.from({ length: 1_025 }, () => acme.server.post('/v1/wagers', wager())));
    expect(answers.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.text}`)).toEqual([]);
    expect((await acme.server.post('/v1/wagers', wager())).status).toBe(201);
    for (let i = 0; i < 3; i++) {
      expect((await acme.server.post('/v1/journeys/event', { player_id: p.id, trigger: 'deposit', event_id: uniqueRef('sat'), amount: max })).status).toBe(201);
    }
    expect((await acme.server.get(`/v1/players/${p.id}`)).body.stats).toMatchObject({ total_wagered: max, total_deposited: max, deposit_count: 3 });
  });

  it('refuses a credit that would take a balance past 2^53 - 1 millis (422 balance_limit), changing nothing', async () => {
    const p = await createPlayer(acme.server);
    const max = Number.MAX_SAFE_INTEGER;
    expect((await acme.server.post(`/v1/players/${p.id}/wallet/credits`, { amount: max, idempotency_key: uniqueRef('max') })).status).toBe(201);
    for (const res of [
      await acme.server.post(`/v1/players/${p.id}/wallet/credits`, { amount: 1, idempotency_key: uniqueRef('over') }),
      await acme.admin.post(`/v1/players/${p.id}/rewards`, { reward: { type: 'winz', amount: 1 }, grant_key: uniqueRef('over') }),
    ]) {
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('balance_limit');
    }
    expect((await acme.server.get(`/v1/players/${p.id}/wallet`)).body.balance).toBe(max);
  });

  it.each(['toString', 'constructor', 'valueOf', 'hasOwnProperty'])('refuses a game weight named %s (not a category), and a reward field named so', async (key) => {
    const t = await acme.admin.post('/v1/bonus-templates', {
      name: 'x', kind: 'no_deposit', currency: 'USD', fixed_amount: 1, wagering_multiplier: 1, wagering_base: 'bonus', game_weights: { slots: 1, [key]: 0.5 },
    });
    expectValidationFailed(t, `game_weights.${key}`);
    const r = await acme.admin.post(`/v1/players/${player.id}/rewards`, { reward: { type: 'winz', amount: 5, [key]: 1 }, grant_key: uniqueRef('k') });
    expectValidationFailed(r, 'reward');
    expect(r.body.error.details[0].issue).toContain(`${key} is not allowed`);
  });

  it('stores free-form keys named like Object.prototype members exactly as sent', async () => {
    const attributes = { toString: 'x', constructor: 'y', keep: 'z' };
    const p = await acme.server.post('/v1/players', { external_ref: uniqueRef('proto'), attributes });
    expect(p.status).toBe(201);
    expect(p.body.attributes).toEqual(attributes);
    const eventId = uniqueRef('proto');
    expect((await acme.server.post('/v1/journeys/event', { player_id: p.body.id, trigger: 'login', event_id: eventId, properties: attributes })).status).toBe(201);
    const { rows } = await env.pool.query("SELECT properties FROM player_events WHERE event_key = 'e:' || $1", [eventId]);
    expect(rows[0].properties).toEqual(attributes);
  });

  it('refuses a grant_key with a prefix the service reserves for its own grants', async () => {
    for (const grant_key of ['tournament:t1:rank:1', 'journey:x', 'campaign:c', 'lootbox:l', 'jackpot:j']) {
      expectValidationFailed(await acme.admin.post(`/v1/players/${player.id}/rewards`, { reward: { type: 'winz', amount: 1 }, grant_key }), 'grant_key');
    }
  });
});
