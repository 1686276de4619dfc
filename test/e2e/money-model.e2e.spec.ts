/**
 * A model-based test of the money side: bonus grants, deposits, wagers and the WINZ wallet.
 *
 * A seeded PRNG (mulberry32) drives 150 random steps per seed over three players of one tenant (a
 * tenant per seed): grants (some with an expires_at), deposits (some below min_deposit), wagers (four
 * categories, some bets above max_bet, some reported late with an earlier settled_at), WINZ credits
 * and debits (some beyond the balance), replays of earlier requests, earlier keys with a changed
 * payload, and waits for expiries. Each step goes to the real API (and the real worker, for bonus
 * expiry) over HTTP and to an in-memory model of the documented semantics (API.md §2, §4, §5, §7,
 * §8). After EVERY step the service's view of every player (GET player, bonuses, wallet) and the
 * outbox counts are compared with the model, and the ledger invariants are checked straight in
 * PostgreSQL. A mismatch fails with the seed, the step number, the step, the diff and the recent steps.
 *
 * Deadlines: a grant with an expires_at (1–1.2 s ahead) gets an expiry step K (1–4) random steps
 * later, which sleeps past the deadline and polls until the worker shows the grant expired; only then
 * does the model call it expired. No wager, deposit or comparison runs within MARGIN_MS of a pending
 * deadline (a safety barrier expires such grants first), so timing never makes a step ambiguous.
 * Every random step draws the same count of numbers, and late wagers settle just before an earlier
 * step began, so a seed replays the same steps on every run (unless the machine is so slow that the
 * safety barrier has to act: the summary line counts that).
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { type AppProcess, startApiProcess, startWorkerProcess, type RunningApi } from '../support/processes.js';
import { createTestEnv, type TestEnv } from '../support/test-env.js';
import { createPlayer, createTenant, type TestTenant } from '../support/factories.js';
import type { HttpResponse } from '../support/http.js';

const SEEDS = [0x5eed_0001, 0x00c0_ffee, 20_261_122];
const STEPS_PER_SEED = 150;
const PLAYERS = 3;
/** Nothing is sent or compared this close to a pending deadline. */
const MARGIN_MS = 500;
const CURRENCY = 'USD';

let env: TestEnv;
let api: RunningApi;
let worker: AppProcess;

beforeAll(async () => {
  env = await createTestEnv({ TIMERS_POLL_MS: '200' });
  [api, worker] = await Promise.all([startApiProcess(env.env), startWorkerProcess(env.env)]);
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await api?.stop();
  await env?.close();
});

// ---- deterministic randomness ----------------------------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const between = (u: number, lo: number, hi: number): number => lo + Math.floor(u * (hi - lo + 1));

function weighted<T extends string>(u: number, table: Array<[T, number]>): T {
  const total = table.reduce((s, [, w]) => s + w, 0);
  let x = u * total;
  for (const [v, w] of table) {
    if (x < w) return v;
    x -= w;
  }
  return table[table.length - 1][0];
}

// ---- templates ---------------------------------------------------------------------------------------

type Kind = 'deposit_match' | 'reload' | 'no_deposit' | 'free_bet';
type TemplateKey = 'match' | 'reload' | 'nodep' | 'freebet';

interface TemplateSpec {
  key: TemplateKey;
  kind: Kind;
  body: Record<string, unknown>;
  /** match percent × 100 */
  pct100: number | null;
  maxAmount: number | null;
  fixed: number | null;
  /** wagering multiplier × 100 */
  mult100: number;
  base: 'bonus' | 'deposit_plus_bonus';
  /** weight × 10 000 per category; unlisted categories weigh 0 */
  weights4: Record<string, number>;
  maxBet: number | null;
  minDeposit: number | null;
  id?: string;
}

function templateSpecs(): TemplateSpec[] {
  return [
    {
      key: 'match',
      kind: 'deposit_match',
      body: {
        name: 'Welcome match',
        kind: 'deposit_match',
        currency: CURRENCY,
        match_percent: 100,
        max_amount: 20_000,
        min_deposit: 15_000,
        wagering_multiplier: 1.25,
        wagering_base: 'deposit_plus_bonus',
        game_weights: { slots: 1, roulette: 0.1, blackjack: 0.05 },
        max_bet: 15_000,
      },
      pct100: 10_000,
      maxAmount: 20_000,
      fixed: null,
      mult100: 125,
      base: 'deposit_plus_bonus',
      weights4: { slots: 10_000, roulette: 1_000, blackjack: 500 },
      maxBet: 15_000,
      minDeposit: 15_000,
    },
    {
      key: 'reload',
      kind: 'reload',
      body: {
        name: 'Reload',
        kind: 'reload',
        currency: CURRENCY,
        match_percent: 50,
        max_amount: 15_000,
        min_deposit: 5_000,
        wagering_multiplier: 3.33,
        wagering_base: 'bonus',
      },
      pct100: 5_000,
      maxAmount: 15_000,
      fixed: null,
      mult100: 333,
      base: 'bonus',
      weights4: { slots: 10_000 }, // the default weights
      maxBet: null,
      minDeposit: 5_000,
    },
    {
      key: 'nodep',
      kind: 'no_deposit',
      body: {
        name: 'Free chip',
        kind: 'no_deposit',
        currency: CURRENCY,
        fixed_amount: 7_777,
        wagering_multiplier: 3,
        wagering_base: 'bonus',
        game_weights: { slots: 1, roulette: 0.25, crash: 0.3333 },
        max_bet: 10_000,
      },
      pct100: null,
      maxAmount: null,
      fixed: 7_777,
      mult100: 300,
      base: 'bonus',
      weights4: { slots: 10_000, roulette: 2_500, crash: 3_333 },
      maxBet: 10_000,
      minDeposit: null,
    },
    {
      key: 'freebet',
      kind: 'free_bet',
      body: { name: 'Free bet', kind: 'free_bet', currency: CURRENCY, fixed_amount: 5_000, wagering_multiplier: 0, wagering_base: 'bonus' },
      pct100: null,
      maxAmount: null,
      fixed: 5_000,
      mult100: 0,
      base: 'bonus',
      weights4: { slots: 10_000 },
      maxBet: null,
      minDeposit: null,
    },
  ];
}

/** min(floor(deposit × pct / 100), max_amount) */
const depositBonus = (t: TemplateSpec, deposit: number): number => {
  const v = Math.floor((deposit * t.pct100!) / 10_000);
  return t.maxAmount === null ? v : Math.min(v, t.maxAmount);
};

/** ceil(multiplier × base) */
const wageringRequired = (t: TemplateSpec, bonus: number, deposit: number): number => {
  const base = t.base === 'deposit_plus_bonus' ? bonus + deposit : bonus;
  return Math.floor((base * t.mult100 + 99) / 100);
};

// ---- the model ---------------------------------------------------------------------------------------

type Status = 'offered' | 'active' | 'completed' | 'expired';

interface MGrant {
  id: string;
  seq: number;
  player: number;
  t: TemplateSpec;
  status: Status;
  amount: number | null;
  deposit: number | null;
  required: number | null;
  /** ten-thousandths of a milli (exact) */
  progress: number;
  violations: number;
  createdAt: number;
  activatedAt: number | null;
  expiresAt: number | null;
  /** the random step before which its expiry step runs */
  expiryStep: number | null;
}

interface MEntry {
  amount: number;
  balance_after: number;
  reason: string;
  reference: string | null;
}

interface MPlayer {
  id: string;
  ref: string;
  depositCount: number;
  totalDeposited: number;
  totalWagered: number;
  firstDepositAt: number | null;
  lastDepositAt: number | null;
  lastWagerAt: number | null;
  winz: number;
  /** newest first */
  entries: MEntry[];
}

type OutboxType = 'bonus.granted' | 'bonus.activated' | 'bonus.completed' | 'bonus.expired' | 'winz.credited';
const OUTBOX_TYPES: OutboxType[] = ['bonus.granted', 'bonus.activated', 'bonus.completed', 'bonus.expired', 'winz.credited'];

type ReqKind = 'grant' | 'deposit' | 'wager' | 'credit' | 'debit';

/** A request sent before, for replays and changed payloads. */
interface Sent {
  kind: ReqKind;
  player: number;
  path: string;
  body: Record<string, unknown>;
  step: number;
  /** a refused debit leaves its key free: re-sending it is a new attempt */
  refused: boolean;
  first?: unknown;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

// ---- diffs -------------------------------------------------------------------------------------------

const show = (v: unknown): string => (v === undefined ? 'undefined' : JSON.stringify(v));

/** Differences between `expected` and `actual`; only `expected`'s keys unless `strict`. */
function diff(expected: unknown, actual: unknown, path: string, out: string[], strict = false): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      out.push(`${path}: expected ${show(expected)}, got ${show(actual)}`);
      return out;
    }
    if (expected.length !== actual.length) out.push(`${path}.length: expected ${expected.length}, got ${actual.length} (${show(actual)})`);
    for (let i = 0; i < Math.min(expected.length, actual.length); i++) diff(expected[i], actual[i], `${path}[${i}]`, out, strict);
    return out;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      out.push(`${path}: expected ${show(expected)}, got ${show(actual)}`);
      return out;
    }
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    for (const k of Object.keys(e)) diff(e[k], a[k], `${path}.${k}`, out, strict);
    if (strict) for (const k of Object.keys(a)) if (!(k in e)) out.push(`${path}.${k}: unexpected ${show(a[k])}`);
    return out;
  }
  if (!Object.is(expected, actual)) out.push(`${path}: expected ${show(expected)}, got ${show(actual)}`);
  return out;
}

function expectStatus(res: HttpResponse, status: number, what: string, out: string[], code?: string): boolean {
  if (res.status !== status) {
    out.push(`${what}: expected HTTP ${status}${code ? ` ${code}` : ''}, got ${res.status} ${res.text.slice(0, 400)}`);
    return false;
  }
  if (code !== undefined && res.body?.error?.code !== code) out.push(`${what}: expected error code ${code}, got ${show(res.body?.error?.code)}`);
  return true;
}

function expectReplayHeader(res: HttpResponse, replayed: boolean, what: string, out: string[]): void {
  const h = res.headers.get('idempotent-replayed');
  if (replayed ? h !== 'true' : h !== null) out.push(`${what}: header Idempotent-Replayed expected ${replayed ? 'true' : 'absent'}, got ${show(h)}`);
}

// ---- ledger snapshot (shared by all seeds: one database) ----------------------------------------------

const ledgerSnapshot = new Map<string, string>();

/** What the runs exercised, over all seeds (the last test requires each path at least once). */
const coverage = new Map<string, number>();
const cover = (what: string): void => void coverage.set(what, (coverage.get(what) ?? 0) + 1);

/** The last error lines the API and the worker logged, for a failure message. */
function processErrors(): string[] {
  const lines = [...api.process.lines.map((l) => `api: ${l}`), ...worker.lines.map((l) => `worker: ${l}`)].filter((l) => /error|exception/i.test(l));
  return lines.length ? ['recent error logs of the API and the worker:', ...lines.slice(-6).map((l) => `  ${l.slice(0, 600)}`)] : [];
}

// ---- one seed --------------------------------------------------------------------------------------------

type Step =
  | { kind: 'grant'; player: number; template: TemplateKey; expiresInMs: number | null; expiryAfter: number }
  | { kind: 'deposit'; player: number; amount: number; trigger: 'deposit' | 'first_deposit' }
  | { kind: 'wager'; player: number; category: string; bet: number; win: number; backdateU: number | null }
  | { kind: 'credit'; player: number; amount: number; reason: string | null; reference: string | null }
  | { kind: 'debit'; player: number; beyond: boolean; u: number }
  | { kind: 'replay'; which: number; u: number }
  | { kind: 'changed'; which: number; u: number; variant: number; other: number }
  | { kind: 'wait-expiry' }
  | { kind: 'expire'; ids: string[]; why: string }
  | { kind: 'ledger-immutability' };

class SeedRun {
  private readonly rng: () => number;
  private tenant!: TestTenant;
  private templates!: TemplateSpec[];
  private readonly players: MPlayer[] = [];
  private readonly grants: MGrant[] = [];
  private readonly sent: Sent[] = [];
  private readonly outbox: Record<OutboxType, number> = { 'bonus.granted': 0, 'bonus.activated': 0, 'bonus.completed': 0, 'bonus.expired': 0, 'winz.credited': 0 };
  private stepNo = 0;
  private randomStep = 0;
  private readonly log: string[] = [];
  /** accepted credits and debits: each writes a player entry and its counter-entry */
  private walletOps = 0;
  /** when each step began (index stepNo − 1): backdated wagers settle just before one of them */
  private readonly stepStarts: number[] = [];
  /** expiries that the safety barrier (not their scheduled step) had to handle: timing, not a failure */
  fallbacks = 0;
  stats: Record<string, number> = {};

  constructor(readonly seed: number) {
    this.rng = mulberry32(seed);
  }

  async run(): Promise<void> {
    this.tenant = await createTenant(api.platform, `Model ${this.seed}`);
    this.templates = templateSpecs();
    for (const t of this.templates) {
      const res = await this.tenant.admin.post('/v1/bonus-templates', t.body);
      if (res.status !== 201) throw new Error(`seed ${this.seed}: template ${t.key} refused: ${res.status} ${res.text}`);
      t.id = res.body.id;
      const weights = Object.fromEntries(Object.entries(t.weights4).map(([k, w]) => [k, w / 10_000]));
      const problems = diff({ kind: t.kind, currency: CURRENCY, wagering_multiplier: t.mult100 / 100, game_weights: weights, max_bet: t.maxBet, min_deposit: t.minDeposit }, res.body, `template ${t.key}`, []);
      if (problems.length) throw new Error(`seed ${this.seed}: ${problems.join('\n')}`);
    }
    for (let i = 0; i < PLAYERS; i++) {
      const p = await createPlayer(this.tenant.server, { currency: CURRENCY });
      this.players.push({ id: p.id, ref: p.external_ref, depositCount: 0, totalDeposited: 0, totalWagered: 0, firstDepositAt: null, lastDepositAt: null, lastWagerAt: null, winz: 0, entries: [] });
    }

    for (this.randomStep = 0; this.randomStep < STEPS_PER_SEED; this.randomStep++) {
      const scheduled = this.pending().filter((g) => g.expiryStep !== null && g.expiryStep <= this.randomStep);
      if (scheduled.length) await this.step({ kind: 'expire', ids: scheduled.map((g) => g.id), why: 'scheduled' });
      await this.safetyBarrier();
      await this.step(this.draw());
    }
    // End: let every remaining deadline pass, then try to rewrite history.
    const left = this.pending();
    if (left.length) await this.step({ kind: 'expire', ids: left.map((g) => g.id), why: 'end of run' });
    if (!this.players.some((p) => p.entries.length > 0)) await this.step({ kind: 'credit', player: 0, amount: 1_000, reason: null, reference: null });
    await this.step({ kind: 'ledger-immutability' });
  }

  /** Live grants with a deadline. */
  private pending(): MGrant[] {
    return this.grants.filter((g) => g.expiresAt !== null && (g.status === 'offered' || g.status === 'active'));
  }

  private async safetyBarrier(): Promise<void> {
    const near = this.pending().filter((g) => g.expiresAt! - MARGIN_MS <= Date.now());
    if (near.length === 0) return;
    this.fallbacks += near.length;
    await this.step({ kind: 'expire', ids: near.map((g) => g.id), why: 'deadline near' });
  }

  /** Every random step consumes exactly 8 numbers, whatever the state, so the draws stay aligned. */
  private draw(): Step {
    const u = Array.from({ length: 8 }, () => this.rng());
    const kind = weighted(u[0], [
      ['grant', 14],
      ['deposit', 16],
      ['wager', 32],
      ['credit', 8],
      ['debit', 8],
      ['replay', 10],
      ['changed', 8],
      ['wait-expiry', 4],
    ]);
    const player = Math.floor(u[1] * PLAYERS);
    switch (kind) {
      case 'grant':
        return {
          kind,
          player,
          template: weighted<TemplateKey>(u[2], [['match', 35], ['reload', 35], ['nodep', 15], ['freebet', 15]]),
          expiresInMs: u[3] < 0.2 ? between(u[4], 1_000, 1_200) : null,
          expiryAfter: between(u[5], 1, 4),
        };
      case 'deposit': {
        // below every min_deposit, between the reload's and the match's, or above both
        const band = weighted(u[2], [['low', 20], ['mid', 30], ['high', 50]]);
        const [lo, hi] = band === 'low' ? [500, 4_999] : band === 'mid' ? [5_000, 14_999] : [15_000, 40_000];
        return { kind, player, amount: between(u[3], lo, hi), trigger: u[4] < 0.1 ? 'first_deposit' : 'deposit' };
      }
      case 'wager': {
        const category = weighted(u[2], [['slots', 50], ['roulette', 20], ['blackjack', 15], ['crash', 15]]);
        // above both max_bets, above the no_deposit's only, or within both
        const bet = u[3] < 0.15 ? between(u[4], 15_001, 30_000) : u[3] < 0.3 ? between(u[4], 10_001, 15_000) : between(u[4], 100, 10_000);
        return { kind, player, category, bet, win: Math.floor(u[5] * 2 * bet), backdateU: u[6] < 0.12 ? u[7] : null };
      }
      case 'credit':
        return { kind, player, amount: between(u[2], 1, 50_000), reason: u[3] < 0.5 ? 'promo' : null, reference: u[4] < 0.3 ? `ord-${Math.floor(u[5] * 1e6)}` : null };
      case 'debit':
        return { kind, player, beyond: u[2] < 0.35, u: u[3] };
      case 'replay':
        return { kind, which: u[2], u: u[3] };
      case 'changed':
        return { kind, which: u[2], u: u[3], variant: Math.floor(u[4] * 3), other: 1 + Math.floor(u[5] * (PLAYERS - 1)) };
      default:
        return { kind: 'wait-expiry' };
    }
  }

  private describe(s: Step): string {
    const p = 'player' in s ? `p${s.player}` : '';
    switch (s.kind) {
      case 'grant':
        return `grant ${p} ${s.template}${s.expiresInMs !== null ? ` expires_in=${s.expiresInMs}ms (expiry step after ${s.expiryAfter})` : ''}`;
      case 'deposit':
        return `deposit ${p} ${s.amount} (${s.trigger})`;
      case 'wager':
        return `wager ${p} ${s.category} bet=${s.bet} win=${s.win}${s.backdateU !== null ? ' backdated' : ''}`;
      case 'credit':
        return `credit ${p} ${s.amount}${s.reason ? ` reason=${s.reason}` : ''}${s.reference ? ` ref=${s.reference}` : ''}`;
      case 'debit':
        return `debit ${p} ${s.beyond ? 'beyond the balance' : 'within the balance'}`;
      case 'replay':
        return 'replay of an earlier request';
      case 'changed':
        return `earlier key with a changed payload (variant ${s.variant})`;
      case 'wait-expiry':
        return 'wait for the next expiry';
      case 'expire':
        return `expire ${s.ids.join(', ')} (${s.why})`;
      case 'ledger-immutability':
        return 'UPDATE / DELETE of ledger entries';
    }
  }

  // ---- one step: apply to service and model, compare everything ----------------------------------------

  private async step(s: Step): Promise<void> {
    this.stepNo++;
    this.stepStarts.push(Date.now());
    this.stats[s.kind] = (this.stats[s.kind] ?? 0) + 1;
    const out: string[] = [];
    let what = this.describe(s);
    switch (s.kind) {
      case 'grant':
        what = await this.doGrant(s, out);
        break;
      case 'deposit':
        what = await this.doDeposit(s, out);
        break;
      case 'wager':
        what = await this.doWager(s, out);
        break;
      case 'credit':
        what = await this.doCredit(s, out);
        break;
      case 'debit':
        what = await this.doDebit(s, out);
        break;
      case 'replay':
        what = await this.doReplay(s, out);
        break;
      case 'changed':
        what = await this.doChanged(s, out);
        break;
      case 'wait-expiry': {
        const next = this.pending().sort((a, b) => a.expiresAt! - b.expiresAt!)[0];
        if (next) {
          what = `wait for the next expiry: ${next.id} (p${next.player} ${next.t.key}, expires_at ${iso(next.expiresAt)})`;
          await this.doExpire([next.id], out);
        } else {
          what = 'wait for the next expiry: none pending (observe only)';
        }
        break;
      }
      case 'expire':
        await this.doExpire(s.ids, out);
        break;
      case 'ledger-immutability':
        await this.doLedgerImmutability(out);
        break;
    }
    this.log.push(`#${this.stepNo} ${what}`);
    if (out.length === 0) {
      out.push(...(await this.observe()));
      // A step that overran the margin (a slow machine): when every difference is a grant whose deadline
      // has passed meanwhile (or the bonus.expired count), expire those the documented way and look again.
      const passed = this.pending().filter((g) => g.expiresAt! <= Date.now());
      if (out.length > 0 && passed.length > 0 && out.every((d) => d.startsWith('outbox events.bonus.expired') || passed.some((g) => d.includes(g.id)))) {
        this.fallbacks += passed.length;
        const first = [...out];
        out.length = 0;
        await this.doExpire(passed.map((g) => g.id), out);
        if (out.length === 0) out.push(...(await this.observe()));
        if (out.length > 0) out.unshift(...first.map((d) => `(before expiring ${passed.map((g) => g.id).join(', ')}) ${d}`), 'after expiring them:');
      }
    }
    if (out.length > 0) {
      const late = this.pending().filter((g) => g.expiresAt! <= Date.now());
      throw new Error(
        [
          `money model mismatch: seed ${this.seed} (0x${this.seed.toString(16)}), step ${this.stepNo} (random step ${this.randomStep}): ${what}`,
          ...out.map((d) => `  ${d}`),
          ...(late.length ? [`  note: deadline(s) of ${late.map((g) => g.id).join(', ')} passed during this step (timing margin exceeded)`] : []),
          'recent steps:',
          ...this.log.slice(-12).map((l) => `  ${l}`),
          ...processErrors(),
        ].join('\n'),
      );
    }
  }

  private post(path: string, body: unknown): Promise<HttpResponse> {
    return this.tenant.server.post(path, body);
  }

  private async doGrant(s: Extract<Step, { kind: 'grant' }>, out: string[]): Promise<string> {
    const p = this.players[s.player];
    const t = this.templates.find((x) => x.key === s.template)!;
    const key = `bonus-${this.stepNo}`;
    const body: Record<string, unknown> = { bonus_template_id: t.id, idempotency_key: key };
    const sentAt = Date.now();
    if (s.expiresInMs !== null) body.expires_at = iso(sentAt + s.expiresInMs);
    const path = `/v1/players/${p.id}/bonuses`;
    const res = await this.post(path, body);
    const receivedAt = Date.now();
    const what = `${this.describe(s)}: POST ${path} ${JSON.stringify(body)}`;
    if (!expectStatus(res, 201, 'grant', out)) return what;
    expectReplayHeader(res, false, 'grant', out);
    const createdAt = Date.parse(res.body.created_at);
    if (!(createdAt >= sentAt && createdAt <= receivedAt)) out.push(`grant: created_at ${res.body.created_at} outside the request [${iso(sentAt)}, ${iso(receivedAt)}]`);
    const g: MGrant = {
      id: res.body.id,
      seq: this.grants.length,
      player: s.player,
      t,
      status: 'offered',
      amount: null,
      deposit: null,
      required: null,
      progress: 0,
      violations: 0,
      createdAt,
      activatedAt: null,
      expiresAt: s.expiresInMs !== null ? sentAt + s.expiresInMs : null,
      expiryStep: s.expiresInMs !== null ? this.randomStep + s.expiryAfter : null,
    };
    this.outbox['bonus.granted']++;
    if (t.kind === 'no_deposit' || t.kind === 'free_bet') {
      g.status = 'active';
      g.amount = t.fixed;
      g.required = wageringRequired(t, t.fixed!, 0);
      g.activatedAt = createdAt;
      this.outbox['bonus.activated']++;
      if (g.required === 0) {
        g.status = 'completed';
        this.outbox['bonus.completed']++;
        cover(`${t.key}: completed at once (nothing to wager)`);
      }
    }
    if (g.expiresAt !== null) cover('grant with expires_at');
    this.grants.push(g);
    diff({ ...this.grantView(g), player_id: p.id, external_ref: p.ref, created_at: iso(createdAt) }, res.body, 'grant answer', out);
    this.sent.push({ kind: 'grant', player: s.player, path, body, step: this.stepNo, refused: false, first: res.body });
    return `${what} -> ${g.id}`;
  }

  private async doDeposit(s: Extract<Step, { kind: 'deposit' }>, out: string[]): Promise<string> {
    const p = this.players[s.player];
    const key = `dep-${this.stepNo}`;
    const occurred = Date.now();
    const body = { player_id: p.id, trigger: s.trigger, event_id: key, amount: s.amount, currency: CURRENCY, occurred_at: iso(occurred) };
    const res = await this.post('/v1/journeys/event', body);
    const what = `${this.describe(s)}: POST /v1/journeys/event ${JSON.stringify(body)}`;
    if (!expectStatus(res, 201, 'deposit', out)) return what;
    expectReplayHeader(res, false, 'deposit', out);
    diff({ event_id: key, progressed: [] }, res.body, 'deposit answer', out, true);
    this.applyDeposit(s.player, s.amount, occurred);
    this.sent.push({ kind: 'deposit', player: s.player, path: '/v1/journeys/event', body, step: this.stepNo, refused: false, first: res.body });
    return what;
  }

  /** Stats, then the player's oldest offered deposit bonus that this deposit qualifies for. */
  private applyDeposit(player: number, amount: number, occurred: number): void {
    const p = this.players[player];
    p.depositCount++;
    p.totalDeposited += amount;
    p.firstDepositAt = p.firstDepositAt === null ? occurred : Math.min(p.firstDepositAt, occurred);
    p.lastDepositAt = p.lastDepositAt === null ? occurred : Math.max(p.lastDepositAt, occurred);
    const offers = this.grants.filter((g) => g.player === player && g.status === 'offered' && (g.t.kind === 'deposit_match' || g.t.kind === 'reload'));
    const offer = offers
      .filter(
        (g) =>
          g.createdAt <= occurred &&
          (g.expiresAt === null || occurred < g.expiresAt) &&
          (g.t.minDeposit === null || amount >= g.t.minDeposit),
      )
      .sort((a, b) => a.seq - b.seq)[0];
    if (!offer) {
      if (offers.length) cover('deposit below the min_deposit of every offer: nothing activated');
      return;
    }
    cover(`${offer.t.key}: activated by a deposit`);
    if (offers.some((g) => g.seq < offer.seq)) cover('deposit skipped an older offer it did not qualify for');
    if (offers.filter((g) => g.seq > offer.seq && (g.t.minDeposit === null || amount >= g.t.minDeposit)).length) cover('deposit activated the oldest of several qualifying offers');
    offer.status = 'active';
    offer.amount = depositBonus(offer.t, amount);
    offer.deposit = amount;
    offer.required = wageringRequired(offer.t, offer.amount, amount);
    offer.activatedAt = occurred;
    if (offer.amount === offer.t.maxAmount) cover(`${offer.t.key}: amount capped at max_amount`);
    this.outbox['bonus.activated']++;
    if (offer.required === 0) {
      offer.status = 'completed';
      this.outbox['bonus.completed']++;
    }
  }

  private async doWager(s: Extract<Step, { kind: 'wager' }>, out: string[]): Promise<string> {
    const p = this.players[s.player];
    const key = `wgr-${this.stepNo}`;
    // A late report of a wager settled earlier in this run, 1 ms before some earlier step began (so
    // which bonuses were active then follows from the steps, not from timing): it counts only for
    // bonuses already active at that time.
    const backdatedTo = s.backdateU === null ? null : 1 + Math.floor(s.backdateU * this.stepStarts.length);
    const settled = backdatedTo === null ? Date.now() : this.stepStarts[backdatedTo - 1] - 1;
    const body = {
      source_wager_id: key,
      player_id: p.id,
      bet_amount: s.bet,
      win_amount: s.win,
      currency: CURRENCY,
      game_code: `${s.category}-game`,
      game_category: s.category,
      settled_at: iso(settled),
    };
    const res = await this.post('/v1/wagers', body);
    const what = `${this.describe(s)}${backdatedTo === null ? '' : ` to before step #${backdatedTo}`}: POST /v1/wagers ${JSON.stringify(body)}`;
    if (!expectStatus(res, 201, 'wager', out)) return what;
    expectReplayHeader(res, false, 'wager', out);

    p.totalWagered += s.bet;
    p.lastWagerAt = p.lastWagerAt === null ? settled : Math.max(p.lastWagerAt, settled);
    const results: Array<Record<string, unknown>> = [];
    for (const g of this.grants) {
      if (g.player !== s.player || g.status !== 'active') continue;
      if (g.activatedAt! > settled) {
        cover('late wager settled before the activation: not counted');
        continue;
      }
      if (g.expiresAt !== null && settled >= g.expiresAt) continue;
      const violation = g.t.maxBet !== null && s.bet > g.t.maxBet;
      const contribution = violation ? 0 : s.bet * (g.t.weights4[s.category] ?? 0);
      g.progress += contribution;
      if (violation) {
        g.violations++;
        cover('bet above max_bet: violation, nothing added');
      } else if (contribution === 0) cover('category weighing 0: nothing added');
      else if (contribution % 10_000 !== 0) cover('fractional contribution (bet × weight)');
      if (g.progress >= g.required! * 10_000) {
        g.status = 'completed';
        this.outbox['bonus.completed']++;
        cover(`${g.t.key}: completed by wagering`);
      }
      results.push({
        bonus_id: g.id,
        wagering_contribution: contribution / 10_000,
        wagering_progress: g.progress / 10_000,
        wagering_required: g.required,
        status: g.status,
        max_bet_violation: violation,
      });
    }
    const byId = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a.bonus_id).localeCompare(String(b.bonus_id));
    const gotBonuses = Array.isArray(res.body?.bonuses) ? [...res.body.bonuses].sort(byId) : res.body?.bonuses;
    diff(
      { wager_id: res.body?.wager_id, source_wager_id: key, tournaments: [], jackpots: [], bonuses: results.sort(byId) },
      { ...res.body, bonuses: gotBonuses },
      'wager answer',
      out,
      true,
    );
    if (!/^wgr_[0-9a-z]{26}$/.test(String(res.body?.wager_id))) out.push(`wager answer: wager_id ${show(res.body?.wager_id)}`);
    this.sent.push({ kind: 'wager', player: s.player, path: '/v1/wagers', body, step: this.stepNo, refused: false, first: res.body });
    return what;
  }

  private async doCredit(s: Extract<Step, { kind: 'credit' }>, out: string[]): Promise<string> {
    const p = this.players[s.player];
    const body: Record<string, unknown> = { amount: s.amount, idempotency_key: `winz-${this.stepNo}` };
    if (s.reason) body.reason = s.reason;
    if (s.reference) body.reference = s.reference;
    const path = `/v1/players/${p.id}/wallet/credits`;
    const res = await this.post(path, body);
    const what = `${this.describe(s)}: POST ${path} ${JSON.stringify(body)}`;
    if (!expectStatus(res, 201, 'credit', out)) return what;
    expectReplayHeader(res, false, 'credit', out);
    this.applyWallet(s.player, 'credit', body, res, out);
    this.sent.push({ kind: 'credit', player: s.player, path, body, step: this.stepNo, refused: false, first: res.body });
    return what;
  }

  private async doDebit(s: Extract<Step, { kind: 'debit' }>, out: string[]): Promise<string> {
    const p = this.players[s.player];
    const beyond = s.beyond || p.winz === 0;
    const amount = beyond ? p.winz + 1 + Math.floor(s.u * 20_000) : 1 + Math.floor(s.u * p.winz);
    const body = { amount, idempotency_key: `winz-${this.stepNo}` };
    const path = `/v1/players/${p.id}/wallet/debits`;
    const sent: Sent = { kind: 'debit', player: s.player, path, body, step: this.stepNo, refused: false };
    this.sent.push(sent);
    return `${this.describe(s)}: POST ${path} ${JSON.stringify(body)} (model balance ${p.winz})` + (await this.sendDebit(sent, out, false));
  }

  /** A debit's first (or, after a refusal, next) attempt: 201 within the balance, else 422 insufficient_funds and nothing changes. */
  private async sendDebit(sent: Sent, out: string[], retry: boolean): Promise<string> {
    const p = this.players[sent.player];
    const res = await this.post(sent.path, sent.body);
    expectReplayHeader(res, false, 'debit', out);
    if ((sent.body.amount as number) > p.winz) {
      sent.refused = true;
      expectStatus(res, 422, 'debit beyond the balance', out, 'insufficient_funds');
      cover(retry ? 'refused debit re-sent: refused again' : 'debit beyond the balance refused');
      return ' -> refused';
    }
    if (!expectStatus(res, 201, retry ? 'debit re-sent after a refusal (its key stayed free)' : 'debit', out)) return '';
    sent.refused = false;
    sent.first = res.body;
    if (retry) cover('refused debit re-sent: accepted now');
    this.applyWallet(sent.player, 'debit', sent.body, res, out);
    return ' -> debited';
  }

  private applyWallet(player: number, kind: 'credit' | 'debit', body: Record<string, unknown>, res: HttpResponse, out: string[]): void {
    const p = this.players[player];
    const signed = kind === 'credit' ? (body.amount as number) : -(body.amount as number);
    p.winz += signed;
    const entry: MEntry = { amount: signed, balance_after: p.winz, reason: (body.reason as string | undefined) ?? kind, reference: (body.reference as string | undefined) ?? null };
    p.entries.unshift(entry);
    this.walletOps++;
    if (kind === 'credit') this.outbox['winz.credited']++;
    diff({ player_id: p.id, balance: p.winz, entry }, res.body, `${kind} answer`, out);
    if (!/^led_/.test(String(res.body?.transaction_id))) out.push(`${kind} answer: transaction_id ${show(res.body?.transaction_id)}`);
  }

  /**
   * An earlier request: first a class among those sent (grant, deposit, wager, credit, accepted debit,
   * refused debit — so rarer ones get their turn), then one of that class.
   */
  private pick(from: Sent[], which: number, u: number): Sent {
    const classOf = (x: Sent): string => (x.kind === 'debit' && x.refused ? 'refused debit' : x.kind);
    const classes = ['grant', 'deposit', 'wager', 'credit', 'debit', 'refused debit'].filter((c) => from.some((x) => classOf(x) === c));
    const ofClass = from.filter((x) => classOf(x) === classes[Math.floor(which * classes.length)]);
    return ofClass[Math.floor(u * ofClass.length)];
  }

  private async doReplay(s: Extract<Step, { kind: 'replay' }>, out: string[]): Promise<string> {
    if (this.sent.length === 0) return 'replay: nothing sent yet (observe only)';
    const sent = this.pick(this.sent, s.which, s.u);
    const what = `replay of step ${sent.step} (${sent.kind}${sent.refused ? ', refused before' : ''}): POST ${sent.path} ${JSON.stringify(sent.body)}`;
    if (sent.refused) return what + (await this.sendDebit(sent, out, true));
    const res = await this.post(sent.path, sent.body);
    cover(`replay of a ${sent.kind}`);
    if (!expectStatus(res, 200, 'replay', out)) return what;
    expectReplayHeader(res, true, 'replay', out);
    diff(sent.first, res.body, 'replayed answer vs first answer', out, true);
    return what;
  }

  private async doChanged(s: Extract<Step, { kind: 'changed' }>, out: string[]): Promise<string> {
    const used = this.sent.filter((x) => !x.refused);
    if (used.length === 0) return 'changed payload: nothing sent yet (observe only)';
    const sent = this.pick(used, s.which, s.u);
    const other = this.players[(sent.player + s.other) % PLAYERS];
    let path = sent.path;
    const body = clone(sent.body);
    let change: string;
    switch (sent.kind) {
      case 'grant':
        if (s.variant === 0) {
          const t = this.templates.find((x) => x.id !== body.bonus_template_id)!;
          body.bonus_template_id = t.id;
          change = 'another template';
        } else if (s.variant === 1) {
          path = `/v1/players/${other.id}/bonuses`;
          change = 'another player';
        } else {
          if (body.expires_at === undefined) body.expires_at = iso(Date.now() + 3_600_000);
          else delete body.expires_at;
          change = 'expires_at added or removed';
        }
        break;
      case 'deposit':
        if (s.variant === 0) (body.amount as number)++;
        else if (s.variant === 1) body.player_id = other.id;
        else body.occurred_at = iso(Date.parse(body.occurred_at as string) - 1_000);
        change = ['amount + 1', 'another player', 'occurred_at − 1 s'][s.variant];
        break;
      case 'wager':
        if (s.variant === 0) (body.bet_amount as number)++;
        else if (s.variant === 1) body.game_category = body.game_category === 'slots' ? 'roulette' : 'slots';
        else body.player_id = other.id;
        change = ['bet_amount + 1', 'another category', 'another player'][s.variant];
        break;
      default:
        // credit or debit: another amount, the other operation, or another player
        if (s.variant === 0) (body.amount as number)++;
        else if (s.variant === 1) path = sent.kind === 'credit' ? path.replace(/credits$/, 'debits') : path.replace(/debits$/, 'credits');
        else path = `/v1/players/${other.id}/wallet/${sent.kind}s`;
        change = ['amount + 1', `sent as a ${sent.kind === 'credit' ? 'debit' : 'credit'}`, 'another player'][s.variant];
    }
    const what = `changed payload of step ${sent.step} (${sent.kind}, ${change}): POST ${path} ${JSON.stringify(body)}`;
    const res = await this.post(path, body);
    cover(`changed payload of a ${sent.kind}`);
    expectStatus(res, 422, 'changed payload', out, 'idempotency_key_reused');
    expectReplayHeader(res, false, 'changed payload', out);
    return what;
  }

  /** Sleeps past the deadlines (and any other within the margin), then polls until the worker has expired them. */
  private async doExpire(ids: string[], out: string[]): Promise<void> {
    const group = new Set(ids);
    for (;;) {
      const live = this.pending();
      const targets = live.filter((g) => group.has(g.id));
      if (targets.length === 0) break;
      const last = Math.max(...targets.map((g) => g.expiresAt!));
      // Deadlines close behind these would pass while we wait: take them along.
      const extra = live.filter((g) => !group.has(g.id) && g.expiresAt! - MARGIN_MS <= last);
      if (extra.length) {
        for (const g of extra) group.add(g.id);
        continue;
      }
      await sleep(last + 20 - Date.now());
      const deadline = Date.now() + 10_000;
      for (;;) {
        const seen = new Map<string, string>();
        for (const player of new Set(targets.map((g) => g.player))) {
          const res = await this.tenant.server.get(`/v1/players/${this.players[player].id}/bonuses?limit=500`);
          for (const b of res.body?.data ?? []) seen.set(b.id, b.status);
        }
        const notYet = targets.filter((g) => seen.get(g.id) !== 'expired');
        const wrong = notYet.filter((g) => seen.get(g.id) !== g.status);
        if (wrong.length) {
          out.push(...wrong.map((g) => `expiry of ${g.id}: while waiting the service shows ${show(seen.get(g.id))}, the model ${g.status} (then expired)`));
          return;
        }
        if (notYet.length === 0) break;
        if (Date.now() > deadline) {
          out.push(`expiry: ${notYet.map((g) => `${g.id} (expires_at ${iso(g.expiresAt)})`).join(', ')} still ${notYet.map((g) => seen.get(g.id)).join(', ')} 10 s after the deadline`);
          return;
        }
        await sleep(50);
      }
      for (const g of targets) {
        cover(`expired while ${g.status}`);
        g.status = 'expired';
        this.outbox['bonus.expired']++;
      }
      // Others may have come near while polling.
      for (const g of this.pending()) if (g.expiresAt! - MARGIN_MS <= Date.now()) group.add(g.id);
    }
  }

  private async doLedgerImmutability(out: string[]): Promise<void> {
    const { rows } = await env.pool.query<{ id: string }>(
      "SELECT id FROM ledger_entries WHERE tenant_id = $1 AND account = 'player' ORDER BY id LIMIT 1",
      [this.tenant.id],
    );
    if (rows.length === 0) {
      out.push('ledger immutability: no ledger entry of this tenant to try on');
      return;
    }
    const client = await env.pool.connect();
    try {
      for (const [sql, param] of [
        ['UPDATE ledger_entries SET amount = amount + 1 WHERE id = $1', rows[0].id],
        ["UPDATE ledger_entries SET reason = 'rewritten' WHERE id = $1", rows[0].id],
        ['DELETE FROM ledger_entries WHERE id = $1', rows[0].id],
        // and a balance moves only through the ledger
        ['UPDATE players SET winz_balance = winz_balance + 1 WHERE id = $1', this.players[0].id],
      ]) {
        await client.query('BEGIN');
        let error: { code?: string; message?: string } | undefined;
        try {
          await client.query(sql, [param]);
        } catch (err) {
          error = err as { code?: string; message?: string };
        } finally {
          await client.query('ROLLBACK');
        }
        if (!error) out.push(`ledger immutability: the database accepted "${sql}" for ${param}`);
        else if (error.code !== '23001') out.push(`ledger immutability: "${sql}" failed with ${error.code} ${error.message}, expected 23001 (restrict_violation from the ledger triggers)`);
      }
    } finally {
      client.release();
    }
  }

  // ---- observation ----------------------------------------------------------------------------------

  private grantView(g: MGrant): Record<string, unknown> {
    return {
      id: g.id,
      bonus_template_id: g.t.id,
      kind: g.t.kind,
      currency: CURRENCY,
      status: g.status,
      amount: g.amount,
      deposit_amount: g.deposit,
      wagering_required: g.required,
      wagering_progress: g.progress / 10_000,
      max_bet_violations: g.violations,
      expires_at: iso(g.expiresAt),
      activated_at: iso(g.activatedAt),
    };
  }

  /** The service's view of every player, the ledger and the outbox, against the model. */
  private async observe(): Promise<string[]> {
    const out: string[] = [];
    const perPlayer = this.players.map(async (p, i) => {
      const [pl, bn, wl] = await Promise.all([
        this.tenant.server.get(`/v1/players/${p.id}`),
        this.tenant.server.get(`/v1/players/${p.id}/bonuses?limit=500`),
        this.tenant.server.get(`/v1/players/${p.id}/wallet?limit=500`),
      ]);
      if (expectStatus(pl, 200, `GET player p${i}`, out)) {
        diff(
          {
            id: p.id,
            currency: CURRENCY,
            winz_balance: p.winz,
            stats: {
              deposit_count: p.depositCount,
              total_deposited: p.totalDeposited,
              total_wagered: p.totalWagered,
              first_deposit_at: iso(p.firstDepositAt),
              last_deposit_at: iso(p.lastDepositAt),
              last_wager_at: iso(p.lastWagerAt),
            },
          },
          pl.body,
          `player p${i}`,
          out,
        );
      }
      if (expectStatus(bn, 200, `GET bonuses p${i}`, out)) {
        const got = new Map<string, unknown>((bn.body.data as Array<{ id: string }>).map((b) => [b.id, b]));
        const mine = this.grants.filter((g) => g.player === i);
        for (const g of mine) {
          if (!got.has(g.id)) out.push(`bonuses p${i}: ${g.id} (${g.t.key}) missing`);
          else diff(this.grantView(g), got.get(g.id), `bonuses p${i} ${g.id} (${g.t.key})`, out);
        }
        for (const id of got.keys()) if (!mine.some((g) => g.id === id)) out.push(`bonuses p${i}: unexpected grant ${show(got.get(id))}`);
        if (bn.body.next_cursor !== null) out.push(`bonuses p${i}: next_cursor ${show(bn.body.next_cursor)}`);
      }
      if (expectStatus(wl, 200, `GET wallet p${i}`, out)) {
        diff({ currency: 'WINZ', balance: p.winz, next_cursor: null, entries: p.entries }, wl.body, `wallet p${i}`, out);
      }
    });
    const ledger = this.checkLedger(out);
    const outbox = env.pool
      .query<{ type: string; n: number }>('SELECT type, count(*)::int AS n FROM outbox_events WHERE tenant_id = $1 AND type = ANY($2) GROUP BY type', [this.tenant.id, OUTBOX_TYPES])
      .then(({ rows }) => {
        const got = Object.fromEntries(OUTBOX_TYPES.map((t) => [t, rows.find((r) => r.type === t)?.n ?? 0]));
        diff(this.outbox, got, 'outbox events', out);
      });
    await Promise.all([...perPlayer, ledger, outbox]);
    return out;
  }

  private async checkLedger(out: string[]): Promise<void> {
    const [sums, negative, mismatched, entries] = await Promise.all([
      env.pool.query<{ currency: string; s: string }>('SELECT currency, sum(amount)::text AS s FROM ledger_entries GROUP BY currency'),
      env.pool.query<{ id: string; b: string }>('SELECT id, winz_balance::text AS b FROM players WHERE winz_balance < 0'),
      env.pool.query<{ id: string; b: string; s: string }>(
        `SELECT p.id, p.winz_balance::text AS b, COALESCE(sum(e.amount), 0)::text AS s
           FROM players p LEFT JOIN ledger_entries e ON e.player_id = p.id AND e.account = 'player'
          GROUP BY p.id, p.winz_balance
         HAVING p.winz_balance <> COALESCE(sum(e.amount), 0)`,
      ),
      env.pool.query<Record<string, unknown>>(
        `SELECT id, tenant_id, txn_id, account, player_id, currency, amount::text AS amount, balance_after::text AS balance_after,
                reason, reference, created_at FROM ledger_entries`,
      ),
    ]);
    for (const r of sums.rows) if (r.s !== '0') out.push(`ledger: ${r.currency} entries sum to ${r.s}, not 0`);
    for (const r of negative.rows) out.push(`ledger: player ${r.id} has winz_balance ${r.b} < 0`);
    for (const r of mismatched.rows) out.push(`ledger: player ${r.id} winz_balance ${r.b} but entries sum to ${r.s}`);
    const now = new Map(entries.rows.map((r) => [r.id as string, JSON.stringify(r)]));
    for (const [id, row] of ledgerSnapshot) {
      const current = now.get(id);
      if (current === undefined) out.push(`ledger: entry ${id} disappeared (was ${row})`);
      else if (current !== row) out.push(`ledger: entry ${id} changed from ${row} to ${current}`);
    }
    for (const [id, row] of now) if (!ledgerSnapshot.has(id)) ledgerSnapshot.set(id, row);
    const mine = entries.rows.filter((r) => r.tenant_id === this.tenant.id).length;
    if (mine !== 2 * this.walletOps) out.push(`ledger: ${mine} entries of this tenant, the model expects ${2 * this.walletOps} (2 per accepted credit or debit)`);
  }
}

describe('money model (seeded random steps against the model)', () => {
  it.each(SEEDS.map((s) => [s]))(
    'seed %i: service, model and ledger agree after every step',
    async (seed) => {
      const run = new SeedRun(seed);
      const started = Date.now();
      await run.run();
      console.log(
        `money model seed ${seed}: ${Object.entries(run.stats)
          .map(([k, n]) => `${k}=${n}`)
          .join(' ')}; expiries outside their scheduled step=${run.fallbacks}; ${Date.now() - started} ms`,
      );
    },
    60_000,
  );

  it('exercised every path of the model', () => {
    const required = [
      'match: activated by a deposit',
      'reload: activated by a deposit',
      'match: amount capped at max_amount',
      'deposit below the min_deposit of every offer: nothing activated',
      'deposit skipped an older offer it did not qualify for',
      'deposit activated the oldest of several qualifying offers',
      'reload: completed by wagering',
      'nodep: completed by wagering',
      'freebet: completed at once (nothing to wager)',
      'bet above max_bet: violation, nothing added',
      'category weighing 0: nothing added',
      'fractional contribution (bet × weight)',
      'late wager settled before the activation: not counted',
      'expired while offered',
      'expired while active',
      'debit beyond the balance refused',
      'replay of a grant',
      'replay of a deposit',
      'replay of a wager',
      'replay of a credit',
      'replay of a debit',
      'changed payload of a grant',
      'changed payload of a deposit',
      'changed payload of a wager',
      'changed payload of a credit',
    ];
    const missing = required.filter((k) => !coverage.get(k));
    console.log(`money model coverage: ${JSON.stringify(Object.fromEntries([...coverage].sort()))}`);
    if (missing.length) throw new Error(`the seeds never exercised: ${missing.join('; ')}`);
  });
});
